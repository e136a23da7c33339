using Venus.ChainSync.Exchange;

namespace Venus.ChainSync.Testing;

/// <summary>Settings that hold for a whole chain built by <see cref="ChainBuilder"/>.</summary>
public sealed class ChainBuilderOptions
{
    /// <summary>Unix time of genesis, in seconds (default: Filecoin mainnet's genesis, 2020-08-24 22:00 UTC).</summary>
    public ulong GenesisTimestamp { get; init; } = 1_598_306_400;

    /// <summary>Seconds between epochs (default 30, the Filecoin block delay); block timestamps are genesis + delay × height.</summary>
    public ulong BlockDelaySeconds { get; init; } = 30;

    /// <summary>
    /// Bytes of random <c>Params</c> in every message (default 0). Raise it to build responses of megabytes
    /// without building thousands of messages.
    /// </summary>
    public int MessageParamsBytes { get; init; }

    /// <summary>Weight each block adds to the chain (default 10): a tipset's weight is its parent weight plus this per block.</summary>
    public int WeightPerBlock { get; init; } = ParentWeightWeigher.DefaultWeightPerBlock;

    /// <summary>
    /// The state genesis names as its parent state and produces (default <c>null</c>: roots derived from the genesis
    /// parent). Every later state root follows from it by <see cref="TestTipSetExecutor.Compute"/>.
    /// </summary>
    public TipSetState? GenesisState { get; init; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(MessageParamsBytes, nameof(MessageParamsBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(WeightPerBlock, 1, nameof(WeightPerBlock));
    }
}

/// <summary>
/// The shape of one tipset built by <see cref="ChainBuilder"/>.
/// </summary>
/// <param name="Blocks">Blocks in the tipset, 1 to <see cref="MaxBlocks"/>.</param>
/// <param name="BlsMessages">BLS messages each block holds that no other block holds.</param>
/// <param name="SecpMessages">Secp256k1 signed messages each block holds that no other block holds.</param>
/// <param name="SharedMessages">
/// BLS messages, and as many secp messages, that every block of the tipset includes (each block at its own,
/// deterministic positions): what the exchange protocol's compacted messages deduplicate.
/// </param>
/// <param name="NullRoundsBefore">Epochs without a tipset between the parent and this tipset.</param>
public sealed record TipSetSpec(int Blocks = 1, int BlsMessages = 0, int SecpMessages = 0, int SharedMessages = 0, int NullRoundsBefore = 0)
{
    /// <summary>Most blocks a built tipset may have (Lotus's largest expected tipset is 15 blocks).</summary>
    public const int MaxBlocks = 15;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Blocks, 1, nameof(Blocks));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Blocks, MaxBlocks, nameof(Blocks));
        ArgumentOutOfRangeException.ThrowIfNegative(BlsMessages, nameof(BlsMessages));
        ArgumentOutOfRangeException.ThrowIfNegative(SecpMessages, nameof(SecpMessages));
        ArgumentOutOfRangeException.ThrowIfNegative(SharedMessages, nameof(SharedMessages));
        ArgumentOutOfRangeException.ThrowIfNegative(NullRoundsBefore, nameof(NullRoundsBefore));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(BlsMessages + SecpMessages + (2 * SharedMessages), ExchangeProtocol.BlockMessageLimit, "messages per block");
    }
}
