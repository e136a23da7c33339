using Venus.ChainSync.Primitives.Amt;

namespace Venus.ChainSync.Primitives;

/// <summary>
/// Computes a block's message root: the <see cref="MsgMeta"/> over the AMT v0 roots of its BLS and secp message
/// CIDs. Nothing is written anywhere unless a node sink is given.
/// </summary>
public static class MessageRoot
{
    /// <summary>Computes the message meta of a block holding these message CIDs, in block order.</summary>
    public static MsgMeta Compute(IReadOnlyList<Cid> blsMessages, IReadOnlyList<Cid> secpkMessages, Action<AmtNodeBlock>? nodeSink = null)
    {
        Cid bls = AmtV0.ComputeRoot(blsMessages, nodeSink);
        Cid secpk = AmtV0.ComputeRoot(secpkMessages, nodeSink);
        MsgMeta meta = MsgMeta.Create(bls, secpk);
        nodeSink?.Invoke(new AmtNodeBlock(meta.Cid, meta.RawData));
        return meta;
    }

    /// <summary>Whether the messages hash to <paramref name="header"/>'s <see cref="BlockHeader.Messages"/>.</summary>
    public static bool Matches(BlockHeader header, IReadOnlyList<Cid> blsMessages, IReadOnlyList<Cid> secpkMessages)
    {
        ArgumentNullException.ThrowIfNull(header);
        return Compute(blsMessages, secpkMessages).Cid == header.Messages;
    }
}
