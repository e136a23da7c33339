using System.Net;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p.PubSub.Scoring;

/// <summary>
/// The score function's parameters (gossipsub-v1.1.md, "The Score Function"; go-libp2p-pubsub's <c>PeerScoreParams</c>
/// in score_params.go): the scored topics, the topic cap, and the peer-wide terms P5 (application-specific), P6 (IP
/// colocation) and P7 (behaviour penalty), with the decay settings and how long a disconnected peer's score is kept.
/// </summary>
/// <remarks>
/// Unset numbers are zero, as in go; <see cref="Validate"/> applies go's atomic rules (go's
/// <c>SkipAtomicValidation</c> is not offered). <see cref="FilecoinScoring"/> builds Lotus's values.
/// </remarks>
internal sealed record PeerScoreParameters
{
    /// <summary>The scored topics by name; messages and mesh events on any other topic do not move a score.</summary>
    public IReadOnlyDictionary<string, TopicScoreParameters> Topics { get; init; } = new Dictionary<string, TopicScoreParameters>();

    /// <summary>Caps the topics' sum when it is positive (it never raises a negative one); 0 means no cap. At least 0.</summary>
    public double TopicScoreCap { get; init; }

    /// <summary>
    /// P5: the application's own opinion of a peer, any real value. Required. Called under the scorer's lock on every
    /// <see cref="PeerScore.Score"/>, so it must be quick, must return a number (NaN would make every threshold
    /// comparison false), and must not call back into the scorer.
    /// </summary>
    public Func<PeerId, double>? AppSpecificScore { get; init; }

    /// <summary>P5 weight (any value; expected positive).</summary>
    public double AppSpecificWeight { get; init; }

    /// <summary>P6 weight: the term is the square of how far the number of peers sharing an address exceeds
    /// <see cref="IPColocationFactorThreshold"/>. At most 0; 0 switches P6 off.</summary>
    public double IPColocationFactorWeight { get; init; }

    /// <summary>How many peers may share an address before P6 applies; at least 1 when P6 is on.</summary>
    public int IPColocationFactorThreshold { get; init; }

    /// <summary>Networks whose addresses never count towards P6.</summary>
    public IReadOnlyList<IPNetwork> IPColocationFactorWhitelist { get; init; } = [];

    /// <summary>P7 weight: the term is the square of how far the peer's penalty counter exceeds
    /// <see cref="BehaviourPenaltyThreshold"/>. At most 0; 0 switches P7 off.</summary>
    public double BehaviourPenaltyWeight { get; init; }

    /// <summary>Penalties a peer may collect before P7 applies. At least 0.</summary>
    public double BehaviourPenaltyThreshold { get; init; }

    /// <summary>P7's decay factor per decay interval, in (0, 1) when P7 is on.</summary>
    public double BehaviourPenaltyDecay { get; init; }

    /// <summary>How often counters decay (and time in mesh is brought up to date). At least 1 s.</summary>
    public TimeSpan DecayInterval { get; init; }

    /// <summary>A decayed counter below this counts as 0. In (0, 1).</summary>
    public double DecayToZero { get; init; }

    /// <summary>How long the score of a peer that disconnected with a score of 0 or less is kept (0: not kept).</summary>
    public TimeSpan RetainScore { get; init; }

    /// <summary>
    /// How long a message's delivery record is kept to match later copies against it: 120 s, go's
    /// <c>TimeCacheDuration</c> (pubsub.go), which go uses when <c>SeenMsgTTL</c> is unset, as Lotus leaves it. Should
    /// match the router's seen-cache TTL. Positive.
    /// </summary>
    public TimeSpan SeenMessageTtl { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// What is wrong with these parameters, empty when nothing is: every topic's <see cref="TopicScoreParameters.Validate"/>
    /// and go's <c>PeerScoreParams.validate</c> in atomic mode (go stops at the first problem; all are listed here),
    /// plus checks go leaves out: names of scored topics non-empty, <see cref="RetainScore"/> not negative,
    /// <see cref="SeenMessageTtl"/> positive.
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

        foreach ((string topic, TopicScoreParameters parameters) in Topics)
        {
            Require(!string.IsNullOrEmpty(topic), "a scored topic has an empty name");
            problems.AddRange(parameters.Validate().Select(problem => $"topic {topic}: {problem}"));
        }

        Require(TopicScoreCap >= 0 && double.IsFinite(TopicScoreCap), "TopicScoreCap must be a finite number, at least 0 (0 for no cap)");
        Require(AppSpecificScore is not null, "AppSpecificScore is missing");

        Require(IPColocationFactorWeight <= 0 && double.IsFinite(IPColocationFactorWeight), "IPColocationFactorWeight must be a finite number, at most 0");
        Require(IPColocationFactorWeight == 0 || IPColocationFactorThreshold >= 1, "IPColocationFactorThreshold must be at least 1");

        Require(BehaviourPenaltyWeight <= 0 && double.IsFinite(BehaviourPenaltyWeight), "BehaviourPenaltyWeight must be a finite number, at most 0");
        Require(BehaviourPenaltyWeight == 0 || BehaviourPenaltyDecay is > 0 and < 1, "BehaviourPenaltyDecay must lie strictly between 0 and 1");
        Require(BehaviourPenaltyThreshold >= 0 && double.IsFinite(BehaviourPenaltyThreshold), "BehaviourPenaltyThreshold must be a finite number, at least 0");

        Require(DecayInterval >= TimeSpan.FromSeconds(1), "DecayInterval must be at least 1 s");
        Require(DecayToZero is > 0 and < 1, "DecayToZero must lie strictly between 0 and 1");

        Require(RetainScore >= TimeSpan.Zero, "RetainScore must not be negative");
        Require(SeenMessageTtl > TimeSpan.Zero, "SeenMessageTtl must be positive");
        return problems;
    }
}
