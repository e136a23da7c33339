using System.Net;

namespace Venus.ChainSync.Libp2p.PubSub;

/// <summary>
/// How the host's gossipsub behaves. The mesh and gossip parameters and the peer-score parameters are Lotus's
/// (node/modules/lp2p/pubsub.go) and are not options: a Filecoin peer expects them.
/// </summary>
public sealed class GossipSubOptions
{
    /// <summary>Whether our own messages go to every peer of the topic rather than the mesh only (Lotus's
    /// <c>WithFloodPublish(true)</c>): a block we mined reaches the network in one hop.</summary>
    public bool FloodPublish { get; set; } = true;

    /// <summary>
    /// Topics the host takes part in; empty allows any. Lotus allows only the topics of its network (blocks,
    /// messages, drand, F3) through <c>NewAllowlistSubscriptionFilter</c>; peers' subscriptions to other topics are
    /// not recorded and their messages are dropped.
    /// </summary>
    public ISet<string> TopicAllowlist { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Most topics one peer may announce, and most subscriptions one RPC may carry (Lotus wraps its filter
    /// in <c>WrapLimitSubscriptionFilter(…, 100)</c>); an RPC with more has its subscriptions ignored.</summary>
    public int MaxTopicsPerPeer { get; set; } = 100;

    /// <summary>Received messages waiting for their validator (Lotus's <c>WithValidateQueueSize(256)</c>); past it a
    /// message is dropped as throttled, without blame.</summary>
    public int ValidationQueueCapacity { get; set; } = 256;

    /// <summary>RPCs queued for one peer before more are dropped (go's <c>peerOutboundQueueSize</c> is 32; ours
    /// holds more because a heartbeat can queue a control RPC per topic).</summary>
    public int OutboundQueueCapacity { get; set; } = 128;

    /// <summary>Messages one subscription buffers; a slower subscriber loses the oldest.</summary>
    public int SubscriptionBuffer { get; set; } = 256;

    /// <summary>
    /// Direct peers (gossipsub v1.1 "explicit peering", go's <c>WithDirectPeers</c>): sent every message of their
    /// topics, never grafted into a mesh, never graylisted. Keeping them connected is the host's part (list them in
    /// <see cref="Libp2pHostOptions.BootstrapPeers"/>).
    /// </summary>
    public ISet<Network.PeerId> DirectPeers { get; } = new HashSet<Network.PeerId>();

    /// <summary>Networks whose peers are not penalised for sharing an address (Lotus's <c>IPColocationWhitelist</c>;
    /// go's score counts more than 5 peers on one IP against all of them).</summary>
    public IList<IPNetwork> IPColocationWhitelist { get; } = [];

    /// <summary>The problems with these options, empty when usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (MaxTopicsPerPeer <= 0)
        {
            problems.Add($"{nameof(MaxTopicsPerPeer)} must be positive (is {MaxTopicsPerPeer}).");
        }

        if (ValidationQueueCapacity <= 0)
        {
            problems.Add($"{nameof(ValidationQueueCapacity)} must be positive (is {ValidationQueueCapacity}).");
        }

        if (OutboundQueueCapacity <= 0)
        {
            problems.Add($"{nameof(OutboundQueueCapacity)} must be positive (is {OutboundQueueCapacity}).");
        }

        if (SubscriptionBuffer <= 0)
        {
            problems.Add($"{nameof(SubscriptionBuffer)} must be positive (is {SubscriptionBuffer}).");
        }

        return problems;
    }
}
