using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Venus.ChainSync.Libp2p.PubSub.Scoring;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p.PubSub;

/// <summary>
/// gossipsub v1.1 (with v1.0 and floodsub peers) over a <see cref="Libp2pHost"/>, as Filecoin peers run it: message
/// ids are the blake2b-256 of the data, every message is signed (StrictSign), our own messages are flood-published,
/// and the mesh, gossip and peer-score parameters are Lotus's. It is the host's <see cref="IPubSub"/>.
/// </summary>
/// <remarks>
/// <para><b>One loop owns the state.</b> The mesh, the caches, the peer links and the score are changed only by the
/// router loop; peers' streams, the API, the validator and the heartbeat hand it events. Received RPCs come through a
/// bounded queue, so a flood of RPCs slows the peers' readers (and, through Yamux, the peers), never our memory.</para>
/// <para><b>Validation</b> runs beside the loop on a bounded queue (Lotus's 256): a message waiting for it when the
/// queue is full is dropped as throttled, without blame. Accepted messages are delivered, cached for gossip and
/// forwarded; rejected ones count against the peer that sent them (peer score P4), ignored ones against nobody.</para>
/// </remarks>
public sealed partial class GossipSub : IPubSub, IAsyncDisposable
{
    /// <summary>gossipsub v1.1.</summary>
    public const string MeshSub11 = "/meshsub/1.1.0";

    /// <summary>gossipsub v1.0.</summary>
    public const string MeshSub10 = "/meshsub/1.0.0";

    /// <summary>floodsub.</summary>
    public const string FloodSub = "/floodsub/1.0.0";

    // Received RPCs waiting for the loop; the peers' readers wait beyond it.
    private const int InboundQueueCapacity = 1024;

    private readonly Libp2pHost _host;
    private readonly GossipSubOptions _options;
    private readonly GossipSubParameters _parameters = GossipSubParameters.Lotus;
    private readonly PeerScoreThresholds _thresholds = FilecoinScoring.Thresholds;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly GossipSubMetrics _metrics;
    private readonly WorkTracker _work;
    private readonly Channel<RouterEvent> _local = Channel.CreateUnbounded<RouterEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<InboundRpc> _inbound = Channel.CreateBounded<InboundRpc>(new BoundedChannelOptions(InboundQueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly Channel<PendingValidation> _validation;
    private readonly CancellationTokenSource _stop = new();
    private readonly SeenCache _seen;
    private readonly MessageCache _cache;
    private PeerScore _score;
    private readonly Dictionary<string, TopicScoreParameters> _topicScores = new(StringComparer.Ordinal);
    private readonly GossipMesh _mesh;
    private readonly MessageSigner _signer;
    private readonly Lock _start = new();
    private Task _loops = Task.CompletedTask;
    private bool _started;
    private bool _stopped;

    /// <summary>Creates the router for <paramref name="host"/>; nothing runs before <see cref="StartAsync"/>.</summary>
    /// <exception cref="ArgumentException">The options are not usable.</exception>
    public GossipSub(Libp2pHost host, GossipSubOptions? options = null, ILoggerFactory? loggerFactory = null, System.Diagnostics.Metrics.IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        _host = host;
        _options = options ?? new GossipSubOptions();
        IReadOnlyList<string> problems = _options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid gossipsub options: " + string.Join(" ", problems), nameof(options));
        }

        _time = host.Time;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<GossipSub>();
        _metrics = new GossipSubMetrics(meterFactory);
        _work = new WorkTracker(ex => GossipSubLog.LoopFailed(_logger, ex));
        _validation = Channel.CreateBounded<PendingValidation>(new BoundedChannelOptions(_options.ValidationQueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _seen = new SeenCache(_parameters.SeenTtl, _parameters.SeenCapacity, _time);
        _cache = new MessageCache(_parameters.HistoryLength, _parameters.GossipLength, _parameters.GossipRetransmission, _parameters.MessageCacheMaxBytes);
        _score = NewScore();
        _mesh = new GossipMesh(
            _parameters,
            new MeshThresholds(_thresholds.GossipThreshold, _thresholds.PublishThreshold, _thresholds.OpportunisticGraftThreshold),
            peer => _score.Score(peer), // not the method group: the score is rebuilt when a scored topic is joined
            peer => _score.AddPenalty(peer, 1),
            _time,
            new Random(),
            _options.DirectPeers);
        _signer = new MessageSigner(host.Identity, _time);
    }

    /// <summary>The protocols we speak, best first: what we propose on our outbound stream.</summary>
    internal static IReadOnlyList<string> Protocols { get; } = [MeshSub11, MeshSub10, FloodSub];

    internal static PubSubProtocol ProtocolOf(string protocol) => protocol switch
    {
        MeshSub11 => PubSubProtocol.MeshSub11,
        MeshSub10 => PubSubProtocol.MeshSub10,
        _ => PubSubProtocol.FloodSub,
    };

    /// <summary>Starts the router: registers the pubsub protocols on the host, opens streams to its identified peers
    /// and starts the heartbeat. Start the host first.</summary>
    /// <exception cref="InvalidOperationException">Already started or stopped.</exception>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_start)
        {
            if (_started || _stopped)
            {
                throw new InvalidOperationException("The gossipsub router starts once.");
            }

            _started = true;
        }

        foreach (string protocol in Protocols)
        {
            _host.SetStreamHandler(protocol, HandleInboundStreamAsync);
        }

        _host.SetPubSubScore(peer => Volatile.Read(ref _score).Score(peer)); // the score is thread-safe

        CancellationToken stopping = _stop.Token;
        _loops = Task.WhenAll(
            Task.Run(() => RouterLoopAsync(stopping), CancellationToken.None),
            Task.Run(() => ValidationLoopAsync(stopping), CancellationToken.None),
            Task.Run(() => HeartbeatLoopAsync(stopping), CancellationToken.None),
            Task.Run(() => ConnectionLoopAsync(stopping), CancellationToken.None));
        return Task.CompletedTask;
    }

    /// <summary>Stops the router: removes the protocols, closes the peer streams, ends every subscription and waits
    /// for its loops. Stopping twice is harmless.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_start)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
        }

        foreach (string protocol in Protocols)
        {
            _host.RemoveStreamHandler(protocol);
        }

        _host.SetPubSubScore(null);

        await _stop.CancelAsync().ConfigureAwait(false);
        _local.Writer.TryComplete();
        _inbound.Writer.TryComplete();
        _validation.Writer.TryComplete();
        try
        {
            await _loops.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The loops end by cancellation.
        }

        // The links first: the work that watches each link ends with it.
        await CloseLinksAsync().ConfigureAwait(false);
        await _work.WhenIdleAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        EndSubscriptions();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stop.Dispose();
    }

    /// <summary>A peer score with Lotus's parameters for the topics in <see cref="_topicScores"/>.</summary>
    private PeerScore NewScore() => new(
        FilecoinScoring.Parameters(new FilecoinScoringContext
        {
            NetworkName = "unused", // the topics' parameters come from _topicScores, filled as we join
            IPColocationWhitelist = [.. _options.IPColocationWhitelist],
        }) with { Topics = new Dictionary<string, TopicScoreParameters>(_topicScores, StringComparer.Ordinal) },
        _time);

    private void Post(RouterEvent routerEvent) => _local.Writer.TryWrite(routerEvent); // fails only once stopped
}
