using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.Libp2p.PubSub.Scoring;
using Venus.ChainSync.Network;
using static Venus.ChainSync.Libp2p.Tests.PubSub.Scoring.ScoringTestKit;

namespace Venus.ChainSync.Libp2p.Tests.PubSub.Scoring;

/// <summary>P1, P2, P4, the topic weight and the topic cap, each alone, with values worked out by hand.</summary>
public sealed class TopicTermTests
{
    private static readonly PeerId A = Peer(1);
    private static readonly PeerId B = Peer(2);
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void P1_counts_whole_quanta_in_the_mesh_as_of_the_last_refresh_up_to_its_cap()
    {
        // weight 2, quantum 1 s, cap 10, topic weight 0.5
        PeerScore scorer = Scorer(Parameters(QuietTopic with { TopicWeight = 0.5, TimeInMeshWeight = 2, TimeInMeshCap = 10 }), _clock, A);
        scorer.Graft(A, Topic);

        _clock.Advance(TimeSpan.FromSeconds(3.5));
        Assert.Equal(0, scorer.Score(A)); // time in mesh is brought up to date by the refresh only
        scorer.RefreshScores();
        Assert.Equal(3 * 2 * 0.5, scorer.Score(A)); // 3 whole quanta

        scorer.Tick(_clock, TimeSpan.FromSeconds(20));
        Assert.Equal(10 * 2 * 0.5, scorer.Score(A)); // capped at 10 quanta
    }

    [Fact]
    public void P1_ends_when_the_peer_leaves_the_mesh_and_restarts_from_zero_on_the_next_graft()
    {
        PeerScore scorer = Scorer(Parameters(QuietTopic with { TimeInMeshWeight = 1, TimeInMeshCap = 100 }), _clock, A);
        scorer.Graft(A, Topic);
        scorer.Tick(_clock, TimeSpan.FromSeconds(5));
        Assert.Equal(5, scorer.Score(A));

        scorer.Prune(A, Topic);
        Assert.Equal(0, scorer.Score(A));

        scorer.Graft(A, Topic);
        scorer.Tick(_clock, TimeSpan.FromSeconds(2));
        Assert.Equal(2, scorer.Score(A));
    }

    [Fact]
    public void P2_counts_first_deliveries_up_to_its_cap_and_decays_each_interval()
    {
        // weight 2, cap 3, decay 0.5
        PeerScore scorer = Scorer(Parameters(QuietTopic with
        {
            FirstMessageDeliveriesWeight = 2,
            FirstMessageDeliveriesCap = 3,
            FirstMessageDeliveriesDecay = 0.5,
        }), _clock, A, B);

        scorer.Deliver(1, A);
        scorer.Deliver(2, A);
        Assert.Equal(2 * 2, scorer.Score(A));
        Assert.Equal(0, scorer.Score(B));

        scorer.Deliver(3, A);
        scorer.Deliver(4, A);
        Assert.Equal(3 * 2, scorer.Score(A)); // capped at 3 when incremented

        scorer.Tick(_clock, TimeSpan.FromSeconds(1));
        Assert.Equal(1.5 * 2, scorer.Score(A));
        scorer.Tick(_clock, TimeSpan.FromSeconds(1));
        Assert.Equal(0.75 * 2, scorer.Score(A));
    }

    [Fact]
    public void Decay_catches_up_on_whole_intervals_and_waits_for_a_whole_one()
    {
        PeerScore scorer = Scorer(Parameters(QuietTopic with
        {
            FirstMessageDeliveriesWeight = 1,
            FirstMessageDeliveriesCap = 100,
            FirstMessageDeliveriesDecay = 0.5,
        }), _clock, A);
        for (int m = 0; m < 8; m++)
        {
            scorer.Deliver(m, A);
        }

        scorer.Tick(_clock, TimeSpan.FromSeconds(3)); // a late heartbeat: three intervals at once
        Assert.Equal(1, scorer.Score(A)); // 8 · 0.5³

        scorer.Tick(_clock, TimeSpan.FromSeconds(0.6));
        Assert.Equal(1, scorer.Score(A)); // not a whole interval yet
        scorer.Tick(_clock, TimeSpan.FromSeconds(0.6));
        Assert.Equal(0.5, scorer.Score(A)); // 1.2 s since: one interval, the 0.2 s carried over
        scorer.Tick(_clock, TimeSpan.FromSeconds(0.8));
        Assert.Equal(0.25, scorer.Score(A));
    }

