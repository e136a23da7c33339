namespace Venus.ChainSync.Libp2p.PubSub.Scoring;

/// <summary>
/// One peer's counters for one scored topic (P1–P4), held by value in the peer's array so that a peer costs one
/// small array per scored topic set, not an object per topic.
/// </summary>
internal struct TopicCounters
{
    /// <summary>Whether the peer is in our mesh for the topic.</summary>
    public bool InMesh;

    /// <summary>When it was last grafted (scorer time); meaningful while <see cref="InMesh"/>.</summary>
    public TimeSpan GraftedAt;

    /// <summary>Time in mesh as of the last refresh (brought up to date lazily, as gossipsub-v1.1.md has it).</summary>
    public TimeSpan MeshTime;

    /// <summary>P2's counter.</summary>
    public double FirstMessageDeliveries;

    /// <summary>P3's counter.</summary>
    public double MeshMessageDeliveries;

    /// <summary>Whether the peer has been in the mesh longer than the activation time, so that P3 applies.</summary>
    public bool MeshMessageDeliveriesActive;

    /// <summary>P3b's counter.</summary>
    public double MeshFailurePenalty;

    /// <summary>P4's counter (the term is its square).</summary>
    public double InvalidMessageDeliveries;

    /// <summary>The P3 deficit squared, or 0 when P3 is not active or the peer delivers enough.</summary>
    public readonly double MeshDeliveryDeficitSquared(TopicScoreParameters parameters)
    {
        if (!MeshMessageDeliveriesActive || MeshMessageDeliveries >= parameters.MeshMessageDeliveriesThreshold)
        {
            return 0;
        }

        double deficit = parameters.MeshMessageDeliveriesThreshold - MeshMessageDeliveries;
        return deficit * deficit;
    }
}
