namespace Venus.ChainSync.Libp2p.PubSub.Scoring;

/// <summary>
/// How one topic contributes to a peer's score (gossipsub-v1.1.md, "The Score Function"; go-libp2p-pubsub's
/// <c>TopicScoreParams</c> in score_params.go, field for field). Every weight and counter is per peer and per topic;
/// the topic's sum is multiplied by <see cref="TopicWeight"/>.
/// </summary>
/// <remarks>
/// Unset values are zero, as in go, and a zero weight switches its term off. Go's <c>SkipAtomicValidation</c> (which
/// lets a caller leave whole terms unset) is not offered: <see cref="Validate"/> applies go's default, atomic rules,
/// under which <see cref="TimeInMeshQuantum"/> and <see cref="InvalidMessageDeliveriesDecay"/> must be set even when
/// their weights are zero.
/// </remarks>
internal sealed record TopicScoreParameters
{
    /// <summary>Multiplies the topic's sum of P1–P4. At least 0.</summary>
    public double TopicWeight { get; init; }

    /// <summary>P1 weight, for the time the peer has been in our mesh for the topic. At least 0.</summary>
    public double TimeInMeshWeight { get; init; }

    /// <summary>P1 counts whole quanta of time in the mesh. Must not be zero.</summary>
    public TimeSpan TimeInMeshQuantum { get; init; }

    /// <summary>P1 never exceeds this many quanta.</summary>
    public double TimeInMeshCap { get; init; }

    /// <summary>P2 weight, for messages the peer delivered to us first. At least 0.</summary>
    public double FirstMessageDeliveriesWeight { get; init; }

    /// <summary>P2's decay factor per decay interval, in (0, 1) when P2 is on.</summary>
    public double FirstMessageDeliveriesDecay { get; init; }

    /// <summary>P2's counter never exceeds this (the cap applies when it is incremented).</summary>
    public double FirstMessageDeliveriesCap { get; init; }

    /// <summary>P3 weight, for a mesh peer delivering fewer messages than <see cref="MeshMessageDeliveriesThreshold"/>.
    /// At most 0.</summary>
    public double MeshMessageDeliveriesWeight { get; init; }

    /// <summary>P3's decay factor per decay interval, in (0, 1) when P3 is on.</summary>
    public double MeshMessageDeliveriesDecay { get; init; }

    /// <summary>P3's counter never exceeds this.</summary>
    public double MeshMessageDeliveriesCap { get; init; }

    /// <summary>Below this many (decayed) mesh deliveries P3 is the square of the deficit.</summary>
    public double MeshMessageDeliveriesThreshold { get; init; }

    /// <summary>
    /// How long after we validated a message a copy from a mesh peer still counts as a near-first delivery for P3.
    /// Copies that arrive while the message is being validated always count. Small, so that a peer cannot earn P3 by
    /// echoing back what we forwarded to it. Not negative.
    /// </summary>
    public TimeSpan MeshMessageDeliveriesWindow { get; init; }

    /// <summary>P3 applies only after the peer has been in the mesh longer than this; at least 1 s when P3 is on.</summary>
    public TimeSpan MeshMessageDeliveriesActivation { get; init; }

    /// <summary>P3b weight, for the sticky penalty a peer collects when it leaves the mesh with a P3 deficit. At most 0.</summary>
    public double MeshFailurePenaltyWeight { get; init; }

    /// <summary>P3b's decay factor per decay interval, in (0, 1) when P3b is on.</summary>
    public double MeshFailurePenaltyDecay { get; init; }

    /// <summary>P4 weight, for invalid messages (the term is the square of the counter). At most 0.</summary>
    public double InvalidMessageDeliveriesWeight { get; init; }

    /// <summary>P4's decay factor per decay interval; always in (0, 1).</summary>
    public double InvalidMessageDeliveriesDecay { get; init; }

    /// <summary>
    /// What is wrong with these parameters, empty when nothing is: the checks of go's <c>TopicScoreParams.validate</c>
    /// in atomic mode (go stops at the first; all are listed here).
    /// </summary>
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

        Require(TopicWeight >= 0 && double.IsFinite(TopicWeight), "TopicWeight must be a finite number, at least 0");

        // P1
        Require(TimeInMeshQuantum != TimeSpan.Zero, "TimeInMeshQuantum must not be zero");
        Require(TimeInMeshWeight >= 0 && double.IsFinite(TimeInMeshWeight), "TimeInMeshWeight must be a finite number, at least 0");
        if (TimeInMeshWeight != 0)
        {
            Require(TimeInMeshQuantum > TimeSpan.Zero, "TimeInMeshQuantum must be positive");
            Require(IsPositive(TimeInMeshCap), "TimeInMeshCap must be a positive finite number");
        }

        // P2
        Require(FirstMessageDeliveriesWeight >= 0 && double.IsFinite(FirstMessageDeliveriesWeight), "FirstMessageDeliveriesWeight must be a finite number, at least 0");
        if (FirstMessageDeliveriesWeight != 0)
        {
            Require(IsDecay(FirstMessageDeliveriesDecay), "FirstMessageDeliveriesDecay must lie strictly between 0 and 1");
            Require(IsPositive(FirstMessageDeliveriesCap), "FirstMessageDeliveriesCap must be a positive finite number");
        }

        // P3
        Require(MeshMessageDeliveriesWeight <= 0 && double.IsFinite(MeshMessageDeliveriesWeight), "MeshMessageDeliveriesWeight must be a finite number, at most 0");
        if (MeshMessageDeliveriesWeight != 0)
        {
            Require(IsDecay(MeshMessageDeliveriesDecay), "MeshMessageDeliveriesDecay must lie strictly between 0 and 1");
            Require(IsPositive(MeshMessageDeliveriesCap), "MeshMessageDeliveriesCap must be a positive finite number");
            Require(IsPositive(MeshMessageDeliveriesThreshold), "MeshMessageDeliveriesThreshold must be a positive finite number");
            Require(MeshMessageDeliveriesActivation >= TimeSpan.FromSeconds(1), "MeshMessageDeliveriesActivation must be at least 1 s");
        }

        Require(MeshMessageDeliveriesWindow >= TimeSpan.Zero, "MeshMessageDeliveriesWindow must not be negative");

        // P3b
        Require(MeshFailurePenaltyWeight <= 0 && double.IsFinite(MeshFailurePenaltyWeight), "MeshFailurePenaltyWeight must be a finite number, at most 0");
        if (MeshFailurePenaltyWeight != 0)
        {
            Require(IsDecay(MeshFailurePenaltyDecay), "MeshFailurePenaltyDecay must lie strictly between 0 and 1");
        }

        // P4: go checks the decay even when the weight is zero.
        Require(InvalidMessageDeliveriesWeight <= 0 && double.IsFinite(InvalidMessageDeliveriesWeight), "InvalidMessageDeliveriesWeight must be a finite number, at most 0");
        Require(IsDecay(InvalidMessageDeliveriesDecay), "InvalidMessageDeliveriesDecay must lie strictly between 0 and 1");
        return problems;
    }

    private static bool IsPositive(double value) => value > 0 && double.IsFinite(value);

    private static bool IsDecay(double value) => value is > 0 and < 1;
}
