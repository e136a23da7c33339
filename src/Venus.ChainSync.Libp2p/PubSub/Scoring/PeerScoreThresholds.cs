namespace Venus.ChainSync.Libp2p.PubSub.Scoring;

/// <summary>
/// The scores at which the router changes how it treats a peer (gossipsub-v1.1.md, "Score Thresholds"; go's
/// <c>PeerScoreThresholds</c> in score_params.go). Below 0 a peer is pruned from meshes and not grafted; the router
/// compares with <c>&lt;</c> as go does (a peer exactly at a threshold is not below it).
/// </summary>
internal sealed record PeerScoreThresholds
{
    /// <summary>Below this no gossip (IHAVE/IWANT) is sent to the peer or taken from it. At most 0.</summary>
    public double GossipThreshold { get; init; }

    /// <summary>Below this our own messages are not flood-published (nor sent through fanout) to the peer. At most 0
    /// and at most <see cref="GossipThreshold"/>.</summary>
    public double PublishThreshold { get; init; }

    /// <summary>Below this everything the peer sends is ignored. At most 0 and at most <see cref="PublishThreshold"/>.</summary>
    public double GraylistThreshold { get; init; }

    /// <summary>Peer exchange in a PRUNE is followed only from a peer scoring above this. At least 0 (meant to be
    /// reachable only by bootstrappers and other trusted peers).</summary>
    public double AcceptPXThreshold { get; init; }

    /// <summary>When the median mesh score falls below this, the router grafts better-scoring peers. At least 0.</summary>
    public double OpportunisticGraftThreshold { get; init; }

    /// <summary>What is wrong with these thresholds, empty when nothing is: go's <c>PeerScoreThresholds.validate</c> in
    /// atomic mode, all problems listed.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        void Require(bool condition, string problem)
        {
            if (!condition)
            {
                problems.Add(problem);
            }
        }

        Require(GossipThreshold <= 0 && double.IsFinite(GossipThreshold), "GossipThreshold must be a finite number, at most 0");
        Require(PublishThreshold <= 0 && PublishThreshold <= GossipThreshold && double.IsFinite(PublishThreshold),
            "PublishThreshold must be a finite number, at most 0 and at most GossipThreshold");
        Require(GraylistThreshold <= 0 && GraylistThreshold <= PublishThreshold && double.IsFinite(GraylistThreshold),
            "GraylistThreshold must be a finite number, at most 0 and at most PublishThreshold");
        Require(AcceptPXThreshold >= 0 && double.IsFinite(AcceptPXThreshold), "AcceptPXThreshold must be a finite number, at least 0");
        Require(OpportunisticGraftThreshold >= 0 && double.IsFinite(OpportunisticGraftThreshold), "OpportunisticGraftThreshold must be a finite number, at least 0");
        return problems;
    }
}