    [Fact]
    public void A_decayed_counter_below_the_zero_level_becomes_zero()
    {
        PeerScore scorer = Scorer(Parameters(QuietTopic with
        {
            FirstMessageDeliveriesWeight = 1,
            FirstMessageDeliveriesCap = 100,
            FirstMessageDeliveriesDecay = 0.5,
        }), _clock, A);
        scorer.Deliver(1, A);
        scorer.Deliver(2, A);
        scorer.Deliver(3, A);

        scorer.Tick(_clock, TimeSpan.FromSeconds(8));
        Assert.Equal(3 / 256.0, scorer.Score(A)); // 0.0117, above the 0.01 zero level
        scorer.Tick(_clock, TimeSpan.FromSeconds(1));
        Assert.Equal(0, scorer.Score(A)); // 0.0059 counts as 0
    }

    [Fact]
    public void P4_is_the_square_of_the_invalid_messages_and_decays()
    {
        // weight -3, decay 0.5, topic weight 2
        PeerScore scorer = Scorer(Parameters(QuietTopic with
        {
            TopicWeight = 2,
            InvalidMessageDeliveriesWeight = -3,
            InvalidMessageDeliveriesDecay = 0.5,
        }), _clock, A, B);

        scorer.DeliverInvalid(1, A);
        Assert.Equal(-3 * 1 * 2, scorer.Score(A));
        scorer.DeliverInvalid(2, A);
        scorer.DeliverInvalid(3, A);
        Assert.Equal(-3 * 9 * 2, scorer.Score(A));
        Assert.Equal(0, scorer.Score(B));

        scorer.Tick(_clock, TimeSpan.FromSeconds(1));
        Assert.Equal(-3 * 1.5 * 1.5 * 2, scorer.Score(A));
    }

    [Fact]
    public void Topic_weights_mix_the_topics_and_the_cap_limits_only_a_positive_sum()
    {
        TopicScoreParameters rewarding = QuietTopic with
        {
            FirstMessageDeliveriesWeight = 10,
            FirstMessageDeliveriesCap = 100,
            FirstMessageDeliveriesDecay = 0.5,
            InvalidMessageDeliveriesWeight = -10,
        };
        PeerScoreParameters parameters = Parameters() with
        {
            Topics = new Dictionary<string, TopicScoreParameters>
            {
                ["heavy"] = rewarding with { TopicWeight = 1 },
                ["light"] = rewarding with { TopicWeight = 0.25 },
            },
            TopicScoreCap = 25,
        };
        PeerScore scorer = Scorer(parameters, _clock, A, B);

        scorer.Deliver(1, A, "heavy");
        scorer.Deliver(2, A, "light");
        Assert.Equal(10 + 2.5, scorer.Score(A));
        scorer.Deliver(3, A, "heavy");
        scorer.Deliver(4, A, "heavy");
        Assert.Equal(25, scorer.Score(A)); // 30 + 2.5, capped

        scorer.DeliverInvalid(5, B, "heavy");
        scorer.DeliverInvalid(6, B, "heavy");
        scorer.DeliverInvalid(7, B, "heavy");
        Assert.Equal(-90, scorer.Score(B)); // the cap never raises a negative sum
    }

    [Fact]
    public void Messages_on_an_unscored_topic_move_nothing_and_leave_no_record()
    {
        PeerScore scorer = Scorer(Parameters(QuietTopic with { InvalidMessageDeliveriesWeight = -1 }), _clock, A);

        scorer.DeliverInvalid(1, A, "/other");
        scorer.Deliver(2, A, "/other");
        scorer.Graft(A, "/other");

        Assert.Equal(0, scorer.Score(A));
        Assert.Equal(0, scorer.DeliveryRecordCount);
    }

    [Fact]
    public void Events_about_untracked_peers_are_ignored_and_they_score_zero()
    {
        PeerScore scorer = Scorer(Parameters(QuietTopic with { InvalidMessageDeliveriesWeight = -1 }), _clock);

        scorer.DeliverInvalid(1, A);
        scorer.Graft(A, Topic);
        scorer.AddPenalty(A, 5);

        Assert.Equal(0, scorer.Score(A));
        Assert.Equal(0, scorer.PeerCount);
    }
}
