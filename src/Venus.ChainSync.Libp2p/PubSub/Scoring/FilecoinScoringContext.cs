using System.Net;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p.PubSub.Scoring;

/// <summary>
/// What Lotus's score parameters depend on besides constants (the inputs of pubsub.go's <c>GossipIn</c>): the network
/// name, the bootstrap and drand bootstrap peers that P5 favours, whether this node is a bootstrapper, the configured
/// IP colocation whitelist and the drand topics of the beacon schedule.
/// </summary>
internal sealed record FilecoinScoringContext
{
    /// <summary>The network name genesis states (<c>testnetnet</c> for mainnet, <c>calibrationnet</c>); Lotus's
    /// <c>dtypes.NetworkName</c>.</summary>
    public required string NetworkName { get; init; }

    /// <summary>Bootstrap peers (Lotus's <c>dtypes.BootstrapPeers</c>), given P5 = 2500 unless we are a bootstrapper.</summary>
    public IReadOnlySet<PeerId> Bootstrappers { get; init; } = new HashSet<PeerId>();

    /// <summary>Drand bootstrap peers (Lotus's <c>dtypes.DrandBootstrap</c>), given P5 = 1500 unless we are a
    /// bootstrapper.</summary>
    public IReadOnlySet<PeerId> DrandBootstrappers { get; init; } = new HashSet<PeerId>();

    /// <summary>Whether this node is a bootstrapper (Lotus's <c>config.Pubsub.Bootstrapper</c>).</summary>
    public bool IsBootstrapper { get; init; }

    /// <summary>Networks exempt from P6 (Lotus's <c>config.Pubsub.IPColocationWhitelist</c>, CIDRs; empty by default).</summary>
    public IReadOnlyList<IPNetwork> IPColocationWhitelist { get; init; } = [];

    /// <summary>Drand topics to score (see <see cref="FilecoinScoring.DrandTopicName"/>); Lotus scores one per entry
    /// of its drand schedule.</summary>
    public IReadOnlyList<string> DrandTopics { get; init; } = [];
}
