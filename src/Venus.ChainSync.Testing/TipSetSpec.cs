using Venus.ChainSync.Exchange;

namespace Venus.ChainSync.Testing;

/// <summary>
/// The shape of one tipset built by <see cref="ChainBuilder"/>, and optionally one fault planted in it.
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

    /// <summary>
    /// What is wrong with the tipset (default <c>null</c>: nothing). Tipsets built on a faulty one are otherwise
    /// normal; see <see cref="TipSetFault"/>.
    /// </summary>
    public TipSetFault? Fault { get; init; }

    /// <summary>
    /// The ID address of the tipset's first miner (default 1000); block b is mined by <c>FirstMiner + b</c>. Give
    /// sibling tipsets of different branches different ranges, or at one height on one parent they look like a miner
    /// publishing two blocks (which the target tracker refuses to merge).
    /// </summary>
    public ulong FirstMiner { get; init; } = DefaultFirstMiner;

    /// <summary>The default <see cref="FirstMiner"/>.</summary>
    public const ulong DefaultFirstMiner = 1000;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Blocks, 1, nameof(Blocks));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Blocks, MaxBlocks, nameof(Blocks));
        ArgumentOutOfRangeException.ThrowIfNegative(BlsMessages, nameof(BlsMessages));
        ArgumentOutOfRangeException.ThrowIfNegative(SecpMessages, nameof(SecpMessages));
        ArgumentOutOfRangeException.ThrowIfNegative(SharedMessages, nameof(SharedMessages));
        ArgumentOutOfRangeException.ThrowIfNegative(NullRoundsBefore, nameof(NullRoundsBefore));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(FirstMiner, ulong.MaxValue - MaxBlocks, nameof(FirstMiner));

        // A wrong message root carries one message more than the header commits to; that one counts too.
        int extra = Fault is TipSetFault.MessageRootFault ? 1 : 0;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(BlsMessages + SecpMessages + (2 * SharedMessages) + extra, ExchangeProtocol.BlockMessageLimit, "messages per block");
        if (Fault is not (null or TipSetFault.ParentStateRootFault or TipSetFault.MessageRootFault or TipSetFault.DoubleMiningFault or TipSetFault.TimestampFault))
        {
            // A record's copy constructor is protected, so a type outside could derive; the builder would ignore it.
            throw new ArgumentException("Only the faults TipSetFault offers can be planted.", nameof(Fault));
        }

        if (Fault is TipSetFault.DoubleMiningFault && Blocks < 2)
        {
            throw new ArgumentException("Double mining needs a tipset of at least two blocks.", nameof(Fault));
        }
    }
}
