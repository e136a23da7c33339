using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.Libp2p.PubSub.Scoring;
using Venus.ChainSync.Network;
using static Venus.ChainSync.Libp2p.Tests.PubSub.Scoring.ScoringTestKit;

namespace Venus.ChainSync.Libp2p.Tests.PubSub.Scoring;

/// <summary>What happens to a score when its peer disconnects: kept for <c>RetainScore</c> when not positive, as go
/// does, within the retention bound.</summary>
public sealed class RetentionTests
{
    private static readonly PeerId A = Peer(1);
    private static readonly PeerId B = Peer(2);
    private static readonly PeerId C = Peer(3);
    private static readonly TimeSpan Retain = TimeSpan.FromMinutes(10);

    // P2 weight 1 (cap 100, decay 0.5), P4 weight −1 (decay 0.5); scores kept for 10 minutes.
    private static readonly PeerScoreParameters Retaining = Parameters(QuietTopic with
    {
        FirstMessageDeliveriesWeight = 1,
        FirstMessageDeliveriesCap = 100,
        FirstMessageDeliveriesDecay = 0.5,
        InvalidMessageDeliveriesWeight = -1,
    }) with { RetainScore = Retain };

    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void A_negative_score_is_kept_without_decay_for_the_retention_time_then_forgotten()
    {
        PeerScore scorer = Scorer(Retaining, _clock, A);
        scorer.DeliverInvalid(1, A);
        scorer.DeliverInvalid(2, A);

        scorer.RemovePeer(A);
        Assert.Equal(-4, scorer.Score(A));
        Assert.Equal(1, scorer.RetainedPeerCount);

        scorer.Tick(_clock, Retain);
        Assert.Equal(-4, scorer.Score(A)); // not decayed, and exactly at the end still kept (go: expired only after)
        scorer.Tick(_clock, TimeSpan.FromSeconds(1));
        Assert.Equal(0, scorer.Score(A));
        Assert.Equal(0, scorer.PeerCount);
        Assert.Equal(0, scorer.RetainedPeerCount);
    }

    [Fact]
    public void A_peer_reconnecting_within_the_retention_time_gets_its_score_back_and_it_decays_again()
    {
        PeerScore scorer = Scorer(Retaining, _clock, A);
        scorer.DeliverInvalid(1, A);
        scorer.DeliverInvalid(2, A);
        scorer.RemovePeer(A);
        scorer.Tick(_clock, TimeSpan.FromMinutes(5));

        scorer.AddPeer(A, NoAddresses);
        Assert.Equal(-4, scorer.Score(A));
        Assert.Equal(0, scorer.RetainedPeerCount);

        scorer.Tick(_clock, TimeSpan.FromSeconds(1));
        Assert.Equal(-1, scorer.Score(A)); // 2 · 0.5 = 1, squared
    }

    [Fact]
    public void A_positive_score_is_forgotten_at_once_and_a_zero_one_kept()
    {
        PeerScore scorer = Scorer(Retaining, _clock, A, B);
        scorer.Deliver(1, A);

        scorer.RemovePeer(A);
        scorer.RemovePeer(B);

        Assert.Equal(1, scorer.PeerCount); // B, retained at 0
        Assert.Equal(1, scorer.RetainedPeerCount);
        Assert.Equal(0, scorer.Score(A));
    }

    [Fact]
    public void A_retained_score_loses_its_first_deliveries()
    {
        PeerScore scorer = Scorer(Retaining, _clock, A);
        scorer.Deliver(1, A);
        scorer.Deliver(2, A);
        scorer.Deliver(3, A);
        scorer.DeliverInvalid(4, A);
        scorer.DeliverInvalid(5, A);
        Assert.Equal(3 - 4, scorer.Score(A));

        scorer.RemovePeer(A);

        Assert.Equal(-4, scorer.Score(A));
    }

    [Fact]
    public void Disconnecting_from_the_mesh_with_an_active_deficit_leaves_the_p3b_penalty()
    {
        // P3 threshold 2, weight −1; P3b weight −1; activation 1 s.
        PeerScoreParameters parameters = Parameters(QuietTopic with
        {
            MeshMessageDeliveriesWeight = -1,
            MeshMessageDeliveriesThreshold = 2,
            MeshMessageDeliveriesCap = 10,
            MeshMessageDeliveriesDecay = 0.5,
            MeshMessageDeliveriesActivation = TimeSpan.FromSeconds(1),
            MeshFailurePenaltyWeight = -1,
            MeshFailurePenaltyDecay = 0.5,
        }) with { RetainScore = Retain };
        PeerScore scorer = Scorer(parameters, _clock, A);
        scorer.Graft(A, Topic);
        scorer.Tick(_clock, TimeSpan.FromSeconds(2));
        Assert.Equal(-4, scorer.Score(A)); // P3: deficit 2

        scorer.RemovePeer(A);

        Assert.Equal(-4, scorer.Score(A)); // now as P3b (deficit² = 4), P3 ended with the mesh
    }

    [Fact]
    public void At_the_retention_bound_the_peer_retained_longest_is_forgotten()
    {
        PeerScore scorer = Scorer(Retaining, _clock, new PeerScoreLimits { MaxRetainedPeers = 2 }, A, B, C);
        scorer.DeliverInvalid(1, A);
        scorer.DeliverInvalid(2, B);
        scorer.DeliverInvalid(3, C);

        scorer.RemovePeer(A);
        scorer.RemovePeer(B);
        scorer.RemovePeer(C);

        Assert.Equal(2, scorer.RetainedPeerCount);
        Assert.Equal(0, scorer.Score(A));
        Assert.Equal(-1, scorer.Score(B));
        Assert.Equal(-1, scorer.Score(C));
    }

    [Fact]
    public void Removing_a_retained_peer_again_does_not_extend_its_retention()
    {
        PeerScore scorer = Scorer(Retaining, _clock, A);
        scorer.DeliverInvalid(1, A);
        scorer.RemovePeer(A);
        scorer.Tick(_clock, TimeSpan.FromMinutes(6));

        scorer.RemovePeer(A);
        scorer.Tick(_clock, TimeSpan.FromMinutes(5));

        Assert.Equal(0, scorer.PeerCount);
    }

    [Fact]
    public void With_no_retention_a_negative_score_goes_at_the_next_refresh_after_any_time_passes()
    {
        PeerScore scorer = Scorer(Retaining with { RetainScore = TimeSpan.Zero }, _clock, A);
        scorer.DeliverInvalid(1, A);
        scorer.RemovePeer(A);

        scorer.Tick(_clock, TimeSpan.FromTicks(1));

        Assert.Equal(0, scorer.PeerCount);
    }
}
