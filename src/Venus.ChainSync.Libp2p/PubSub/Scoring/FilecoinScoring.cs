using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p.PubSub.Scoring;

/// <summary>
/// The peer-score parameters and thresholds a Lotus node runs with, from Lotus node/modules/lp2p/pubsub.go (read at
/// filecoin-project/lotus b835fab7): the constants <c>GossipScoreThreshold</c> … <c>OpportunisticGraftScoreThreshold</c>,
/// and the <c>PeerScoreParams</c> and per-topic <c>TopicScoreParams</c> built in <c>GossipSub(in GossipIn)</c>.
/// Decays are go-libp2p-pubsub's <c>ScoreParameterDecay</c> of the times Lotus gives (see <see cref="ScoreDecay"/>).
/// </summary>
/// <remarks>
/// <para>What Lotus leaves unset is zero here as there: <c>TopicScoreCap</c> (no cap), all of P3 and P3b (Lotus has
/// them commented out for blocks and messages: "Mesh Delivery Failure is currently turned off", the network being too
/// small for the delivery rates to mean much), and <c>SeenMsgTTL</c> (go then uses <c>TimeCacheDuration</c>, 120 s).</para>
/// <para>What these numbers mean on the blocks topic: one invalid block costs 0.1 × −1000 × 1² = −100 and n of them
/// −100·n², so a peer is below the gossip threshold (−500) after 3, the publish threshold (−1000) after 4 and the
/// graylist threshold (−2500) after 6 (5 puts it exactly at −2500, which is not below). First deliveries earn at most
/// 0.1 × 5 × 100 = 50. Time in mesh earns almost nothing: Lotus's comment says "maxes at 1 after 1 hour", but with a
/// 1 s quantum and a cap of 1 the term is full after one second, 0.1 × 0.00027 = 0.000027; copied as Lotus has it.</para>
/// </remarks>
internal static class FilecoinScoring
{
    /// <summary>Lotus's thresholds (pubsub.go, the <c>*ScoreThreshold</c> constants).</summary>
    public static PeerScoreThresholds Thresholds { get; } = new()
    {
        GossipThreshold = -500, // GossipScoreThreshold
        PublishThreshold = -1000, // PublishScoreThreshold
        GraylistThreshold = -2500, // GraylistScoreThreshold
        AcceptPXThreshold = 1000, // AcceptPXScoreThreshold
        OpportunisticGraftThreshold = 3.5, // OpportunisticGraftScoreThreshold
    };

    /// <summary>
    /// The blocks topic's parameters (pubsub.go, <c>topicParams[build.BlocksTopic(in.Nn)]</c>; Lotus expects 10 blocks
    /// a minute).
    /// </summary>
    public static TopicScoreParameters BlocksTopic { get; } = new()
    {
        TopicWeight = 0.1, // "max cap is 50, max mesh penalty is -10, single invalid message is -100"
        TimeInMeshWeight = 0.00027, // "~1/3600"
        TimeInMeshQuantum = TimeSpan.FromSeconds(1),
        TimeInMeshCap = 1,
        FirstMessageDeliveriesWeight = 5, // "max value is 500"
        FirstMessageDeliveriesDecay = ScoreDecay.Factor(TimeSpan.FromHours(1)),
        FirstMessageDeliveriesCap = 100, // "100 blocks in an hour"
        InvalidMessageDeliveriesWeight = -1000,
        InvalidMessageDeliveriesDecay = ScoreDecay.Factor(TimeSpan.FromHours(1)),
    };

    /// <summary>
    /// The messages topic's parameters (pubsub.go, <c>topicParams[build.MessagesTopic(in.Nn)]</c>; Lotus expects more
    /// than one message a second).
    /// </summary>
    public static TopicScoreParameters MessagesTopic { get; } = new()
    {
        TopicWeight = 0.1, // "max cap is 5, single invalid message is -100"
        TimeInMeshWeight = 0.0002778, // "~1/3600" (written differently from the blocks topic's 0.00027)
        TimeInMeshQuantum = TimeSpan.FromSeconds(1),
        TimeInMeshCap = 1,
        FirstMessageDeliveriesWeight = 0.5, // "max value is 50"
        FirstMessageDeliveriesDecay = ScoreDecay.Factor(TimeSpan.FromMinutes(10)),
        FirstMessageDeliveriesCap = 100, // "100 messages in 10 minutes"
        InvalidMessageDeliveriesWeight = -1000,
        InvalidMessageDeliveriesDecay = ScoreDecay.Factor(TimeSpan.FromHours(1)),
    };

