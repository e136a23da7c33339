using System.Net;
using Venus.ChainSync.Libp2p.PubSub.Scoring;

namespace Venus.ChainSync.Libp2p.Tests.PubSub.Scoring;

public sealed class ParameterValidationTests
{
    [Fact]
    public void The_quiet_test_topic_and_parameters_are_valid()
    {
        Assert.Empty(ScoringTestKit.QuietTopic.Validate());
        Assert.Empty(ScoringTestKit.Parameters().Validate());
    }

    [Fact]
    public void Go_checks_the_quantum_and_the_invalid_message_decay_even_with_every_weight_zero()
    {
        IReadOnlyList<string> problems = new TopicScoreParameters().Validate();

        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.Contains(nameof(TopicScoreParameters.TimeInMeshQuantum), StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains(nameof(TopicScoreParameters.InvalidMessageDeliveriesDecay), StringComparison.Ordinal));
    }

    // Keyed by the parameter each case breaks (the parameter types are internal, so a public theory takes the key).
    private static readonly Dictionary<string, TopicScoreParameters> BadTopicCases = new()
    {
        { "TopicWeight", ScoringTestKit.QuietTopic with { TopicWeight = -1 } },
        { "TopicWeight (infinite)", ScoringTestKit.QuietTopic with { TopicWeight = double.PositiveInfinity } },
        { "TimeInMeshWeight", ScoringTestKit.QuietTopic with { TimeInMeshWeight = -0.1, TimeInMeshCap = 1 } },
        { "TimeInMeshQuantum", ScoringTestKit.QuietTopic with { TimeInMeshWeight = 1, TimeInMeshCap = 1, TimeInMeshQuantum = TimeSpan.FromSeconds(-1) } },
        { "TimeInMeshCap", ScoringTestKit.QuietTopic with { TimeInMeshWeight = 1 } },
        { "FirstMessageDeliveriesWeight", ScoringTestKit.QuietTopic with { FirstMessageDeliveriesWeight = -1, FirstMessageDeliveriesDecay = 0.5, FirstMessageDeliveriesCap = 1 } },
        { "FirstMessageDeliveriesDecay", ScoringTestKit.QuietTopic with { FirstMessageDeliveriesWeight = 1, FirstMessageDeliveriesCap = 1, FirstMessageDeliveriesDecay = 1 } },
        { "FirstMessageDeliveriesCap", ScoringTestKit.QuietTopic with { FirstMessageDeliveriesWeight = 1, FirstMessageDeliveriesDecay = 0.5 } },
        { "MeshMessageDeliveriesWeight", P3On with { MeshMessageDeliveriesWeight = 1 } },
        { "MeshMessageDeliveriesDecay", P3On with { MeshMessageDeliveriesDecay = 0 } },
        { "MeshMessageDeliveriesCap", P3On with { MeshMessageDeliveriesCap = 0 } },
        { "MeshMessageDeliveriesThreshold", P3On with { MeshMessageDeliveriesThreshold = double.NaN } },
        { "MeshMessageDeliveriesActivation", P3On with { MeshMessageDeliveriesActivation = TimeSpan.FromMilliseconds(999) } },
        { "MeshMessageDeliveriesWindow", ScoringTestKit.QuietTopic with { MeshMessageDeliveriesWindow = TimeSpan.FromTicks(-1) } },
        { "MeshFailurePenaltyWeight", ScoringTestKit.QuietTopic with { MeshFailurePenaltyWeight = 2, MeshFailurePenaltyDecay = 0.5 } },
        { "MeshFailurePenaltyDecay", ScoringTestKit.QuietTopic with { MeshFailurePenaltyWeight = -2, MeshFailurePenaltyDecay = 1.5 } },
        { "InvalidMessageDeliveriesWeight", ScoringTestKit.QuietTopic with { InvalidMessageDeliveriesWeight = 1 } },
        { "InvalidMessageDeliveriesDecay", ScoringTestKit.QuietTopic with { InvalidMessageDeliveriesDecay = 0 } },
    };

    public static TheoryData<string> BadTopics => [.. BadTopicCases.Keys];

    public static TheoryData<string> BadPeerParameters => [.. BadPeerCases.Keys];

    public static TheoryData<string> BadThresholds => [.. BadThresholdCases.Keys];

