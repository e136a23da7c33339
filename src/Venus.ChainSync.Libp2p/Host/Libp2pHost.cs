using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Venus.ChainSync.Libp2p.Connections;
using Venus.ChainSync.Libp2p.Multiplexing;
using Venus.ChainSync.Libp2p.Protocols;
using Venus.ChainSync.Libp2p.Security;
using Venus.ChainSync.Libp2p.Transport;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p;

/// <summary>
/// A libp2p host over TCP, Noise and Yamux, with identify (and push) and ping: the <see cref="IStreamHost"/> the
/// library's exchange and hello run on, for nodes that do not bring their own host. It speaks what a Lotus, Venus or
/// Forest peer expects of one (see the assembly README).
/// </summary>
/// <remarks>
/// <para><b>Lifetime.</b> Nothing runs until <see cref="StartAsync"/>, which binds the listen addresses and dials the
/// bootstrap peers; <see cref="StopAsync"/> (or disposal) closes every listener and connection and waits for every
/// loop the host started. A stopped host cannot be started again.</para>
/// <para><b>Connections.</b> At most one connection per peer is kept: when both peers dial each other at once, the
/// connection dialled by the lower peer id survives on both sides; a new connection from the same side replaces an
/// old one. Dials to one peer are coalesced, failed addresses back off (go-libp2p's schedule), inbound connections
/// are capped per IP and in total, upgrades in progress are capped, and above <see cref="Libp2pHostOptions.HighWater"/>
/// connections the least useful unprotected peers past their grace period are closed down to
/// <see cref="Libp2pHostOptions.LowWater"/>.</para>
/// <para><b>Identify.</b> Each new connection asks the peer's identify; <see cref="ConnectionChange.Identified"/>
/// follows with its protocols once the answer is in and its public key matches the peer id. Our own answer lists every
/// protocol with a handler; adding or removing a handler pushes the change to connected peers.</para>
/// </remarks>
public sealed partial class Libp2pHost : IStreamHost, IAsyncDisposable
{
    private const int EventBuffer = 1024;

    private readonly Libp2pHostOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<Libp2pHost> _logger;
    private readonly Libp2pIdentity _identity;
    private readonly bool _ownsIdentity;
    private readonly TcpTransport _transport;
    private readonly ConnectionUpgrader _upgrader;
    private readonly ConnectionLimits _limits;
    private readonly InboundConnectionGate _inboundGate;
    private readonly SemaphoreSlim _pendingUpgrades;
    private readonly DialBackoff _backoff;
    private readonly ConnectionTrimmer _trimmer;
    private readonly PeerAddressBook _addresses = new();
    private readonly StreamCounter _streams;
    private readonly ConcurrentDictionary<string, StreamHandler> _handlers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Channel<ConnectionEvent>, byte> _eventSubscribers = new();
    private readonly Channel<bool> _pushSignal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stopping = new();
    private readonly WorkTracker _work;

    private readonly Lock _gate = new();
    private readonly Dictionary<PeerId, PeerConnection> _connections = [];
    private readonly Dictionary<PeerId, Task<PeerConnection>> _dials = [];
    private readonly List<TcpTransportListener> _listeners = [];
    private IReadOnlyList<Multiaddr> _listenAddresses = [];
    private IReadOnlyList<Multiaddr> _transportAddresses = [];
    private int _state; // 0 new, 1 started, 2 stopped

    /// <summary>Creates a host; nothing is bound or dialled until <see cref="StartAsync"/>.</summary>
    /// <param name="options">Settings; copied where it matters at start.</param>
    /// <param name="time">The clock for every timeout; the system clock when null.</param>
    /// <param name="loggerFactory">Where events 4000–4099 go; none when null.</param>
    /// <exception cref="ArgumentException">An option is invalid (the message lists every problem).</exception>
    public Libp2pHost(Libp2pHostOptions options, TimeProvider? time = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid libp2p host options: " + string.Join("; ", problems), nameof(options));
        }

