using System.Net;
using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.Libp2p.PubSub.Scoring;
using Venus.ChainSync.Network;
using static Venus.ChainSync.Libp2p.Tests.PubSub.Scoring.ScoringTestKit;

namespace Venus.ChainSync.Libp2p.Tests.PubSub.Scoring;

/// <summary>Lotus's parameters (node/modules/lp2p/pubsub.go) as <see cref="FilecoinScoring"/> gives them, and what
/// they do to a peer sending only invalid blocks or only good ones.</summary>
public sealed class FilecoinScoringTests
{
    private const string Network = "testnetnet";
    private const string Blocks = "/fil/blocks/testnetnet";
    private const string Messages = "/fil/msgs/testnetnet";
    private static readonly PeerId Honest = Peer(1);
    private static readonly PeerId Attacker = Peer(2);
    private static readonly PeerScoreThresholds Thresholds = FilecoinScoring.Thresholds;
    private readonly FakeTimeProvider _clock = new();

    private static PeerScoreParameters Lotus => FilecoinScoring.Parameters(new FilecoinScoringContext { NetworkName = Network });

    [Fact]
    public void Lotuss_parameters_and_thresholds_pass_gos_validation()
    {
        PeerScoreParameters withDrand = FilecoinScoring.Parameters(new FilecoinScoringContext
        {
            NetworkName = Network,
            DrandTopics = [FilecoinScoring.DrandTopicName("8990e7a9aaed2ffed73dbd7092123d6f289930540d7651336225dc172e51b2ce")],
            IPColocationWhitelist = [IPNetwork.Parse("10.0.0.0/8")],
        });

        Assert.Empty(Lotus.Validate());
        Assert.Empty(withDrand.Validate());
        Assert.Empty(Thresholds.Validate());
        Assert.Equal(
            new HashSet<string> { Blocks, Messages, "/drand/pubsub/v0.0.0/8990e7a9aaed2ffed73dbd7092123d6f289930540d7651336225dc172e51b2ce" },
            withDrand.Topics.Keys.ToHashSet());
    }

    [Fact]
    public void The_thresholds_are_lotuss_constants()
    {
        Assert.Equal(-500, Thresholds.GossipThreshold);
        Assert.Equal(-1000, Thresholds.PublishThreshold);
        Assert.Equal(-2500, Thresholds.GraylistThreshold);
        Assert.Equal(1000, Thresholds.AcceptPXThreshold);
        Assert.Equal(3.5, Thresholds.OpportunisticGraftThreshold);
    }

    [Fact]
    public void The_block_topic_is_lotuss_with_mesh_deliveries_off()
    {
        TopicScoreParameters blocks = Lotus.Topics[Blocks];

        Assert.Equal(FilecoinScoring.BlocksTopic, blocks);
        Assert.Equal(0.1, blocks.TopicWeight);
        Assert.Equal(0.00027, blocks.TimeInMeshWeight);
        Assert.Equal(TimeSpan.FromSeconds(1), blocks.TimeInMeshQuantum);
        Assert.Equal(1, blocks.TimeInMeshCap);
        Assert.Equal(5, blocks.FirstMessageDeliveriesWeight);
        Assert.Equal(ScoreDecay.Factor(TimeSpan.FromHours(1)), blocks.FirstMessageDeliveriesDecay);
        Assert.Equal(100, blocks.FirstMessageDeliveriesCap);
        Assert.Equal(0, blocks.MeshMessageDeliveriesWeight);
        Assert.Equal(0, blocks.MeshFailurePenaltyWeight);
        Assert.Equal(-1000, blocks.InvalidMessageDeliveriesWeight);
        Assert.Equal(ScoreDecay.Factor(TimeSpan.FromHours(1)), blocks.InvalidMessageDeliveriesDecay);
    }

    [Fact]
    public void The_message_and_drand_topics_are_lotuss()
    {
        TopicScoreParameters messages = Lotus.Topics[Messages];
        Assert.Equal((0.1, 0.0002778, 0.5, 100.0, -1000.0), (messages.TopicWeight, messages.TimeInMeshWeight,
            messages.FirstMessageDeliveriesWeight, messages.FirstMessageDeliveriesCap, messages.InvalidMessageDeliveriesWeight));
        Assert.Equal(ScoreDecay.Factor(TimeSpan.FromMinutes(10)), messages.FirstMessageDeliveriesDecay);
        Assert.Equal(0, messages.MeshMessageDeliveriesWeight);

        TopicScoreParameters drand = FilecoinScoring.DrandTopic;
        Assert.Equal((0.5, 0.00027, 5.0, 25.0, -1000.0), (drand.TopicWeight, drand.TimeInMeshWeight,
            drand.FirstMessageDeliveriesWeight, drand.FirstMessageDeliveriesCap, drand.InvalidMessageDeliveriesWeight));
    }

