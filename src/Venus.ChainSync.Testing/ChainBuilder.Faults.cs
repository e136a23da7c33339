using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Testing;

/// <summary>What planting a <see cref="TipSetFault"/> needs beyond the ordinary build.</summary>
public sealed partial class ChainBuilder
{
    // Only tipsets built with TipSetFault.WrongMessageRoot: their blocks as a lying peer serves and gossips them.
    private readonly Dictionary<TipSetKey, FullBlock[]> _served = [];

    /// <summary>
    /// The tipset's blocks with the messages a peer serves and gossips for it, in tipset order: its true messages
    /// (<see cref="GetFullTipSet(TipSetKey)"/>) except for a tipset built with <see cref="TipSetFault.WrongMessageRoot"/>,
    /// whose blocks carry one message more than their headers commit to — which no <see cref="FullTipSet"/> can hold.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No tipset with that key was built here.</exception>
    public IReadOnlyList<FullBlock> GetServedBlocks(TipSetKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _served.TryGetValue(key, out FullBlock[]? served) ? served : GetFullTipSet(key).Blocks;
    }

    /// <summary>Whether the tipset was built with <see cref="TipSetFault.WrongMessageRoot"/>, so peers serve it with messages its headers do not commit to.</summary>
    public bool IsServedWithWrongMessages(TipSetKey key) => _served.ContainsKey(key);

    // Derived, not random, so planting it draws nothing from the seed: another state no executor produces from this parent.
    private static TipSetState WrongState(TipSetState produced) =>
        new(DerivedCid("wrong state", produced.StateRoot), DerivedCid("wrong receipts", produced.ReceiptsRoot));

    /// <summary>The block with one more BLS message than its header commits to (the message is stored, the root is not).</summary>
    private FullBlock WithExtraMessage(FullBlock block)
    {
        Message extra = NewBlsMessage();
        Put(extra.Cid, extra.RawData);
        return new FullBlock(block.Header, [.. block.BlsMessages, extra], block.SecpkMessages);
    }
}
