using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Venus.ChainSync.Network;
using Venus.ChainSync.TestSupport;

namespace Venus.ChainSync.Libp2p.Tests.Host;

/// <summary>Started libp2p hosts on loopback with OS-picked ports, their logs collected; disposed together.</summary>
internal sealed class HostFixture : IAsyncDisposable
{
    private readonly List<Libp2pHost> _hosts = [];

    /// <summary>Every host's log records.</summary>
    public FakeLogCollector Logs { get; } = new();

    /// <summary>Starts a host listening on 127.0.0.1 (port 0); <paramref name="configure"/> may change its options.</summary>
    public async Task<Libp2pHost> StartHostAsync(Action<Libp2pHostOptions>? configure = null, TimeProvider? time = null)
    {
        var options = new Libp2pHostOptions();
        options.ListenAddresses.Add("/ip4/127.0.0.1/tcp/0");
        configure?.Invoke(options);
        var host = new Libp2pHost(options, time, LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(Logs)).SetMinimumLevel(LogLevel.Debug)));
        _hosts.Add(host);
        await host.StartAsync(TestGuard.Token());
        return host;
    }

    /// <summary>Connects <paramref name="from"/> to <paramref name="to"/> and waits until both have identified each other.</summary>
    public static async Task ConnectAndIdentifyAsync(Libp2pHost from, Libp2pHost to)
    {
        CancellationToken guard = TestGuard.Token();
        Task<ConnectionEvent> atFrom = NextAsync(from, to.LocalPeer, ConnectionChange.Identified, guard);
        Task<ConnectionEvent> atTo = NextAsync(to, from.LocalPeer, ConnectionChange.Identified, guard);
        await from.ConnectAsync(to.ListenAddresses[0], guard);
        await Task.WhenAll(atFrom, atTo);
    }

    /// <summary>
    /// Subscribes to <paramref name="host"/>'s events now and completes with the first <paramref name="change"/> for
    /// <paramref name="peer"/>. The subscription is in place when this returns, so start it before causing the event.
    /// </summary>
    public static Task<ConnectionEvent> NextAsync(Libp2pHost host, PeerId peer, ConnectionChange change, CancellationToken guard)
    {
        IAsyncEnumerator<ConnectionEvent> events = host.ConnectionEvents(guard).GetAsyncEnumerator(guard);
        ValueTask<bool> first = events.MoveNextAsync(); // registers the subscriber before anything else happens
        return WaitAsync(events, first, peer, change);
    }

    private static async Task<ConnectionEvent> WaitAsync(IAsyncEnumerator<ConnectionEvent> events, ValueTask<bool> first, PeerId peer, ConnectionChange change)
    {
        await using (events)
        {
            for (bool more = await first; more; more = await events.MoveNextAsync())
            {
                if (events.Current.Peer == peer && events.Current.Change == change)
                {
                    return events.Current;
                }
            }
        }

        throw new InvalidOperationException($"the events ended before {change} of {peer}");
    }

    /// <summary>Waits for a log record with <paramref name="eventId"/> (from any host).</summary>
    public async Task<FakeLogRecord> WaitForLogAsync(int eventId, Func<FakeLogRecord, bool>? match = null)
    {
        foreach (FakeLogRecord record in Logs.GetSnapshot())
        {
            if (record.Id.Id == eventId && (match is null || match(record)))
            {
                return record;
            }
        }

        await foreach (FakeLogRecord record in Logs.GetLogsAsync(TestGuard.Token()))
        {
            if (record.Id.Id == eventId && (match is null || match(record)))
            {
                return record;
            }
        }

        throw new InvalidOperationException("the log ended");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (Libp2pHost host in _hosts)
        {
            await host.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }
}