        _options = options;
        _time = time ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<Libp2pHost>();
        _work = new WorkTracker(ex => HostLog.BackgroundFault(_logger, ex));
        (_identity, _ownsIdentity) = ResolveIdentity(options);
        _limits = options.Limits;
        _transport = new TcpTransport(_time);
        _upgrader = new ConnectionUpgrader(_identity, options.UpgradeTimeout, new NoiseOptions(), new YamuxOptions { MaxWindowGrowth = options.Limits.MemoryPerConnection }, _time);
        _inboundGate = new InboundConnectionGate(_limits);
        _pendingUpgrades = new SemaphoreSlim(_limits.MaxPendingUpgrades);
        _backoff = new DialBackoff(_time);
        _streams = new StreamCounter(_limits);
        _trimmer = new ConnectionTrimmer(options.LowWater, options.HighWater, options.GracePeriod, options.TrimInterval, ActiveStreamsValue);
    }

    /// <inheritdoc/>
    public PeerId LocalPeer => _identity.PeerId;

    /// <summary>The addresses the host listens on, each ending in <c>/p2p/&lt;our peer id&gt;</c>; empty before start.</summary>
    public IReadOnlyList<Multiaddr> ListenAddresses => _listenAddresses;

    /// <inheritdoc/>
    public IReadOnlyCollection<PeerId> ConnectedPeers
    {
        get
        {
            lock (_gate)
            {
                return [.. _connections.Keys];
            }
        }
    }

    /// <inheritdoc/>
    public IReadOnlyCollection<string> GetPeerProtocols(PeerId peer)
    {
        lock (_gate)
        {
            return _connections.TryGetValue(peer, out PeerConnection? connection) && connection.Identify is { } info
                ? info.Protocols
                : [];
        }
    }

    /// <summary>Binds the listen addresses, starts the host's loops and dials the bootstrap peers.</summary>
    /// <exception cref="InvalidOperationException">Already started or stopped.</exception>
    /// <exception cref="IOException">A listen address cannot be bound (nothing stays bound).</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The libp2p host was already started.");
        }

        var bound = new List<Multiaddr>();
        var transport = new List<Multiaddr>();
        try
        {
            foreach (string text in _options.ListenAddresses)
            {
                TcpTransportListener listener = await _transport.ListenAsync(Multiaddr.Parse(text), cancellationToken).ConfigureAwait(false);
                lock (_gate)
                {
                    _listeners.Add(listener);
                }

                transport.Add(listener.ListenAddress);
                bound.Add(listener.ListenAddress.WithPeer(LocalPeer));
            }
        }
        catch
        {
            await CloseListenersAsync().ConfigureAwait(false);
            throw;
        }

        _listenAddresses = bound;
        _transportAddresses = transport; // identify lists addresses without /p2p, as go-libp2p does
        foreach (Multiaddr address in bound)
        {
            HostLog.Listening(_logger, address);
        }

        foreach (TcpTransportListener listener in _listeners)
        {
            _work.Run(() => AcceptLoopAsync(listener, _stopping.Token));
        }

        _work.Run(() => TrimLoopAsync(_stopping.Token));
        _work.Run(() => PushLoopAsync(_stopping.Token));
        foreach (string text in _options.BootstrapPeers)
        {
            Multiaddr address = Multiaddr.Parse(text);
            _work.Run(() => BootstrapAsync(address, _stopping.Token));
        }
    }

    /// <summary>Closes every listener and connection and waits for the host's loops to end.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _state, 2) == 2)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _pushSignal.Writer.TryComplete();
        await CloseListenersAsync().ConfigureAwait(false);
        PeerConnection[] open;
        lock (_gate)
        {
            open = [.. _connections.Values];
        }

        foreach (PeerConnection connection in open)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        await _work.WhenIdleAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        foreach (Channel<ConnectionEvent> subscriber in _eventSubscribers.Keys)
        {
            subscriber.Writer.TryComplete();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
        _pendingUpgrades.Dispose();
        if (_ownsIdentity)
        {
            _identity.Dispose();
        }
    }

    /// <inheritdoc/>
    public void SetStreamHandler(string protocol, StreamHandler handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(protocol);
        ArgumentNullException.ThrowIfNull(handler);
        if (BuiltInProtocols.Contains(protocol))
        {
            throw new ArgumentException($"{protocol} is served by the host itself.", nameof(protocol));
        }

        bool added = !_handlers.ContainsKey(protocol);
        _handlers[protocol] = handler;
        if (added)
        {
            _pushSignal.Writer.TryWrite(true);
        }
    }

    /// <inheritdoc/>
    public void RemoveStreamHandler(string protocol)
    {
        if (_handlers.TryRemove(protocol, out _))
        {
            _pushSignal.Writer.TryWrite(true);
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ConnectionEvent> ConnectionEvents([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Dropping the oldest keeps a subscriber that stopped reading from holding the host up.
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
    public async ValueTask DisconnectAsync(PeerId peer, CancellationToken cancellationToken)
    {
        PeerConnection? connection;
        lock (_gate)
        {
            _connections.TryGetValue(peer, out connection);
        }

        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Keeps <paramref name="peer"/> from being trimmed while <paramref name="tag"/> is set.</summary>
    public void Protect(PeerId peer, string tag) => _trimmer.Protect(peer, tag);

    /// <summary>Removes a protection set by <see cref="Protect"/>.</summary>
    public void Unprotect(PeerId peer, string tag) => _trimmer.Unprotect(peer, tag);

    /// <inheritdoc/>
    public override string ToString() => $"Libp2pHost {LocalPeer}";

    private void Raise(ConnectionEvent e)
    {
        foreach (Channel<ConnectionEvent> subscriber in _eventSubscribers.Keys)
        {
            subscriber.Writer.TryWrite(e);
        }
    }

    private async ValueTask CloseListenersAsync()
    {
        TcpTransportListener[] listeners;
        lock (_gate)
        {
            listeners = [.. _listeners];
            _listeners.Clear();
        }

        foreach (TcpTransportListener listener in listeners)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static (Libp2pIdentity Identity, bool Owned) ResolveIdentity(Libp2pHostOptions options)
    {
        if (options.Identity is not null)
        {
            return (options.Identity, false);
        }

        if (options.IdentityKeyFile is { } path)
        {
            if (File.Exists(path))
            {
                return (Libp2pIdentity.Load(path), true);
            }

            Libp2pIdentity generated = Libp2pIdentity.Generate();
            generated.Save(path);
            return (generated, true);
        }

        return (Libp2pIdentity.Generate(), true);
    }
}
