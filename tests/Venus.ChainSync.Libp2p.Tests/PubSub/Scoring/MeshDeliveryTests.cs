using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.Libp2p.PubSub.Scoring;
using Venus.ChainSync.Network;
using static Venus.ChainSync.Libp2p.Tests.PubSub.Scoring.ScoringTestKit;

namespace Venus.ChainSync.Libp2p.Tests.PubSub.Scoring;

/// <summary>P3 (mesh message deliveries: threshold, activation, window, cap, decay) and P3b (the sticky failure
/// penalty), with values worked out by hand.</summary>
public sealed class MeshDeliveryTests
{
    private static readonly PeerId A = Peer(1);
    private static readonly PeerId B = Peer(2);
    private static readonly PeerId C = Peer(3);
    private static readonly PeerId D = Peer(4);
    private static readonly PeerId Outsider = Peer(5);

    // P3 weight −1, threshold 4, cap 10, decay 0.5, activation 2 s, window 10 ms; P3b weight −2, decay 0.5.
    private static readonly TopicScoreParameters P3 = QuietTopic with
    {
        MeshMessageDeliveriesWeight = -1,
        MeshMessageDeliveriesThreshold = 4,
        MeshMessageDeliveriesCap = 10,
        MeshMessageDeliveriesDecay = 0.5,
        MeshMessageDeliveriesActivation = TimeSpan.FromSeconds(2),
        MeshMessageDeliveriesWindow = TimeSpan.FromMilliseconds(10),
        MeshFailurePenaltyWeight = -2,
        MeshFailurePenaltyDecay = 0.5,
    };

    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void P3_applies_only_after_the_peer_has_been_in_the_mesh_longer_than_the_activation_time()
    {
        PeerScore scorer = Scorer(Parameters(P3), _clock, A);
        scorer.Graft(A, Topic);

        scorer.Tick(_clock, TimeSpan.FromSeconds(1));
        Assert.Equal(0, scorer.Score(A));
        scorer.Tick(_clock, TimeSpan.FromSeconds(1));
        Assert.Equal(0, scorer.Score(A)); // exactly 2 s is not longer than 2 s
        scorer.Tick(_clock, TimeSpan.FromSeconds(1));
        Assert.Equal(-16, scorer.Score(A)); // deficit 4, squared, weight −1
    }

    [Fact]
    public void A_mesh_peers_first_deliveries_shrink_the_deficit_and_meeting_the_threshold_clears_it()
    {
        PeerScore scorer = ActiveMesh(A);

        scorer.Deliver(1, A);
        Assert.Equal(-9, scorer.Score(A)); // deficit 3
        scorer.Deliver(2, A);
        scorer.Deliver(3, A);
        scorer.Deliver(4, A);
        Assert.Equal(0, scorer.Score(A));
    }

    [Fact]
    public void Copies_during_validation_and_within_the_window_count_once_and_later_ones_not_at_all()
    {
        PeerScore scorer = ActiveMesh(A, B, C, D);
        scorer.AddPeer(Outsider, NoAddresses);
        byte[] id = Id(1);

        scorer.ValidateMessage(id, Topic);
        scorer.DuplicateMessage(id, B, Topic); // while validating: credited when it is accepted
        scorer.DuplicateMessage(id, B, Topic); // the same peer again: remembered once
        scorer.DeliverMessage(id, A, Topic);
        _clock.Advance(TimeSpan.FromMilliseconds(5));
        scorer.DuplicateMessage(id, C, Topic); // 5 ms after validation: within the 10 ms window
        scorer.DuplicateMessage(id, C, Topic);
        scorer.DuplicateMessage(id, A, Topic); // the first deliverer echoing: no second credit
        scorer.DuplicateMessage(id, Outsider, Topic); // not in the mesh: P3 is for mesh peers
        _clock.Advance(TimeSpan.FromMilliseconds(15));
        scorer.DuplicateMessage(id, D, Topic); // 20 ms after: outside the window

        Assert.Equal(-9, scorer.Score(A)); // 1 delivery: deficit 3
        Assert.Equal(-9, scorer.Score(B));
        Assert.Equal(-9, scorer.Score(C));
        Assert.Equal(-16, scorer.Score(D));
        Assert.Equal(0, scorer.Score(Outsider));
    }

    [Fact]
    public void The_p3_counter_is_capped_when_incremented()
    {
        PeerScore scorer = ActiveMesh(A);
        for (int m = 0; m < 12; m++)
        {
            scorer.Deliver(m, A);
        }

        scorer.Tick(_clock, TimeSpan.FromSeconds(1));
        Assert.Equal(0, scorer.Score(A)); // 10 (capped, not 12) · 0.5 = 5, above the threshold
        scorer.Tick(_clock, TimeSpan.FromSeconds(1));
        Assert.Equal(-1.5 * 1.5, scorer.Score(A)); // 2.5: deficit 1.5 (uncapped it would be 3, deficit 1)
    }

    [Fact]
    public void A_prune_with_an_active_deficit_leaves_the_sticky_p3b_penalty_and_ends_p3()
    {
        PeerScore scorer = ActiveMesh(A);
        scorer.Deliver(1, A);

        scorer.Prune(A, Topic);

        Assert.Equal(-2 * 9, scorer.Score(A)); // P3b = deficit² = 9, weight −2; P3 no longer applies
        scorer.Tick(_clock, TimeSpan.FromSeconds(1));
        Assert.Equal(-2 * 4.5, scorer.Score(A)); // P3b decays by 0.5
    }

    [Fact]
    public void A_prune_before_activation_or_without_a_deficit_costs_nothing()
    {
        PeerScore scorer = Scorer(Parameters(P3), _clock, A, B);
        scorer.Graft(A, Topic);
        scorer.Prune(A, Topic); // not yet active

        PeerScore active = ActiveMesh(B);
        for (int m = 0; m < 4; m++)
        {
            active.Deliver(m, B);
        }

        active.Prune(B, Topic); // threshold met

        Assert.Equal(0, scorer.Score(A));
        Assert.Equal(0, active.Score(B));
    }

    [Fact]
    public void A_regraft_waits_for_the_activation_time_again()
    {
        PeerScore scorer = ActiveMesh(A);
        scorer.Prune(A, Topic);
        double afterPrune = scorer.Score(A);

        scorer.Graft(A, Topic);

        Assert.Equal(afterPrune, scorer.Score(A)); // only the P3b of the prune, −32
        Assert.Equal(-32, afterPrune);
    }

    private PeerScore ActiveMesh(params PeerId[] peers)
    {
        PeerScore scorer = Scorer(Parameters(P3), _clock, peers);
        foreach (PeerId peer in peers)
        {
            scorer.Graft(peer, Topic);
        }

        scorer.Tick(_clock, TimeSpan.FromSeconds(3)); // in the mesh 3 s, longer than the 2 s activation
        return scorer;
    }
}
