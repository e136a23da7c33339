using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Testing;
using Venus.ChainSync.Diagnostics;
using Venus.ChainSync.Network;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Exchange.Tests.Client;

/// <summary>
/// A <see cref="ChainExchangeClient"/> on an in-memory network with a watched fake clock (time moves only when a
/// test advances it), a fake logger and metrics. Shuffling is off, so peers of equal cost are asked in peer-id
/// order: name a hostile peer <c>peer-1</c> and an honest one <c>peer-2</c> to have the hostile one asked first.
/// </summary>
internal sealed class ClientHarness : IAsyncDisposable
{
    private readonly CancellationTokenSource _guard = new(TimeSpan.FromSeconds(30));
    private readonly TestMeterFactory _meters = new();

    public ClientHarness(Action<ExchangeClientOptions>? configure = null, int seed = 1)
    {
        Options = new ExchangeClientOptions { ShufflePeersPrefix = 0 };
        configure?.Invoke(Options);
        Network = new InMemoryNetwork(Time);
        Local = Network.CreateHost("client");
        Client = new ChainExchangeClient(Local, Time, Logger, Options, new ExchangeMetrics(_meters), new Random(seed));
    }

    public WatchedTimeProvider Time { get; } = new();

    public ExchangeClientOptions Options { get; }

    public InMemoryNetwork Network { get; }

    public InMemoryHost Local { get; }

    public FakeLogger<ChainExchangeClient> Logger { get; } = new();

    public ChainExchangeClient Client { get; }

    /// <summary>Real-time guard for every await that could hang.</summary>
    public CancellationToken Guard => _guard.Token;

    public IMeterFactory Meters => _meters;

    /// <summary>Adds a scripted peer, known to the client's tracker unless <paramref name="track"/> is false.</summary>
    public ScriptedPeer AddPeer(string name, ServerScript script, bool track = true)
    {
        var peer = new ScriptedPeer(Network.CreateHost(name), script);
        if (track)
        {
            Client.AddPeer(peer.Id);
        }

        return peer;
    }

    /// <summary>The outcomes the client logged for <paramref name="peer"/> (event 3002), in order.</summary>
    public IReadOnlyList<PeerOutcome> Failures(PeerId peer) =>
        [.. Logger.Collector.GetSnapshot()
            .Where(r => r.Id.Id == 3002 && r.GetStructuredStateValue("Peer") == peer.ToString())
            .Select(r => Enum.Parse<PeerOutcome>(r.GetStructuredStateValue("Outcome")!))];

    public int Events(int eventId) => Logger.Collector.GetSnapshot().Count(r => r.Id.Id == eventId);

    public async ValueTask DisposeAsync()
    {
        await Network.DisposeAsync().AsTask().WaitAsync(Guard);
        _meters.Dispose();
        _guard.Dispose();
    }

    private sealed class TestMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            options.Scope = this;
            var meter = new Meter(options);
            lock (_meters)
            {
                _meters.Add(meter);
            }

            return meter;
        }

        public void Dispose()
        {
            lock (_meters)
            {
                _meters.ForEach(m => m.Dispose());
            }
        }
    }
}

/// <summary>The client's metrics tags in one place, for assertions.</summary>
internal static class ClientMetricNames
{
    public const string Requests = "venus.chainsync.exchange.requests";

    public const string Meter = ChainSyncDiagnostics.Name;
}