    /// <summary>
    /// A drand beacon topic's parameters (pubsub.go, <c>drandTopicParams</c>, used for every topic of the drand
    /// schedule; Lotus expects 2 beacons a minute).
    /// </summary>
    public static TopicScoreParameters DrandTopic { get; } = new()
    {
        TopicWeight = 0.5, // "5x block topic; max cap is 62.5"
        TimeInMeshWeight = 0.00027,
        TimeInMeshQuantum = TimeSpan.FromSeconds(1),
        TimeInMeshCap = 1,
        FirstMessageDeliveriesWeight = 5, // "max value is 125"
        FirstMessageDeliveriesDecay = ScoreDecay.Factor(TimeSpan.FromHours(1)),
        FirstMessageDeliveriesCap = 25,
        InvalidMessageDeliveriesWeight = -1000,
        InvalidMessageDeliveriesDecay = ScoreDecay.Factor(TimeSpan.FromHours(1)),
    };

    /// <summary>P5 for a bootstrapper when we are not one (pubsub.go, <c>AppSpecificScore</c>: "a heavy positive score
    /// for bootstrappers so that we don't unilaterally prune them and accept PX from them").</summary>
    public const double BootstrapperScore = 2500;

    /// <summary>P5 for a drand bootstrapper when we are not a bootstrapper (pubsub.go, <c>AppSpecificScore</c>).</summary>
    public const double DrandBootstrapperScore = 1500;

    /// <summary>Lotus's blocks topic for a network: <c>/fil/blocks/&lt;network&gt;</c> (build/params_shared_funcs.go,
    /// <c>BlocksTopic</c>).</summary>
    public static string BlocksTopicName(string networkName) => "/fil/blocks/" + CheckedNetworkName(networkName);

    /// <summary>Lotus's messages topic for a network: <c>/fil/msgs/&lt;network&gt;</c> (build/params_shared_funcs.go,
    /// <c>MessagesTopic</c>).</summary>
    public static string MessagesTopicName(string networkName) => "/fil/msgs/" + CheckedNetworkName(networkName);

    /// <summary>The drand topic of a beacon chain: <c>/drand/pubsub/v0.0.0/&lt;chain hash&gt;</c> (pubsub.go,
    /// <c>getDrandTopic</c>, which takes the hash from the chain info JSON).</summary>
    public static string DrandTopicName(string chainHash)
    {
        ArgumentException.ThrowIfNullOrEmpty(chainHash);
        return "/drand/pubsub/v0.0.0/" + chainHash;
    }

    /// <summary>
    /// Lotus's score parameters for <paramref name="context"/>'s network: the blocks, messages and drand topics as
    /// above and the peer-wide terms of pubsub.go's <c>PeerScoreParams</c>, each annotated below.
    /// </summary>
    /// <exception cref="ArgumentException">The network name is empty or holds a <c>/</c>.</exception>
    public static PeerScoreParameters Parameters(FilecoinScoringContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var topics = new Dictionary<string, TopicScoreParameters>(StringComparer.Ordinal)
        {
            [BlocksTopicName(context.NetworkName)] = BlocksTopic,
            [MessagesTopicName(context.NetworkName)] = MessagesTopic,
        };
        foreach (string drandTopic in context.DrandTopics)
        {
            topics[drandTopic] = DrandTopic;
        }

        IReadOnlySet<PeerId> bootstrappers = context.Bootstrappers;
        IReadOnlySet<PeerId> drandBootstrappers = context.DrandBootstrappers;
        bool weAreBootstrapper = context.IsBootstrapper;
        return new PeerScoreParameters
        {
            Topics = topics,
            // Bootstrappers are not favoured by bootstrappers, "to avoid creating a closed mesh between them".
            AppSpecificScore = peer => weAreBootstrapper ? 0
                : bootstrappers.Contains(peer) ? BootstrapperScore
                : drandBootstrappers.Contains(peer) ? DrandBootstrapperScore
                : 0,
            AppSpecificWeight = 1,
            IPColocationFactorThreshold = 5, // "the IP colocation threshold to 5 peers before we apply penalties"
            IPColocationFactorWeight = -100,
            IPColocationFactorWhitelist = context.IPColocationWhitelist, // config.Pubsub.IPColocationWhitelist
            BehaviourPenaltyThreshold = 6, // "P7: behavioural penalties, decay after 1hr"
            BehaviourPenaltyWeight = -10,
            BehaviourPenaltyDecay = ScoreDecay.Factor(TimeSpan.FromHours(1)),
            DecayInterval = ScoreDecay.DefaultInterval, // pubsub.DefaultDecayInterval
            DecayToZero = ScoreDecay.DefaultToZero, // pubsub.DefaultDecayToZero
            RetainScore = TimeSpan.FromHours(6), // "this retains non-positive scores for 6 hours"
        };
    }

    private static string CheckedNetworkName(string networkName)
    {
        ArgumentException.ThrowIfNullOrEmpty(networkName);
        // Lotus concatenates whatever it is given; a '/' would make a topic of another shape, a mistake here.
        return networkName.Contains('/', StringComparison.Ordinal)
            ? throw new ArgumentException("A network name holds no '/'.", nameof(networkName))
            : networkName;
    }
}
