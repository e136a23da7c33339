using System.Diagnostics.Metrics;
using System.Net;
using Venus.ChainSync.Libp2p;
using Venus.ChainSync.Libp2p.PubSub;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Benchmarks;

/// <summary>
/// One node of <see cref="GossipConsole"/>: a <see cref="Libp2pHost"/> listening on 127.0.0.1 with its own
/// <see cref="GossipSub"/> router (Lotus's parameters, loopback exempt from the IP-colocation penalty), its received
/// messages counted by verdict from the router's own <c>venus.chainsync.pubsub.messages</c> counter, and at most one
/// subscription of <see cref="Topic"/>, consumed by a callback. Disposing stops the subscription, the router and the
/// host, in that order.
/// </summary>
internal sealed class GossipBenchNode : IAsyncDisposable
{
    /// <summary>The topic every node joins (a scored blocks topic, so Lotus's blocks-topic score parameters apply).</summary>
    public const string Topic = "/fil/blocks/bench";

    private readonly CancellationTokenSource _stop = new();
    private readonly NodeMeterFactory _meters;
    private Task _consuming = Task.CompletedTask;

    private GossipBenchNode(Libp2pHost host, GossipSub router, NodeMeterFactory meters)
    {
        Host = host;
        Router = router;
        _meters = meters;
    }

    public Libp2pHost Host { get; }

    public GossipSub Router { get; }

    public PeerId Peer => Host.LocalPeer;

    /// <summary>Messages this router received, by the verdict its metric records (accepted, duplicate, throttled…).</summary>
    public VerdictCounts Verdicts => _meters.Verdicts;

    public static async Task<GossipBenchNode> StartAsync(CancellationToken cancellationToken)
    {
        var options = new Libp2pHostOptions();
        options.ListenAddresses.Add("/ip4/127.0.0.1/tcp/0");
        var host = new Libp2pHost(options);
        await host.StartAsync(cancellationToken);

        // Every node shares 127.0.0.1: without this the score's P6 term graylists them once more than five connect.
        var pubSub = new GossipSubOptions();
        pubSub.IPColocationWhitelist.Add(IPNetwork.Parse("127.0.0.0/8"));
        var meters = new NodeMeterFactory();
        var router = new GossipSub(host, pubSub, loggerFactory: null, meterFactory: meters);
        await router.StartAsync(cancellationToken);
        return new GossipBenchNode(host, router, meters);
    }

    /// <summary>Dials <paramref name="other"/>.</summary>
    public async Task ConnectAsync(GossipBenchNode other, CancellationToken cancellationToken) =>
        await Host.ConnectAsync(other.Host.ListenAddresses[0], cancellationToken);

    /// <summary>
    /// Subscribes to <see cref="Topic"/> with <paramref name="validator"/> and hands every delivered message to
    /// <paramref name="onMessage"/> (on the consumer's task, one at a time). The join is posted to the router before
    /// this returns: an async iterator runs to its first await on the first <c>MoveNextAsync</c>.
    /// </summary>
    public void Subscribe(Action<PubSubMessage> onMessage, MessageValidator? validator = null)
    {
        if (!_consuming.IsCompleted)
        {
            throw new InvalidOperationException("One subscription per node.");
        }

        _consuming = ConsumeAsync(onMessage, validator, _stop.Token);
    }

    public Task<PeerId[]> MeshAsync() => Router.MeshAsync(Topic);

    public Task<bool> KnowsSubscriberAsync(GossipBenchNode other) => Router.KnowsSubscriberAsync(other.Peer, Topic);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _consuming;
        }
        catch (OperationCanceledException)
        {
            // The subscription ends by its cancellation.
        }

        await Router.DisposeAsync();
        await Host.DisposeAsync();
        _meters.Dispose();
        _stop.Dispose();
    }

    private async Task ConsumeAsync(Action<PubSubMessage> onMessage, MessageValidator? validator, CancellationToken stopping)
    {
        await foreach (PubSubMessage message in Router.SubscribeAsync(Topic, validator, stopping))
        {
            onMessage(message);
        }
    }

    /// <summary>Counts of received messages by verdict, updated from the router's loop.</summary>
    internal sealed class VerdictCounts
    {
        private long _accepted;
        private long _duplicate;
        private long _throttled;
        private long _other;

        public long Accepted => Interlocked.Read(ref _accepted);

        public long Duplicate => Interlocked.Read(ref _duplicate);

        public long Throttled => Interlocked.Read(ref _throttled);

        /// <summary>Rejected, ignored, invalid signature, unsubscribed: none is expected here.</summary>
        public long Other => Interlocked.Read(ref _other);

        public long Total => Accepted + Duplicate + Throttled + Other;

        public void Add(string? verdict, long value)
        {
            switch (verdict)
            {
                case "accepted":
                    Interlocked.Add(ref _accepted, value);
                    break;
                case "duplicate":
                    Interlocked.Add(ref _duplicate, value);
                    break;
                case "throttled":
                    Interlocked.Add(ref _throttled, value);
                    break;
                default:
                    Interlocked.Add(ref _other, value);
                    break;
            }
        }
    }

    /// <summary>
    /// The meter factory of one router: every router of the process makes its instruments on a meter named
    /// <c>Venus.ChainSync</c>, so the listener tells them apart by the meter instance this factory made.
    /// </summary>
    private sealed class NodeMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];
        private readonly MeterListener _listener = new();

        public NodeMeterFactory()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                bool ours;
                lock (_meters)
                {
                    ours = _meters.Contains(instrument.Meter);
                }

                if (ours && instrument.Name == "venus.chainsync.pubsub.messages")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                string? verdict = null;
                foreach (KeyValuePair<string, object?> tag in tags)
                {
                    if (tag.Key == "verdict")
                    {
                        verdict = tag.Value as string;
                    }
                }

                Verdicts.Add(verdict, value);
            });
            _listener.Start();
        }

        public VerdictCounts Verdicts { get; } = new();

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options);
            lock (_meters)
            {
                _meters.Add(meter);
            }

            return meter;
        }

        public void Dispose()
        {
            _listener.Dispose();
            lock (_meters)
            {
                foreach (Meter meter in _meters)
                {
                    meter.Dispose();
                }
            }
        }
    }
}
