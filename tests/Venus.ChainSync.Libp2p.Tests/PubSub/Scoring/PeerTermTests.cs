using System.Net;
using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.Libp2p.PubSub.Scoring;
using Venus.ChainSync.Network;
using static Venus.ChainSync.Libp2p.Tests.PubSub.Scoring.ScoringTestKit;

namespace Venus.ChainSync.Libp2p.Tests.PubSub.Scoring;

/// <summary>The peer-wide terms P5 (application), P6 (IP colocation) and P7 (behaviour penalty), each alone.</summary>
public sealed class PeerTermTests
{
    private static readonly PeerId A = Peer(1);
    private static readonly PeerId B = Peer(2);
    private static readonly PeerId C = Peer(3);
    private static readonly PeerId D = Peer(4);
    private readonly FakeTimeProvider _clock = new();

    // P6 weight −1, threshold 1: n peers on one key cost each of them (n − 1)².
    private static PeerScoreParameters Colocation => Parameters() with { IPColocationFactorWeight = -1, IPColocationFactorThreshold = 1 };

    [Fact]
    public void P5_is_the_applications_value_times_its_weight()
    {
        PeerScoreParameters parameters = Parameters() with { AppSpecificScore = p => p == A ? 3 : -1, AppSpecificWeight = 2 };
        PeerScore scorer = Scorer(parameters, _clock, A, B);

        Assert.Equal(6, scorer.Score(A));
        Assert.Equal(-2, scorer.Score(B));
        Assert.Equal(0, scorer.Score(C)); // untracked: not asked
    }

    [Fact]
    public void P6_charges_each_peer_on_an_address_the_square_of_the_peers_beyond_the_threshold()
    {
        PeerScore scorer = Scorer(Colocation, _clock);
        scorer.AddPeer(A, [IPAddress.Parse("192.0.2.1")]);
        scorer.AddPeer(B, [IPAddress.Parse("192.0.2.1")]);
        Assert.Equal(-1, scorer.Score(A)); // 2 peers, threshold 1: surplus 1

        scorer.AddPeer(C, [IPAddress.Parse("::ffff:192.0.2.1")]); // IPv4-mapped counts as the IPv4 address
        scorer.AddPeer(D, [IPAddress.Parse("192.0.2.2")]);

        Assert.Equal(-4, scorer.Score(A)); // 3 peers: surplus 2, squared
        Assert.Equal(-4, scorer.Score(B));
        Assert.Equal(-4, scorer.Score(C));
        Assert.Equal(0, scorer.Score(D));
    }

    [Fact]
    public void P6_groups_ipv6_peers_by_their_64_prefix_as_well_as_by_address()
    {
        PeerScore scorer = Scorer(Colocation, _clock);
        scorer.AddPeer(A, [IPAddress.Parse("2001:db8:1:2::a")]);
        scorer.AddPeer(B, [IPAddress.Parse("2001:db8:1:2::b")]);
        scorer.AddPeer(C, [IPAddress.Parse("2001:db8:1:3::a")]);

        Assert.Equal(-1, scorer.Score(A)); // the /64 2001:db8:1:2:: holds 2 peers; each address only one
        Assert.Equal(-1, scorer.Score(B));
        Assert.Equal(0, scorer.Score(C));
    }

    [Fact]
    public void P6_never_counts_whitelisted_networks_or_loopback()
    {
        PeerScoreParameters parameters = Colocation with { IPColocationFactorWhitelist = [IPNetwork.Parse("198.51.100.0/24")] };
        PeerScore scorer = Scorer(parameters, _clock);
        foreach (PeerId peer in new[] { A, B, C })
        {
            scorer.AddPeer(peer, [IPAddress.Parse("198.51.100.7"), IPAddress.Loopback, IPAddress.IPv6Loopback]);
        }

        Assert.Equal(0, scorer.Score(A));
        Assert.Equal(0, scorer.Score(C));
    }

    [Fact]
    public void Adding_a_connected_peer_again_replaces_its_addresses()
    {
        PeerScore scorer = Scorer(Colocation, _clock);
        scorer.AddPeer(A, [IPAddress.Parse("192.0.2.1")]);
        scorer.AddPeer(B, [IPAddress.Parse("192.0.2.1")]);

        scorer.AddPeer(B, [IPAddress.Parse("192.0.2.9")]);

        Assert.Equal(0, scorer.Score(A));
        Assert.Equal(0, scorer.Score(B));
    }

    [Fact]
    public void A_peer_counts_under_at_most_the_bounded_number_of_keys()
    {
        PeerScore scorer = Scorer(Colocation, _clock, new PeerScoreLimits { MaxColocationKeysPerPeer = 1 });
        scorer.AddPeer(A, [IPAddress.Parse("192.0.2.1"), IPAddress.Parse("192.0.2.2")]);
        scorer.AddPeer(B, [IPAddress.Parse("192.0.2.2")]);

        Assert.Equal(0, scorer.Score(B)); // A's second address was not kept
    }

    [Fact]
    public void A_positive_peers_departure_frees_its_address_and_a_retained_peer_still_counts()
    {
        // P5 +10 for A keeps it positive, so its score is not retained; B and C are at 0 or below and are.
        PeerScoreParameters parameters = Colocation with { AppSpecificScore = p => p == A ? 10 : 0, AppSpecificWeight = 1 };
        PeerScore scorer = Scorer(parameters, _clock);
        foreach (PeerId peer in new[] { A, B, C })
        {
            scorer.AddPeer(peer, [IPAddress.Parse("192.0.2.1")]);
        }

        scorer.RemovePeer(A); // 10 − 4 > 0: forgotten
        Assert.Equal(-1, scorer.Score(B));

        scorer.RemovePeer(C); // −1: retained, and its address still counts (as in go)
        Assert.Equal(-1, scorer.Score(B));
    }

    [Fact]
    public void P7_is_the_square_of_the_penalty_beyond_the_threshold_and_decays()
    {
        // weight −1, threshold 2, decay 0.5
        PeerScoreParameters parameters = Parameters() with { BehaviourPenaltyWeight = -1, BehaviourPenaltyThreshold = 2, BehaviourPenaltyDecay = 0.5 };
        PeerScore scorer = Scorer(parameters, _clock, A);

        scorer.AddPenalty(A, 2);
        Assert.Equal(0, scorer.Score(A)); // at the threshold, not beyond
        scorer.AddPenalty(A, 3);
        Assert.Equal(-9, scorer.Score(A)); // 5 − 2 = 3, squared

        scorer.Tick(_clock, TimeSpan.FromSeconds(1));
        Assert.Equal(-0.25, scorer.Score(A)); // 2.5: excess 0.5
        scorer.Tick(_clock, TimeSpan.FromSeconds(1));
        Assert.Equal(0, scorer.Score(A)); // 1.25: within the threshold
        Assert.Throws<ArgumentOutOfRangeException>(() => scorer.AddPenalty(A, -1));
    }

    [Fact]
    public void The_default_peer_id_is_refused()
    {
        PeerScore scorer = Scorer(Parameters(), _clock);
        Assert.Throws<ArgumentException>(() => scorer.AddPeer(default, NoAddresses));
    }
}
