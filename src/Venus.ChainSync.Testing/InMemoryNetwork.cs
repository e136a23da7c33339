using System.Collections.Concurrent;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Testing;

/// <summary>
/// Many libp2p-shaped hosts in one process, with faults on demand. Hosts connect on first use (or with
/// <see cref="Connect"/>), streams are pairs of in-memory pipes, and gossip travels along connections only, passed on
/// by each subscribed host whose validator accepted it (<see cref="InMemoryHost.PublishAsync"/>), so lines, stars and
/// partitions behave as they would on a real network.
/// </summary>
/// <remarks>
/// <para><b>Faults.</b> Each direction of the link between two hosts can carry <see cref="LinkFaults"/> (see
/// <see cref="Configure"/> and <see cref="ConfigureOneWay"/>): latency, bandwidth, dropped stream opens and a reset
/// after so many bytes. <see cref="Partition"/> cuts sets of hosts apart until <see cref="Heal"/>.
/// <see cref="CreateScriptedPeer"/> makes a host whose handlers are scripts, with the usual hostile behaviours ready.</para>
/// <para><b>Streams.</b> Over a link without faults a stream is a plain pipe pair (<see cref="InMemoryStream"/>). Over
/// a link whose faults delay, pace or cut bytes, and to or from a scripted peer, it is relayed: each direction stamps
/// flushed bytes with the time and a timer on <see cref="Time"/> moves them to the receiver when they are due.</para>
/// <para><b>Determinism.</b> With a <c>FakeTimeProvider</c>, nothing is delivered before the clock reaches its due
/// time, and everything due is readable when <c>Advance</c> returns: delivery runs inside the timer callbacks, not in
/// background tasks. The time a flush is stamped with is the clock's when the flush is called, so a test that writes
/// and then advances is always covered. When the writer is a handler on another task, wait for its bytes to be on
/// the wire with <see cref="WhenInFlightAsync"/> before advancing.</para>
/// <para><b>Ownership.</b> Handlers run on the thread pool, one task per inbound stream, counted by the network;
/// <see cref="DisposeAsync"/> cancels their token, resets every open stream, waits for every handler to finish and
/// releases every timer. After disposal, opening a stream fails with <see cref="IOException"/>.</para>
/// </remarks>
public sealed partial class InMemoryNetwork : IAsyncDisposable
{
    /// <summary>Bytes buffered per stream direction before a writer waits.</summary>
    public const long StreamBufferBytes = 1 << 20;

    private readonly ConcurrentDictionary<PeerId, InMemoryHost> _hosts = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Guards streams, links, partitions, pending gossip, connection changes made by the network, and the handler count.
    private readonly Lock _gate = new();
    private readonly HashSet<StreamPair> _streams = [];
    private readonly long _epoch;
    private int _activeHandlers;
    private bool _stopped;

    /// <summary>Creates a network.</summary>
    /// <param name="time">The clock for latency, bandwidth and scripted peers (the system clock by default).</param>
    /// <param name="seed">Seed of the random draws behind <see cref="LinkFaults.DropStreamProbability"/>.</param>
    public InMemoryNetwork(TimeProvider? time = null, int seed = 0)
    {
        Time = time ?? TimeProvider.System;
        Seed = seed;
        _epoch = Time.GetTimestamp();
    }

    /// <summary>The clock of this network.</summary>
    public TimeProvider Time { get; }

    /// <summary>The seed of this network's random draws.</summary>
    public int Seed { get; }

    /// <summary>Time since the network was created, on <see cref="Time"/>.</summary>
    internal TimeSpan Elapsed => Time.GetElapsedTime(_epoch);

    internal CancellationToken Stopping => _stopping.Token;

    /// <summary>Creates a host named <paramref name="name"/> (its peer id is <see cref="PeerId.ForName"/> of the name).</summary>
    /// <exception cref="ArgumentException">A host of that name exists.</exception>
    public InMemoryHost CreateHost(string name) => AddHost(name, scripted: false);

    /// <summary>
    /// Creates a host whose stream handlers are scripts (see <see cref="ScriptedPeer"/>). Its streams are always
    /// relayed, so that a script can reset a stream right behind the bytes it wrote.
    /// </summary>
    /// <exception cref="ArgumentException">A host of that name exists.</exception>
    public ScriptedPeer CreateScriptedPeer(string name) => new(this, AddHost(name, scripted: true));

    /// <summary>Connects two hosts (both see a connection event; <paramref name="a"/> dialled) unless they already are.</summary>
    /// <exception cref="ArgumentException">A host belongs to another network.</exception>
    /// <exception cref="InvalidOperationException">A partition separates the hosts.</exception>
    public void Connect(InMemoryHost a, InMemoryHost b)
    {
        CheckMember(a, nameof(a));
        CheckMember(b, nameof(b));
        lock (_gate)
        {
            if (IsBlocked(a.LocalPeer, b.LocalPeer))
            {
                throw new InvalidOperationException($"A partition separates {a.LocalPeer} from {b.LocalPeer}.");
            }

            ConnectCore(a, b);
        }
    }

