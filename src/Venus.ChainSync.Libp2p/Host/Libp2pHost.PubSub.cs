using System.Net;

namespace Venus.ChainSync.Libp2p;

/// <summary>What the host's gossipsub router needs of it beyond <see cref="Network.IStreamHost"/>.</summary>
public sealed partial class Libp2pHost
{
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