    [Fact]
    public void The_peer_wide_terms_are_lotuss()
    {
        PeerScoreParameters lotus = Lotus;

        Assert.Equal(0, lotus.TopicScoreCap);
        Assert.Equal(1, lotus.AppSpecificWeight);
        Assert.Equal((-100.0, 5), (lotus.IPColocationFactorWeight, lotus.IPColocationFactorThreshold));
        Assert.Equal((-10.0, 6.0), (lotus.BehaviourPenaltyWeight, lotus.BehaviourPenaltyThreshold));
        Assert.Equal(ScoreDecay.Factor(TimeSpan.FromHours(1)), lotus.BehaviourPenaltyDecay);
        Assert.Equal(TimeSpan.FromSeconds(1), lotus.DecayInterval);
        Assert.Equal(0.01, lotus.DecayToZero);
        Assert.Equal(TimeSpan.FromHours(6), lotus.RetainScore);
        Assert.Equal(TimeSpan.FromSeconds(120), lotus.SeenMessageTtl);
    }

    [Fact]
    public void Bootstrappers_get_lotuss_application_score_unless_we_are_one()
    {
        PeerId bootstrapper = Peer(100);
        PeerId drand = Peer(101);
        var context = new FilecoinScoringContext
        {
            NetworkName = Network,
            Bootstrappers = new HashSet<PeerId> { bootstrapper },
            DrandBootstrappers = new HashSet<PeerId> { drand },
        };
        Func<PeerId, double> ours = FilecoinScoring.Parameters(context).AppSpecificScore!;
        Func<PeerId, double> asBootstrapper = FilecoinScoring.Parameters(context with { IsBootstrapper = true }).AppSpecificScore!;

        Assert.Equal((2500.0, 1500.0, 0.0), (ours(bootstrapper), ours(drand), ours(Honest)));
        Assert.Equal((0.0, 0.0), (asBootstrapper(bootstrapper), asBootstrapper(drand)));
        Assert.True(ours(bootstrapper) > Thresholds.AcceptPXThreshold); // PX is taken from bootstrappers only
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    public void A_network_name_must_be_non_empty_without_a_slash(string name) =>
        Assert.ThrowsAny<ArgumentException>(() => FilecoinScoring.Parameters(new FilecoinScoringContext { NetworkName = name }));

    [Fact]
    public void Each_invalid_block_costs_100_times_the_count_squared_and_six_in_a_row_graylist_the_sender()
    {
        // Score after n invalid blocks (within one decay interval) = 0.1 · −1000 · n² = −100·n²; graylisted when below
        // −2500, i.e. n² > 25: N = 6. Gossip (−500) stops after 3, flood publishing to it (−1000) after 4.
        PeerScore scorer = Scorer(Lotus, _clock, Attacker);
        scorer.Graft(Attacker, Blocks);
        scorer.Tick(_clock, TimeSpan.FromSeconds(1)); // a second in the mesh: P1 at its cap, 0.1 · 0.00027

        var scores = new List<double>();
        for (int n = 1; n <= 6; n++)
        {
            scorer.DeliverInvalid(n, Attacker, Blocks);
            scores.Add(scorer.Score(Attacker));
        }

        double p1 = 0.1 * 0.00027;
        Assert.Equal(new[] { -100, -400, -900, -1600, -2500, -3600 }.Select(s => s + p1), scores, new Near());
        Assert.Equal(3, BlocksToFallBelow(scores, Thresholds.GossipThreshold));
        Assert.Equal(4, BlocksToFallBelow(scores, Thresholds.PublishThreshold));
        Assert.Equal(6, BlocksToFallBelow(scores, Thresholds.GraylistThreshold));
    }

    [Fact]
    public void One_invalid_block_per_epoch_still_graylists_the_sender_at_the_sixth()
    {
        // Decaying by 0.01^(30/3600) ≈ 0.96235 between 30 s epochs, the counter after the k-th block is
        // (1 − r^k)/(1 − r): 4.637 after the 5th (−2151) and 5.463 after the 6th (−2984, below −2500).
        PeerScore scorer = Scorer(Lotus, _clock, Attacker);
        double[] expectedCounters = [1, 1.962351, 2.888469, 3.779720, 4.637416, 5.462820];

        for (int k = 1; k <= 6; k++)
        {
            scorer.DeliverInvalid(k, Attacker, Blocks);
            double counter = expectedCounters[k - 1];
            Assert.Equal(-100 * counter * counter, scorer.Score(Attacker), 0.5);
            Assert.Equal(k == 6, scorer.Score(Attacker) < Thresholds.GraylistThreshold);
            for (int second = 0; second < 30; second++)
            {
                scorer.Tick(_clock, TimeSpan.FromSeconds(1));
            }
        }
    }

    [Fact]
    public void A_graylisting_burst_of_six_invalid_blocks_wears_off_after_143_seconds()
    {
        // 6 · f^t < 5 with f = 0.01^(1/3600): t > ln(1.2) / 0.0012792 = 142.5 s.
        PeerScore scorer = Scorer(Lotus, _clock, Attacker);
        for (int n = 1; n <= 6; n++)
        {
            scorer.DeliverInvalid(n, Attacker, Blocks);
        }

        scorer.Tick(_clock, TimeSpan.FromSeconds(142));
        Assert.True(scorer.Score(Attacker) < Thresholds.GraylistThreshold);
        scorer.Tick(_clock, TimeSpan.FromSeconds(1));
        Assert.False(scorer.Score(Attacker) < Thresholds.GraylistThreshold);
    }

    [Fact]
    public void A_peer_forwarding_only_valid_first_deliveries_stays_positive_and_at_most_50_on_blocks()
    {
        PeerScore scorer = Scorer(Lotus, _clock, Honest);
        scorer.Graft(Honest, Blocks);
        for (int epoch = 0; epoch < 240; epoch++) // two hours of one block per 30 s epoch
        {
            scorer.Deliver(epoch, Honest, Blocks);
            Assert.InRange(scorer.Score(Honest), 0.5, 50.0001);
            for (int second = 0; second < 30; second++)
            {
                scorer.Tick(_clock, TimeSpan.FromSeconds(1));
            }
        }

        // Steady state: the counter tends to 1 / (1 − 0.96235) ≈ 26.6 right after a block, so about 13 points.
        Assert.InRange(scorer.Score(Honest), 12, 14);

        for (int burst = 0; burst < 150; burst++)
        {
            scorer.Deliver(10_000 + burst, Honest, Blocks);
        }

        Assert.Equal(50 + (0.1 * 0.00027), scorer.Score(Honest), 1e-9); // 0.1 · 5 · 100 (the cap) + P1
    }

    [Fact]
    public void An_invalid_message_on_the_messages_topic_also_costs_100()
    {
        PeerScore scorer = Scorer(Lotus, _clock, Attacker);
        scorer.DeliverInvalid(1, Attacker, Messages);
        Assert.Equal(-100, scorer.Score(Attacker), 1e-9);
    }

    [Fact]
    public void Eleven_peers_on_one_address_are_graylisted_by_colocation_alone()
    {
        // −100 · (n − 5)² for each of n peers: 6 cost each −100, 10 cost −2500 (not below), 11 cost −3600.
        PeerScore scorer = Scorer(Lotus, _clock);
        var scores = new List<double>();
        for (int n = 1; n <= 11; n++)
        {
            scorer.AddPeer(Peer(n), [IPAddress.Parse("203.0.113.9")]);
            scores.Add(scorer.Score(Peer(1)));
        }

        Assert.Equal([0, 0, 0, 0, 0, -100, -400, -900, -1600, -2500, -3600], scores);
        Assert.Equal(11, BlocksToFallBelow(scores, Thresholds.GraylistThreshold));
    }

    [Fact]
    public void Twenty_two_behaviour_penalties_at_once_graylist_a_peer()
    {
        // −10 · (count − 6)²: 21 → −2250, 22 → −2560.
        PeerScore scorer = Scorer(Lotus, _clock, Attacker);
        scorer.AddPenalty(Attacker, 21);
        Assert.Equal(-2250, scorer.Score(Attacker));
        scorer.AddPenalty(Attacker, 1);
        Assert.Equal(-2560, scorer.Score(Attacker));
    }

    /// <summary>How many events it took to fall below <paramref name="threshold"/> (scores[i] is after event i + 1).</summary>
    private static int BlocksToFallBelow(List<double> scores, double threshold) => scores.FindIndex(s => s < threshold) + 1;

    private sealed class Near : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) < 1e-6;

        public int GetHashCode(double obj) => 0;
    }
}
