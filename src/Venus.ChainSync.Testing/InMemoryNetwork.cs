using System.Collections.Concurrent;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Testing;

/// <summary>
/// Many libp2p-shaped hosts in one process. Hosts connect on first use (or with <see cref="Connect"/>), streams are
/// pairs of in-memory pipes and gossip is delivered to every other subscribed host.
/// </summary>
/// <remarks>
/// Handlers run on the thread pool, one task per inbound stream; the network tracks them so
/// <see cref="DisposeAsync"/> can wait for every one to finish.
/// </remarks>
public sealed class InMemoryNetwork : IAsyncDisposable
{
    /// <summary>Bytes buffered per stream direction before a writer waits.</summary>
    public const long StreamBufferBytes = 1 << 20;

    private readonly ConcurrentDictionary<PeerId, InMemoryHost> _hosts = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _activeHandlers;

    /// <summary>Creates a network whose hosts read time from <paramref name="time"/> (the system clock by default).</summary>
    public InMemoryNetwork(TimeProvider? time = null) => Time = time ?? TimeProvider.System;

    /// <summary>The clock of this network.</summary>
    public TimeProvider Time { get; }

    /// <summary>Creates a host named <paramref name="name"/> (its peer id is <see cref="PeerId.ForName"/> of the name).</summary>
    public InMemoryHost CreateHost(string name)
    {
        var host = new InMemoryHost(this, PeerId.ForName(name));
        if (!_hosts.TryAdd(host.LocalPeer, host))
        {
            throw new ArgumentException($"A host named '{name}' already exists.", nameof(name));
        }

        return host;
    }

    /// <summary>Connects two hosts (both see a connection event) unless they already are.</summary>
    public void Connect(InMemoryHost a, InMemoryHost b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (!a.IsOn(this) || !b.IsOn(this))
        {
            throw new ArgumentException("Both hosts must belong to this network.");
        }

        if (a.AddConnection(b.LocalPeer, outbound: true))
        {
            b.AddConnection(a.LocalPeer, outbound: false);
        }
    }

    /// <summary>Disconnects two hosts (both see a disconnection event).</summary>
    public void Disconnect(PeerId a, PeerId b)
    {
        if (_hosts.TryGetValue(a, out InMemoryHost? hostA))
        {
            hostA.RemoveConnection(b);
        }

        if (_hosts.TryGetValue(b, out InMemoryHost? hostB))
        {
            hostB.RemoveConnection(a);
        }
    }

    /// <summary>Stops every host's handlers and waits for them.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (Volatile.Read(ref _activeHandlers) == 0)
        {
            _idle.TrySetResult();
        }

        await _idle.Task.ConfigureAwait(false);
        _stopping.Dispose();
    }

    internal InMemoryHost? Find(PeerId peer) => _hosts.TryGetValue(peer, out InMemoryHost? host) ? host : null;

    internal IEnumerable<InMemoryHost> Hosts => _hosts.Values;

    internal CancellationToken Stopping => _stopping.Token;

    /// <summary>Runs a handler on the thread pool, counted so that disposal can wait for it.</summary>
    internal void RunHandler(Func<Task> handler)
    {
        Interlocked.Increment(ref _activeHandlers);
        _ = Task.Run(async () =>
        {
            try
            {
                await handler().ConfigureAwait(false);
            }
            finally
            {
                if (Interlocked.Decrement(ref _activeHandlers) == 0 && _stopping.IsCancellationRequested)
                {
                    _idle.TrySetResult();
                }
            }
        });
    }
}
