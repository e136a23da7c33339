using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Testing;

/// <summary>One host of an <see cref="InMemoryNetwork"/>: an <see cref="IStreamHost"/> and an <see cref="IPubSub"/>.</summary>
public sealed partial class InMemoryHost : IStreamHost, IPubSub
{
    private const int EventBuffer = 1024;

    private readonly InMemoryNetwork _network;
    private readonly ConcurrentDictionary<string, StreamHandler> _handlers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<PeerId, bool> _connections = new();
    private readonly ConcurrentDictionary<Channel<ConnectionEvent>, byte> _eventSubscribers = new();

    internal InMemoryHost(InMemoryNetwork network, PeerId localPeer, bool isScripted)
    {
        _network = network;
        LocalPeer = localPeer;
        IsScripted = isScripted;
    }

    /// <inheritdoc/>
    public PeerId LocalPeer { get; }

    /// <inheritdoc/>
    public IReadOnlyCollection<PeerId> ConnectedPeers => [.. _connections.Keys];

    /// <inheritdoc/>
    /// <remarks>
    /// In memory, identify is instant and always current, and every host on the network counts as identified (as if
    /// the peer store remembered it): the protocols are those the peer has handlers for now, as if it pushed every
    /// change. Empty for a peer not on the network.
    /// </remarks>
    public IReadOnlyCollection<string> GetPeerProtocols(PeerId peer) => _network.Find(peer)?.Protocols ?? [];

    /// <summary>The protocols this host has handlers for now, as its identify would list them.</summary>
    internal IReadOnlyCollection<string> Protocols => [.. _handlers.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Whether this host was made by <see cref="InMemoryNetwork.CreateScriptedPeer"/> (its streams are relayed).</summary>
    internal bool IsScripted { get; }

    /// <inheritdoc/>
    /// <remarks>
    /// Fails with <see cref="IOException"/> also when a partition separates the hosts, when the link's
    /// <see cref="LinkFaults.DropStreamProbability"/> drops the stream, or when the network is shut down.
    /// </remarks>
    public ValueTask<INetworkStream> OpenStreamAsync(PeerId peer, string protocol, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        InMemoryHost remote = _network.Find(peer) ?? throw new IOException($"peer {peer} is not on the network");
        if (!remote._handlers.TryGetValue(protocol, out StreamHandler? handler))
        {
            throw new IOException($"peer {peer} does not speak {protocol}");
        }

        return ValueTask.FromResult(_network.OpenStream(this, remote, protocol, handler));
    }

    /// <inheritdoc/>
    public void SetStreamHandler(string protocol, StreamHandler handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(protocol);
        ArgumentNullException.ThrowIfNull(handler);
        _handlers[protocol] = handler;
    }

    /// <inheritdoc/>
    public void RemoveStreamHandler(string protocol) => _handlers.TryRemove(protocol, out _);

    /// <inheritdoc/>
    public async IAsyncEnumerable<ConnectionEvent> ConnectionEvents([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Dropping the oldest keeps a subscriber that stopped reading from holding the network up.
        var channel = Channel.CreateBounded<ConnectionEvent>(new BoundedChannelOptions(EventBuffer) { FullMode = BoundedChannelFullMode.DropOldest });
        _eventSubscribers.TryAdd(channel, 0);
        try
        {
            await foreach (ConnectionEvent e in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return e;
            }
        }
        finally
        {
            _eventSubscribers.TryRemove(channel, out _);
        }
    }

    /// <inheritdoc/>
    public ValueTask DisconnectAsync(PeerId peer, CancellationToken cancellationToken)
    {
        _network.Disconnect(LocalPeer, peer);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public override string ToString() => $"InMemoryHost {LocalPeer}";

    internal bool AddConnection(PeerId peer, bool outbound)
    {
        if (!_connections.TryAdd(peer, outbound))
        {
            return false;
        }

        Raise(new ConnectionEvent(peer, ConnectionChange.Connected, outbound));

        // Identify follows at once, as a real host raises it when the peer's identify answer is in: it lists the
        // protocols the peer has handlers for at this moment (hello greets only peers listing hello, as Lotus does).
        IReadOnlyCollection<string> protocols = _network.Find(peer)?.Protocols ?? [];
        Raise(new ConnectionEvent(peer, ConnectionChange.Identified, outbound) { Protocols = protocols });
        return true;
    }

    /// <summary>Whether this host dialled its connection to <paramref name="peer"/>; null when not connected.</summary>
    internal bool? DialledTo(PeerId peer) => _connections.TryGetValue(peer, out bool outbound) ? outbound : null;

    internal void RemoveConnection(PeerId peer)
    {
        if (_connections.TryRemove(peer, out bool outbound))
        {
            Raise(new ConnectionEvent(peer, ConnectionChange.Disconnected, outbound));
        }
    }

    private void Raise(ConnectionEvent e)
    {
        foreach (Channel<ConnectionEvent> subscriber in _eventSubscribers.Keys)
        {
            subscriber.Writer.TryWrite(e);
        }
    }

    internal bool IsOn(InMemoryNetwork network) => ReferenceEquals(_network, network);

    internal async Task RunHandlerAsync(StreamHandler handler, INetworkStream stream)
    {
        try
        {
            await handler(stream, _network.Stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A failing handler resets its own stream only, as a libp2p host does.
            stream.Abort(ex);
        }
        finally
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }
}
