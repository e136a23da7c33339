namespace Venus.ChainSync.Network;

/// <summary>Handles an inbound stream; the host disposes the stream when the returned task ends.</summary>
/// <param name="stream">The stream, already negotiated for the handler's protocol.</param>
/// <param name="cancellationToken">Cancelled when the host stops or the handler is removed.</param>
public delegate Task StreamHandler(INetworkStream stream, CancellationToken cancellationToken);

/// <summary>Whether a connection to a peer came up, was identified, or went down.</summary>
public enum ConnectionChange
{
    /// <summary>The first connection to the peer was established (secured and multiplexed).</summary>
    Connected,

    /// <summary>The last connection to the peer closed.</summary>
    Disconnected,

    /// <summary>
    /// The peer's identify (<c>/ipfs/id/1.0.0</c>) completed on its connection: <see cref="ConnectionEvent.Protocols"/>
    /// lists what it speaks. Raised once per connection, after <see cref="Connected"/>; later changes a peer pushes
    /// update <see cref="IStreamHost.GetPeerProtocols"/> without a new event (go-libp2p's
    /// <c>EvtPeerIdentificationCompleted</c>, which Lotus greets on).
    /// </summary>
    Identified,
}

/// <summary>A connection change for a peer, and which side dialled.</summary>
/// <param name="Peer">The remote peer.</param>
/// <param name="Change">Up, identified or down.</param>
/// <param name="IsOutbound">Whether this node dialled the connection.</param>
public readonly record struct ConnectionEvent(PeerId Peer, ConnectionChange Change, bool IsOutbound)
{
    /// <summary>For <see cref="ConnectionChange.Identified"/>: the protocols the peer listed; empty otherwise.</summary>
    public IReadOnlyCollection<string> Protocols { get; init; } = [];
}

/// <summary>
/// The libp2p host as this library needs it: streams per protocol id to and from peers, and connection events.
/// </summary>
/// <remarks>
/// Implementations must be thread-safe. <see cref="OpenStreamAsync"/> dials when there is no connection. Handlers
/// run concurrently, one call per inbound stream; an exception from a handler resets that stream only. Each
/// connection raises <see cref="ConnectionChange.Connected"/>, then <see cref="ConnectionChange.Identified"/> once the
/// peer's identify is in (hello greets only then, and only peers listing it, as Lotus does), then
/// <see cref="ConnectionChange.Disconnected"/>.
/// See the assembly README for how an adapter over a real libp2p host maps onto this.
/// </remarks>
public interface IStreamHost
{
    /// <summary>This node's peer id.</summary>
    PeerId LocalPeer { get; }

    /// <summary>Opens a stream to <paramref name="peer"/> for <paramref name="protocol"/>.</summary>
    /// <exception cref="IOException">The peer cannot be reached or does not speak the protocol.</exception>
    ValueTask<INetworkStream> OpenStreamAsync(PeerId peer, string protocol, CancellationToken cancellationToken);

    /// <summary>Registers the handler for inbound streams of <paramref name="protocol"/>, replacing any other.</summary>
    void SetStreamHandler(string protocol, StreamHandler handler);

    /// <summary>Removes the handler of <paramref name="protocol"/>; later inbound streams for it are refused.</summary>
    void RemoveStreamHandler(string protocol);

    /// <summary>Connection changes from now on, until <paramref name="cancellationToken"/> is cancelled.</summary>
    IAsyncEnumerable<ConnectionEvent> ConnectionEvents(CancellationToken cancellationToken);

    /// <summary>Peers with an open connection now.</summary>
    IReadOnlyCollection<PeerId> ConnectedPeers { get; }

    /// <summary>
    /// The protocols <paramref name="peer"/> listed in its latest identify (including pushed updates); empty when it
    /// is not connected or not identified yet. The exchange client asks only peers listing
    /// <c>/fil/chain/xchg/0.0.1</c>, as Lotus's does. A host without identify reports the protocols it knows the peer
    /// to speak.
    /// </summary>
    IReadOnlyCollection<string> GetPeerProtocols(PeerId peer);

    /// <summary>Closes every connection to <paramref name="peer"/>.</summary>
    ValueTask DisconnectAsync(PeerId peer, CancellationToken cancellationToken);
}
