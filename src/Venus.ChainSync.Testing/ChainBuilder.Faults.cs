using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Testing;

/// <summary>What planting a <see cref="TipSetFault"/> needs beyond the ordinary build.</summary>
public sealed partial class ChainBuilder
{
    // Only tipsets built with TipSetFault.WrongMessageRoot: the variant whose messages match the headers.
    private readonly Dictionary<TipSetKey, FullTipSet> _honest = [];

    /// <summary>
    /// The tipset with the messages its headers commit to: the same as <see cref="GetFullTipSet(TipSetKey)"/> except
    /// for a tipset built with <see cref="TipSetFault.WrongMessageRoot"/>, whose true messages this returns.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No tipset with that key was built here.</exception>
    public FullTipSet GetHonestFullTipSet(TipSetKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _honest.TryGetValue(key, out FullTipSet? honest) ? honest : GetFullTipSet(key);
    }

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
