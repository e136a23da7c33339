using Venus.ChainSync.Libp2p.Connections;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p.Tests.Connections;

public sealed class ConnectionTrimmerTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(20);

    private static PeerId Peer(int n) => DialBackoffTests.Peer(n);

    private static ConnectionTrimmer Trimmer(Func<PeerId, double>? score = null) =>
        new(lowWater: 3, highWater: 5, gracePeriod: Grace, silencePeriod: TimeSpan.FromSeconds(10), score: score);

    [Fact]
    public void The_defaults_are_lotus_and_go_libp2ps()
    {
        var trimmer = new ConnectionTrimmer();

        Assert.Equal(150, trimmer.LowWater);
        Assert.Equal(180, trimmer.HighWater);
        Assert.Equal(TimeSpan.FromSeconds(20), trimmer.GracePeriod);
        Assert.Equal(TimeSpan.FromSeconds(10), trimmer.SilencePeriod);
    }

    [Fact]
    public void Below_the_high_mark_nothing_is_closed()
    {
        ConnectionTrimmer trimmer = Trimmer();
        for (int n = 0; n < 4; n++)
        {
            trimmer.Add(Peer(n), Start, isInbound: true);
        }

        Assert.Empty(trimmer.SelectPeersToClose(Start + TimeSpan.FromHours(1)));
    }

    [Fact]
    public void At_the_high_mark_peers_are_closed_down_to_the_low_mark_in_peer_id_order()
    {
        ConnectionTrimmer trimmer = Trimmer();
        for (int n = 4; n >= 0; n--)
        {
            trimmer.Add(Peer(n), Start, isInbound: true);
        }

        IReadOnlyList<PeerId> closing = trimmer.SelectPeersToClose(Start + Grace);

        Assert.Equal([Peer(0), Peer(1)], closing);
    }

    [Fact]
    public void Protected_peers_are_never_chosen_and_come_on_top_of_the_low_mark()
    {
        ConnectionTrimmer trimmer = Trimmer();
        for (int n = 0; n < 6; n++)
        {
            trimmer.Add(Peer(n), Start, isInbound: true);
        }

        trimmer.Protect(Peer(0), "bootstrap");
        trimmer.Protect(Peer(1), "bootstrap");

        // Four candidates (2..5) against a low mark of 3: one goes.
        Assert.Equal([Peer(2)], trimmer.SelectPeersToClose(Start + Grace));
    }

    [Fact]
    public void Unprotect_reports_whether_another_tag_still_protects()
    {
        ConnectionTrimmer trimmer = Trimmer();
        trimmer.Protect(Peer(1), "a");
        trimmer.Protect(Peer(1), "b");

        Assert.True(trimmer.Unprotect(Peer(1), "a"));
        Assert.True(trimmer.IsProtected(Peer(1)));
        Assert.False(trimmer.Unprotect(Peer(1), "b"));
        Assert.False(trimmer.IsProtected(Peer(1)));
        Assert.False(trimmer.Unprotect(Peer(1), "b"));
    }

    [Fact]
    public void Peers_within_their_grace_period_are_not_chosen()
    {
        ConnectionTrimmer trimmer = Trimmer();
        for (int n = 0; n < 4; n++)
        {
            trimmer.Add(Peer(n), Start, isInbound: true);
        }

        trimmer.Add(Peer(9), Start + TimeSpan.FromSeconds(15), isInbound: true);
        trimmer.Add(Peer(8), Start + TimeSpan.FromSeconds(15), isInbound: true);

        // Peers 0..3 are out of grace at Start + 20 s; 8 and 9 are not.
        Assert.Equal([Peer(0)], trimmer.SelectPeersToClose(Start + Grace));
    }

    [Fact]
    public void Too_few_peers_out_of_grace_closes_nothing()
    {
        ConnectionTrimmer trimmer = Trimmer();
        trimmer.Add(Peer(0), Start, isInbound: true);
        trimmer.Add(Peer(1), Start, isInbound: true);
        for (int n = 2; n < 6; n++)
        {
            trimmer.Add(Peer(n), Start + Grace, isInbound: true);
        }

        Assert.Empty(trimmer.SelectPeersToClose(Start + Grace));
    }

    [Fact]
    public void A_peers_grace_runs_from_its_oldest_current_connection()
    {
        ConnectionTrimmer trimmer = Trimmer();
        for (int n = 1; n < 5; n++)
        {
            trimmer.Add(Peer(n), Start + Grace, isInbound: false);
        }

        trimmer.Add(Peer(0), Start, isInbound: false);
        trimmer.Add(Peer(0), Start + Grace, isInbound: false);
        trimmer.Add(Peer(5), Start, isInbound: false);
        trimmer.Add(Peer(6), Start, isInbound: false);
        trimmer.Add(Peer(7), Start, isInbound: false);

        Assert.Equal([Peer(0)], trimmer.SelectPeersToClose(Start + Grace));
    }

    [Fact]
    public void The_lowest_scores_go_first_then_inbound_before_outbound()
    {
        var scores = new Dictionary<PeerId, double> { [Peer(0)] = 10, [Peer(1)] = 1, [Peer(2)] = 5, [Peer(3)] = 5, [Peer(4)] = 5 };
        ConnectionTrimmer trimmer = Trimmer(p => scores[p]);
        trimmer.Add(Peer(0), Start, isInbound: true);
        trimmer.Add(Peer(1), Start, isInbound: false);
        trimmer.Add(Peer(2), Start, isInbound: false);
        trimmer.Add(Peer(3), Start, isInbound: false);
        trimmer.Add(Peer(4), Start, isInbound: true);

        Assert.Equal([Peer(1), Peer(4)], trimmer.SelectPeersToClose(Start + Grace));
    }

    [Fact]
    public void A_second_trim_within_the_silence_period_closes_nothing()
    {
        ConnectionTrimmer trimmer = Trimmer();
        for (int n = 0; n < 6; n++)
        {
            trimmer.Add(Peer(n), Start, isInbound: true);
        }

        Assert.NotEmpty(trimmer.SelectPeersToClose(Start + Grace));
        Assert.Empty(trimmer.SelectPeersToClose(Start + Grace + TimeSpan.FromSeconds(9)));
        Assert.NotEmpty(trimmer.SelectPeersToClose(Start + Grace + TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void Removed_connections_no_longer_count()
    {
        ConnectionTrimmer trimmer = Trimmer();
        var ids = Enumerable.Range(0, 5).Select(n => trimmer.Add(Peer(n), Start, isInbound: true)).ToList();

        Assert.True(trimmer.Remove(ids[0]));
        Assert.False(trimmer.Remove(ids[0]));

        Assert.Equal(4, trimmer.ConnectedPeers);
        Assert.Empty(trimmer.SelectPeersToClose(Start + Grace));
    }

    [Fact]
    public void A_low_mark_above_the_high_mark_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConnectionTrimmer(lowWater: 10, highWater: 5));

    [Fact]
    public async Task Concurrent_adds_removes_and_selections_stay_consistent()
    {
        var trimmer = new ConnectionTrimmer(lowWater: 5, highWater: 10, gracePeriod: TimeSpan.Zero, silencePeriod: TimeSpan.Zero);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                long id = trimmer.Add(Peer((i * 4) + t), Start, isInbound: i % 2 == 0);
                if (i % 3 == 0)
                {
                    trimmer.Remove(id);
                }

                foreach (PeerId peer in trimmer.SelectPeersToClose(Start))
                {
                    Assert.True(peer.IsDefined);
                }
            }
        }))).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(4 * Enumerable.Range(0, 100).Count(i => i % 3 != 0), trimmer.ConnectedPeers);
    }
}