    [Theory]
    [MemberData(nameof(BadTopics))]
    public void A_topic_parameter_outside_gos_rules_is_named_in_the_problems(string parameter)
    {
        string problem = Assert.Single(BadTopicCases[parameter].Validate());
        Assert.StartsWith(parameter.Split(' ')[0] + " ", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_valid_p3_set_passes() => Assert.Empty(P3On.Validate());

    private static readonly Dictionary<string, PeerScoreParameters> BadPeerCases = new()
    {
        { "TopicScoreCap", ScoringTestKit.Parameters() with { TopicScoreCap = -1 } },
        { "AppSpecificScore", ScoringTestKit.Parameters() with { AppSpecificScore = null } },
        { "IPColocationFactorWeight", ScoringTestKit.Parameters() with { IPColocationFactorWeight = 1, IPColocationFactorThreshold = 1 } },
        { "IPColocationFactorThreshold", ScoringTestKit.Parameters() with { IPColocationFactorWeight = -1, IPColocationFactorThreshold = 0 } },
        { "BehaviourPenaltyWeight", ScoringTestKit.Parameters() with { BehaviourPenaltyWeight = 0.5, BehaviourPenaltyDecay = 0.5 } },
        { "BehaviourPenaltyDecay", ScoringTestKit.Parameters() with { BehaviourPenaltyWeight = -1, BehaviourPenaltyDecay = 1 } },
        { "BehaviourPenaltyThreshold", ScoringTestKit.Parameters() with { BehaviourPenaltyThreshold = -1 } },
        { "DecayInterval", ScoringTestKit.Parameters() with { DecayInterval = TimeSpan.FromMilliseconds(500) } },
        { "DecayToZero", ScoringTestKit.Parameters() with { DecayToZero = 0 } },
        { "RetainScore", ScoringTestKit.Parameters() with { RetainScore = TimeSpan.FromSeconds(-1) } },
        { "SeenMessageTtl", ScoringTestKit.Parameters() with { SeenMessageTtl = TimeSpan.Zero } },
        { "topic /test/topic: TopicWeight", ScoringTestKit.Parameters(ScoringTestKit.QuietTopic with { TopicWeight = -1 }) },
    };

    [Theory]
    [MemberData(nameof(BadPeerParameters))]
    public void A_peer_parameter_outside_gos_rules_is_named_in_the_problems(string parameter)
    {
        string problem = Assert.Single(BadPeerCases[parameter].Validate());
        Assert.StartsWith(parameter + " ", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Zero_weights_switch_off_the_checks_that_depend_on_them()
    {
        // Go checks the colocation threshold and the behaviour decay only when their weights are set.
        PeerScoreParameters parameters = ScoringTestKit.Parameters() with
        {
            IPColocationFactorThreshold = 0,
            BehaviourPenaltyDecay = 7,
            IPColocationFactorWhitelist = [IPNetwork.Parse("10.0.0.0/8")],
        };

        Assert.Empty(parameters.Validate());
    }

    [Fact]
    public void The_scorer_refuses_invalid_parameters_and_limits()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        Assert.Throws<ArgumentException>(() => new PeerScore(ScoringTestKit.Parameters() with { DecayToZero = 2 }, clock));
        Assert.Throws<ArgumentException>(() => new PeerScore(ScoringTestKit.Parameters(), clock, new PeerScoreLimits { MaxDeliveryRecords = 0 }));
    }

    private static readonly Dictionary<string, PeerScoreThresholds> BadThresholdCases = new()
    {
        { "GossipThreshold", Lotus with { GossipThreshold = 1 } },
        { "PublishThreshold", Lotus with { PublishThreshold = -400 } },
        { "GraylistThreshold", Lotus with { GraylistThreshold = -999 } },
        { "AcceptPXThreshold", Lotus with { AcceptPXThreshold = -1 } },
        { "OpportunisticGraftThreshold", Lotus with { OpportunisticGraftThreshold = double.NaN } },
    };

    [Theory]
    [MemberData(nameof(BadThresholds))]
    public void Thresholds_out_of_order_or_sign_are_named_in_the_problems(string threshold)
    {
        string problem = Assert.Single(BadThresholdCases[threshold].Validate());
        Assert.StartsWith(threshold + " ", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Equal_thresholds_are_allowed_and_zero_is_allowed_everywhere()
    {
        Assert.Empty(new PeerScoreThresholds().Validate());
        Assert.Empty(new PeerScoreThresholds { GossipThreshold = -10, PublishThreshold = -10, GraylistThreshold = -10 }.Validate());
    }

    [Fact]
    public void Limits_must_each_be_at_least_one()
    {
        Assert.Empty(PeerScoreLimits.Default.Validate());
        Assert.Equal(5, new PeerScoreLimits
        {
            MaxDeliveryRecords = 0,
            MaxForwardersPerRecord = 0,
            MaxRetainedPeers = 0,
            MaxColocationKeysPerPeer = 0,
            MaxMessageIdLength = 0,
        }.Validate().Count);
    }

    private static TopicScoreParameters P3On => ScoringTestKit.QuietTopic with
    {
        MeshMessageDeliveriesWeight = -1,
        MeshMessageDeliveriesDecay = 0.5,
        MeshMessageDeliveriesCap = 10,
        MeshMessageDeliveriesThreshold = 4,
        MeshMessageDeliveriesActivation = TimeSpan.FromSeconds(1),
    };

    private static PeerScoreThresholds Lotus => FilecoinScoring.Thresholds;
}
