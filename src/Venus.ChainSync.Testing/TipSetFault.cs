namespace Venus.ChainSync.Testing;

/// <summary>
/// A fault <see cref="ChainBuilder"/> plants in one tipset (<see cref="TipSetSpec.Fault"/>), with what a syncer
/// should conclude from it. Everything else about the tipset is as usual, and so are the tipsets built on it: they
/// name its real key as parents, its weight, and the state <see cref="TestTipSetExecutor.Compute"/> gives for it.
/// </summary>
/// <remarks>
/// A block from the future is not a fault of the chain but of the moment: build a normal chain and set the clock
/// before its tip's timestamp (<see cref="ChainBuilder.TimeOfHeight"/>). A syncer should fail such a sync without
/// caching anything, and succeed once the clock has passed it.
/// </remarks>
public abstract record TipSetFault
{
    private TipSetFault()
    {
    }

    /// <summary>
    /// Every block names as parent state root and parent receipts root CIDs other than what the parent produced
    /// (<see cref="ChainBuilder.StateOf(Primitives.TipSet)"/>). A syncer should find the tipset invalid for good,
    /// cache its first block (canonical order) as bad, and cache every known descendant linked to that block.
    /// </summary>
    public static TipSetFault WrongParentStateRoot { get; } = new ParentStateRootFault();

    /// <summary>
    /// Every block's header commits (<see cref="Primitives.BlockHeader.Messages"/>) to its true messages, but the
    /// block is served with one BLS message more (<see cref="ChainBuilder.GetServedBlocks(Primitives.TipSetKey)"/>); the
    /// true variant is <see cref="ChainBuilder.GetFullTipSet(Primitives.TipSetKey)"/>, and the extra message is stored
    /// too. The header is sound and only the sender lies, so a syncer should fail the sync without caching anything and
    /// succeed once an honest peer serves the true messages; the served blocks cannot even form a
    /// <see cref="Primitives.FullTipSet"/>.
    /// </summary>
    public static TipSetFault WrongMessageRoot { get; } = new MessageRootFault();

    /// <summary>
    /// Two blocks of the tipset are by one miner (its first and last built block; needs at least two blocks): a
    /// consensus fault. Either block alone may be valid, so a syncer should refuse the tipset without caching its
    /// blocks, and cache every tipset above it, linked to the later of the two blocks in canonical order.
    /// </summary>
    public static TipSetFault DoubleMining { get; } = new DoubleMiningFault();

    /// <summary>
    /// Every block's timestamp is <paramref name="seconds"/> off the epoch grid (genesis + block delay × height). A
    /// syncer should find the tipset invalid for good and cache its first block and every known descendant. Children
    /// keep to the grid, so they are off relative to this tipset too; a syncer never gets that far.
    /// </summary>
    /// <param name="seconds">The offset, not zero; negative is earlier.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seconds"/> is zero.</exception>
    public static TipSetFault TimestampOffset(long seconds)
    {
        if (seconds == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(seconds), "An offset of zero is no fault.");
        }

        return new TimestampFault(seconds);
    }

    internal sealed record ParentStateRootFault : TipSetFault;

    internal sealed record MessageRootFault : TipSetFault;

    internal sealed record DoubleMiningFault : TipSetFault;

    internal sealed record TimestampFault(long Seconds) : TipSetFault;
}
