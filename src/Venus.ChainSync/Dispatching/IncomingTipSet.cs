using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync;

/// <summary>Which of the three sync events brought a tipset in.</summary>
public enum TipSetSource
{
    /// <summary>This node's miner produced it (<c>SyncSubmitBlock</c>).</summary>
    Own,

    /// <summary>A block heard on the blocks topic.</summary>
    Gossip,

    /// <summary>The head a newly connected peer greeted us with (<c>/fil/hello</c>).</summary>
    Hello,
}

/// <summary>
/// A tipset arriving at the engine: the one type the node's own blocks, gossip and hello hand to
/// <see cref="Dispatcher.SendAsync"/>. Its messages are checked against its message roots, because a
/// <see cref="FullTipSet"/> can only be built by that check; nothing downstream checks or stores them again.
/// </summary>
/// <param name="TipSet">The tipset with every block's messages.</param>
/// <param name="Source">Which event brought it.</param>
/// <param name="Sender">The peer that passed it to us (null for <see cref="TipSetSource.Own"/>).</param>
/// <param name="Origin">The peer that produced or first published it, when known (gossip's <c>from</c>); else the sender.</param>
public sealed record IncomingTipSet(FullTipSet TipSet, TipSetSource Source, PeerId? Sender = null, PeerId? Origin = null)
{
    /// <summary>A block of this node's own miner.</summary>
    public static IncomingTipSet Own(FullTipSet tipSet) => new(tipSet, TipSetSource.Own);

    /// <summary>A gossiped block from <paramref name="sender"/>, published by <paramref name="origin"/>.</summary>
    public static IncomingTipSet Gossip(FullTipSet tipSet, PeerId sender, PeerId origin) => new(tipSet, TipSetSource.Gossip, sender, origin);

    /// <summary>The head <paramref name="peer"/> greeted us with.</summary>
    public static IncomingTipSet Hello(FullTipSet tipSet, PeerId peer) => new(tipSet, TipSetSource.Hello, peer, peer);
}
