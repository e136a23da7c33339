using Venus.ChainSync.Network;
using Venus.ChainSync.Testing.Relay;

namespace Venus.ChainSync.Testing;

/// <summary>
/// A stream the network opened, tracked until both ends are disposed so that partitions and shutdown can reset it.
/// </summary>
internal sealed class StreamPair
{
    private readonly InMemoryNetwork _network;
    private int _openEnds = 2;

    private StreamPair(InMemoryNetwork network, InMemoryHost opener, InMemoryHost remote, INetworkStream atOpener, INetworkStream atRemote, StreamRelay? relay)
    {
        _network = network;
        Opener = opener;
        Remote = remote;
        AtOpener = atOpener;
        AtRemote = atRemote;
        Relay = relay;
    }

    internal InMemoryHost Opener { get; }

    internal InMemoryHost Remote { get; }

    internal INetworkStream AtOpener { get; }

    internal INetworkStream AtRemote { get; }

    internal StreamRelay? Relay { get; }

    /// <summary>A plain pipe pair: bytes pass as soon as they are flushed.</summary>
    internal static StreamPair Direct(InMemoryNetwork network, InMemoryHost opener, InMemoryHost remote, string protocol)
    {
        (InMemoryStream atOpener, InMemoryStream atRemote) = InMemoryStream.CreatePair(opener.LocalPeer, remote.LocalPeer, protocol);
        var pair = new StreamPair(network, opener, remote, atOpener, atRemote, relay: null);
        atOpener.Pair = pair;
        atRemote.Pair = pair;
        return pair;
    }

    /// <summary>A relayed pair whose directions go through <paramref name="forward"/> and <paramref name="backward"/>.</summary>
    internal static StreamPair Relayed(InMemoryNetwork network, InMemoryHost opener, InMemoryHost remote, string protocol, LinkFaults forward, LinkFaults backward)
    {
        var relay = new StreamRelay(network, opener.LocalPeer, remote.LocalPeer, protocol, forward, backward);
        var pair = new StreamPair(network, opener, remote, relay.AtOpener, relay.AtRemote, relay);
        relay.AtOpener.Pair = pair;
        relay.AtRemote.Pair = pair;
        return pair;
    }

    /// <summary>Resets both ends at once.</summary>
    internal void Abort(Exception reason) => AtOpener.Abort(reason);

    /// <summary>Whether the stream runs between <paramref name="a"/> and <paramref name="b"/>, either way round.</summary>
    internal bool Joins(PeerId a, PeerId b) =>
        (Opener.LocalPeer == a && Remote.LocalPeer == b) || (Opener.LocalPeer == b && Remote.LocalPeer == a);

    /// <summary>One end was disposed; after the second the relay's timers go and the network forgets the stream.</summary>
    internal void EndDisposed()
    {
        if (Interlocked.Decrement(ref _openEnds) == 0)
        {
            Relay?.Close();
            _network.Forget(this);
        }
    }
}
