using Venus.ChainSync.Primitives;

namespace Venus.ChainSync;

/// <summary>The verdict on a block: valid, or invalid with a reason and whether that is permanent.</summary>
/// <param name="IsValid">Whether the block passed.</param>
/// <param name="Reason">Why it failed (empty when valid).</param>
/// <param name="IsPermanent">
/// Whether the failure is a property of the block (cache it as bad: a wrong signature, a bad proof) rather than of
/// this moment (retry later: a block from the future, a beacon not yet available, a local fault).
/// </param>
public readonly record struct BlockValidation(bool IsValid, string Reason, bool IsPermanent)
{
    /// <summary>The block passed.</summary>
    public static BlockValidation Valid { get; } = new(true, "", false);

    /// <summary>The block is invalid for good.</summary>
    public static BlockValidation Permanent(string reason) => new(false, reason, true);

    /// <summary>The block cannot be accepted now but may be later.</summary>
    public static BlockValidation Temporary(string reason) => new(false, reason, false);
}

/// <summary>The host's consensus checks of one block (signatures, VRF, election, PoSt, beacon).</summary>
/// <remarks>
/// <para><b>What the engine guarantees.</b> The block decoded strictly, its messages match its message root and the
/// per-block message limit, it belongs to a well-formed tipset whose parent is the tipset given, and the
/// engine has already checked the timing rules. Blocks of one tipset are validated concurrently.</para>
/// <para><b>What it expects.</b> A verdict; an exception is treated as a temporary failure.</para>
/// </remarks>
public interface IBlockValidator
{
    /// <summary>Checks <paramref name="block"/>, whose parent tipset is <paramref name="parent"/>.</summary>
    ValueTask<BlockValidation> ValidateAsync(FullBlock block, TipSet parent, CancellationToken cancellationToken);
}
