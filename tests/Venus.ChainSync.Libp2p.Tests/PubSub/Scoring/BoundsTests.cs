using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.Libp2p.PubSub.Scoring;
using Venus.ChainSync.Network;
using static Venus.ChainSync.Libp2p.Tests.PubSub.Scoring.ScoringTestKit;

namespace Venus.ChainSync.Libp2p.Tests.PubSub.Scoring;

/// <summary>Delivery records: expiry after the seen TTL, and the bounds on records and on forwarders per record.</summary>
public sealed class BoundsTests
{
    private static readonly PeerId Sender = Peer(1);
    private static readonly PeerId Copier = Peer(2);
    private static readonly PeerScoreParameters P4 = Parameters(QuietTopic with { InvalidMessageDeliveriesWeight = -1 });
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void A_record_lives_for_the_seen_ttl_and_a_copy_after_it_moves_nothing()
    {
        PeerScore scorer = Scorer(P4 with { SeenMessageTtl = TimeSpan.FromSeconds(120) }, _clock, Sender, Copier);
        scorer.DeliverInvalid(1, Sender);

        scorer.Tick(_clock, TimeSpan.FromSeconds(120));
        Assert.Equal(1, scorer.DeliveryRecordCount);
        scorer.Tick(_clock, TimeSpan.FromSeconds(1));
        Assert.Equal(0, scorer.DeliveryRecordCount);

        scorer.DuplicateMessage(Id(1), Copier, Topic);
        Assert.Equal(0, scorer.Score(Copier));
        Assert.Equal(0, scorer.DeliveryRecordCount); // a copy of an unknown id creates nothing
    }

    [Fact]
    public void A_flood_of_new_ids_keeps_the_records_at_the_bound_by_forgetting_the_oldest()
    {
        PeerScore scorer = Scorer(P4, _clock, new PeerScoreLimits { MaxDeliveryRecords = 1024 }, Sender, Copier);
        scorer.DeliverInvalid(0, Sender);

        for (int m = 1; m <= 10_000; m++)
        {
            scorer.ValidateMessage(Id(m), Topic);
        }

        Assert.Equal(1024, scorer.DeliveryRecordCount);
        Assert.Equal(10_001 - 1024, scorer.DeliveryRecordsEvicted);
        scorer.DuplicateMessage(Id(0), Copier, Topic); // the invalid message's record went first
        Assert.Equal(0, scorer.Score(Copier));
    }

    [Fact]
    public void Beyond_the_forwarder_bound_a_copy_is_neither_penalised_nor_credited()
    {
        PeerId[] copiers = [Peer(10), Peer(11), Peer(12)];
        PeerScore scorer = Scorer(P4, _clock, new PeerScoreLimits { MaxForwardersPerRecord = 2 }, [Sender, .. copiers]);
        scorer.ValidateMessage(Id(1), Topic);
        foreach (PeerId copier in copiers)
        {
            scorer.DuplicateMessage(Id(1), copier, Topic);
        }

        scorer.RejectMessage(Id(1), Sender, Topic, MessageRejection.ValidationFailed);

        Assert.Equal([-1.0, -1.0, 0.0], copiers.Select(scorer.Score));
    }

    [Fact]
    public void Tracked_peers_are_the_connected_ones_and_per_peer_state_is_per_scored_topic_only()
    {
        PeerScore scorer = Scorer(P4, _clock);
        for (int p = 0; p < 100; p++)
        {
            scorer.AddPeer(Peer(p), NoAddresses);
            scorer.Graft(Peer(p), $"/spam/{p}"); // unscored: nothing kept
        }

        for (int p = 0; p < 100; p++)
        {
            scorer.RemovePeer(Peer(p)); // score 0: retained
        }

        Assert.Equal(100, scorer.PeerCount);
        Assert.Equal(100, scorer.RetainedPeerCount);
    }
}