    /// <summary>
    /// Disconnects two hosts (both see a disconnection event) and resets every stream between them, as closing a
    /// libp2p connection resets the streams multiplexed on it. Unlike a partition, they may connect again at once.
    /// </summary>
    public void Disconnect(PeerId a, PeerId b)
    {
        List<StreamPair> cut;
        lock (_gate)
        {
            if (_hosts.TryGetValue(a, out InMemoryHost? hostA))
            {
                hostA.RemoveConnection(b);
            }

            if (_hosts.TryGetValue(b, out InMemoryHost? hostB))
            {
                hostB.RemoveConnection(a);
            }

            cut = [.. _streams.Where(stream => stream.Joins(a, b))];
        }

        // Outside the lock, as for partitions: a relay takes its own lock.
        var closed = new IOException($"the connection between {a} and {b} was closed");
        foreach (StreamPair stream in cut)
        {
            stream.Abort(closed);
        }
    }

    /// <summary>
    /// Stops the network: cancels the handlers' token, resets every open stream, drops gossip in flight, waits for
    /// every handler to finish and releases every timer. A handler that ignores both its token and its stream keeps
    /// this waiting.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        List<StreamPair>? streams = null;
        List<PendingGossip>? gossip = null;
        lock (_gate)
        {
            if (!_stopped)
            {
                _stopped = true;
                streams = [.. _streams];
                gossip = [.. _pendingGossip];
                _pendingGossip.Clear();
            }
        }

        if (streams is null || gossip is null)
        {
            // A later call: the first one does the work.
            await _idle.Task.ConfigureAwait(false);
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        var shutdown = new IOException("the in-memory network shut down");
        foreach (StreamPair stream in streams)
        {
            stream.Abort(shutdown);
        }

        foreach (PendingGossip message in gossip)
        {
            message.Drop();
        }

        lock (_gate)
        {
            if (_activeHandlers == 0)
            {
                _idle.TrySetResult();
            }
        }

        await _idle.Task.ConfigureAwait(false);
        foreach (StreamPair stream in streams)
        {
            stream.Relay?.Close();
        }

        _stopping.Dispose();
    }

    internal InMemoryHost? Find(PeerId peer) => _hosts.TryGetValue(peer, out InMemoryHost? host) ? host : null;

    /// <summary>
    /// Opens a stream from <paramref name="from"/> to <paramref name="to"/> and starts <paramref name="handler"/> on
    /// the remote end, counted so that disposal can wait for it.
    /// </summary>
    /// <exception cref="IOException">The network is shut down, a partition separates the hosts, or the link dropped the stream.</exception>
    internal INetworkStream OpenStream(InMemoryHost from, InMemoryHost to, string protocol, StreamHandler handler)
    {
        StreamPair pair;
        lock (_gate)
        {
            if (_stopped)
            {
                throw new IOException("the in-memory network is shut down");
            }

            if (IsBlocked(from.LocalPeer, to.LocalPeer))
            {
                throw new IOException($"peer {to.LocalPeer} is unreachable: a partition separates it from {from.LocalPeer}");
            }

            if (ShouldDrop(from.LocalPeer, to.LocalPeer))
            {
                throw new IOException($"the link dropped the stream to {to.LocalPeer}");
            }

            ConnectCore(from, to);
            LinkFaults forward = FaultsOf(from.LocalPeer, to.LocalPeer);
            LinkFaults backward = FaultsOf(to.LocalPeer, from.LocalPeer);
            bool relayed = forward.ShapesStreams || backward.ShapesStreams || from.IsScripted || to.IsScripted;
            pair = relayed
                ? StreamPair.Relayed(this, from, to, protocol, forward, backward)
                : StreamPair.Direct(this, from, to, protocol);
            _streams.Add(pair);
            _activeHandlers++;
        }

        // Owned: counted above, awaited by DisposeAsync through the count.
        _ = Task.Run(async () =>
        {
            try
            {
                await to.RunHandlerAsync(handler, pair.AtRemote).ConfigureAwait(false);
            }
            finally
            {
                lock (_gate)
                {
                    if (--_activeHandlers == 0 && _stopped)
                    {
                        _idle.TrySetResult();
                    }
                }
            }
        });

        return pair.AtOpener;
    }

    /// <summary>Runs <paramref name="work"/> as an owned task that <see cref="DisposeAsync"/> waits for (not after stop).</summary>
    internal void RunTracked(Func<Task> work)
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            _activeHandlers++;
        }

        // Owned: counted above, awaited by DisposeAsync through the count.
        _ = Task.Run(async () =>
        {
            try
            {
                await work().ConfigureAwait(false);
            }
            finally
            {
                lock (_gate)
                {
                    if (--_activeHandlers == 0 && _stopped)
                    {
                        _idle.TrySetResult();
                    }
                }
            }
        });
    }

    /// <summary>Both ends of <paramref name="pair"/> are disposed.</summary>
    internal void Forget(StreamPair pair)
    {
        lock (_gate)
        {
            _streams.Remove(pair);
        }
    }

    private InMemoryHost AddHost(string name, bool scripted)
    {
        var host = new InMemoryHost(this, PeerId.ForName(name), scripted);
        if (!_hosts.TryAdd(host.LocalPeer, host))
        {
            throw new ArgumentException($"A host named '{name}' already exists.", nameof(name));
        }

        return host;
    }

    private void CheckMember(InMemoryHost host, string paramName)
    {
        ArgumentNullException.ThrowIfNull(host, paramName);
        if (!host.IsOn(this))
        {
            throw new ArgumentException("The host belongs to another network.", paramName);
        }
    }

    private static void ConnectCore(InMemoryHost dialer, InMemoryHost listener)
    {
        if (dialer.AddConnection(listener.LocalPeer, outbound: true))
        {
            listener.AddConnection(dialer.LocalPeer, outbound: false);
        }
    }
}
