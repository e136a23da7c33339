using System.Net;

namespace Venus.ChainSync.Libp2p;

/// <summary>What the host's gossipsub router needs of it beyond <see cref="Network.IStreamHost"/>.</summary>
public sealed partial class Libp2pHost
{
    // The gossipsub router's score of a peer, while it runs; the trimmer adds it to a connection's value.
    private Func<Network.PeerId, double>? _pubSubScore;

    /// <summary>Sets (or, with null, clears) the score the router keeps of each peer, for trimming.</summary>
    internal void SetPubSubScore(Func<Network.PeerId, double>? score) => Volatile.Write(ref _pubSubScore, score);

    /// <summary>The identity key, which signs the messages the router publishes.</summary>
    internal Libp2pIdentity Identity => _identity;

    /// <summary>The options the host was made with (the router takes <see cref="Libp2pHostOptions.PubSub"/>).</summary>
    internal Libp2pHostOptions Options => _options;

    /// <summary>The host's clock.</summary>
    internal TimeProvider Time => _time;

    /// <summary>The IP address <paramref name="peer"/>'s connection comes from, or null when not connected (for the
    /// peer score's IP colocation term).</summary>
    internal IPAddress? RemoteIpOf(Network.PeerId peer)
    {
        lock (_gate)
        {
            return _connections.TryGetValue(peer, out PeerConnection? connection) ? connection.Tcp.RemoteEndPoint.Address : null;
        }
    }
}
