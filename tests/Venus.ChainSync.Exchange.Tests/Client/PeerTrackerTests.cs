using Venus.ChainSync.Network;

namespace Venus.ChainSync.Exchange.Tests.Client;

public class PeerTrackerTests
{
    private static readonly PeerId A = PeerId.ForName("a");
    private static readonly PeerId B = PeerId.ForName("b");
    private static readonly PeerId C = PeerId.ForName("c");
    private static readonly PeerId D = PeerId.ForName("d");

    private static PeerTracker Tracker(int seed = 1, int shufflePrefix = PeerTracker.DefaultShufflePrefix, params PeerId[] peers)
    {
        var tracker = new PeerTracker(new Random(seed), shufflePrefix);
        foreach (PeerId peer in peers)
        {
            tracker.Add(peer);
        }

        return tracker;
    }

    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    [Fact]
    public void Peers_are_ranked_by_time_per_tipset()
    {
        PeerTracker tracker = Tracker(peers: [A, B, C]);
        tracker.RecordSuccess(A, Ms(300), 10); // 30 ms per tipset
        tracker.RecordSuccess(B, Ms(100), 10); // 10 ms
        tracker.RecordSuccess(C, Ms(40), 2);   // 20 ms

        Assert.Equal([B, C, A], tracker.Ranked());
        Assert.Equal(TimeSpan.FromMilliseconds(10), tracker.GetStats(B)!.Value.TimePerTipSet);
    }

    [Fact]
    public void A_failure_pushes_a_peer_behind_peers_that_answered()
    {
        PeerTracker tracker = Tracker(peers: [A, B, C]);
        tracker.RecordSuccess(A, Ms(10), 1);
        tracker.RecordSuccess(B, Ms(30), 1);
        tracker.RecordSuccess(C, Ms(20), 1);

        tracker.RecordFailure(A, PeerOutcome.Invalid);

        Assert.Equal([C, B, A], tracker.Ranked());
        Assert.Equal(A, tracker.Ordered()[^1]);
    }

    [Fact]
    public void Failures_count_even_before_anything_was_timed()
    {
        PeerTracker tracker = Tracker(peers: [A, B]);
        tracker.RecordSuccess(B, TimeSpan.Zero, 5);

        tracker.RecordFailure(A, PeerOutcome.Malformed);

        Assert.Equal([B, A], tracker.Ranked());
        Assert.True(tracker.GetStats(A)!.Value.Cost > 0);
    }

    [Fact]
    public void Protocol_violations_weigh_more_than_a_busy_peer()
    {
        PeerTracker tracker = Tracker(peers: [A, B, C]);
        foreach (PeerId peer in new[] { A, B, C })
        {
            tracker.RecordSuccess(peer, Ms(10), 1);
        }

        tracker.RecordFailure(A, PeerOutcome.GoAway);
        tracker.RecordFailure(B, PeerOutcome.Timeout);
        tracker.RecordFailure(C, PeerOutcome.Invalid);

        Assert.Equal([A, B, C], tracker.Ranked());
    }

    [Theory]
    [InlineData(PeerOutcome.Success, 0)]
    [InlineData(PeerOutcome.GoAway, 0.25)]
    [InlineData(PeerOutcome.NotFound, 0.25)]
    [InlineData(PeerOutcome.Timeout, 0.5)]
    [InlineData(PeerOutcome.TooSlow, 0.5)]
    [InlineData(PeerOutcome.StreamError, 0.5)]
    [InlineData(PeerOutcome.Unreachable, 0.5)]
    [InlineData(PeerOutcome.ErrorStatus, 0.5)]
    [InlineData(PeerOutcome.TooLarge, 1)]
    [InlineData(PeerOutcome.Malformed, 1)]
    [InlineData(PeerOutcome.Invalid, 1)]
    public void Every_outcome_has_a_severity(PeerOutcome outcome, double severity) =>
        Assert.Equal(severity, PeerTracker.Severity(outcome));

    [Fact]
    public void Failures_decay_as_the_peer_answers_well_again()
    {
        PeerTracker tracker = Tracker(peers: [A]);
        tracker.RecordFailure(A, PeerOutcome.Invalid);
        double before = tracker.GetStats(A)!.Value.FailureRate;

        for (int i = 0; i < 30; i++)
        {
            tracker.RecordSuccess(A, Ms(10), 1);
        }

        PeerStats after = tracker.GetStats(A)!.Value;
        Assert.Equal(1, before);
        Assert.True(after.FailureRate < 0.05, $"failure rate {after.FailureRate}");
        Assert.Equal(30, after.Successes);
        Assert.Equal(1, after.Failures);
    }

    [Fact]
    public void A_new_peer_is_assumed_slightly_better_than_the_average()
    {
        PeerTracker tracker = Tracker(peers: [A, B]);
        tracker.RecordSuccess(A, Ms(10), 1);
        tracker.RecordSuccess(B, Ms(30), 1);

        tracker.Add(C);

        // The global average is 20 ms per tipset, so the newcomer is priced at 18 ms: between A and B.
        Assert.Equal([A, C, B], tracker.Ranked());
        Assert.Equal(0.018, tracker.GetStats(C)!.Value.Cost, 9);
        Assert.Null(tracker.GetStats(C)!.Value.TimePerTipSet);
    }

    [Fact]
    public void The_moving_average_weighs_recent_answers_after_the_window()
    {
        PeerTracker tracker = Tracker(peers: [A]);
        for (int i = 0; i < PeerTracker.PeerWindow; i++)
        {
            tracker.RecordSuccess(A, Ms(100), 1);
        }

        tracker.RecordSuccess(A, Ms(0), 1);

        // 100 + (0 − 100) / 10 = 90 ms.
        Assert.Equal(0.090, tracker.GetStats(A)!.Value.TimePerTipSet!.Value.TotalSeconds, 9);
    }

    [Fact]
    public void The_shuffled_prefix_is_deterministic_for_a_seed_and_covers_the_equally_good_peers()
    {
        PeerId[] peers = [.. Enumerable.Range(0, 10).Select(i => PeerId.ForName($"peer-{i}"))];
        PeerTracker first = Tracker(42, peers: peers);
        PeerTracker second = Tracker(42, peers: peers);

        IReadOnlyList<PeerId> a = first.Ordered();
        IReadOnlyList<PeerId> b = second.Ordered();

        Assert.Equal(a, b);
        Assert.Equal(peers.Order(PeerIdComparer.Instance), a.Order(PeerIdComparer.Instance));
        Assert.NotEqual(first.Ranked(), a);
    }

    [Fact]
    public void Only_the_prefix_is_shuffled()
    {
        PeerId[] peers = [.. Enumerable.Range(0, 8).Select(i => PeerId.ForName($"peer-{i}"))];
        PeerTracker tracker = Tracker(7, shufflePrefix: 3, peers: peers);

        IReadOnlyList<PeerId> ranked = tracker.Ranked();
        var seen = new HashSet<PeerId>();
        for (int i = 0; i < 20; i++)
        {
            IReadOnlyList<PeerId> ordered = tracker.Ordered();
            Assert.Equal(ranked.Skip(3), ordered.Skip(3));
            Assert.Equal(ranked.Take(3).Order(PeerIdComparer.Instance), ordered.Take(3).Order(PeerIdComparer.Instance));
            seen.Add(ordered[0]);
        }

        Assert.True(seen.Count > 1);
    }

    [Fact]
    public void A_penalised_peer_is_never_shuffled_ahead_of_good_ones()
    {
        PeerTracker tracker = Tracker(3, peers: [A, B, C, D]);
        foreach (PeerId peer in new[] { A, B, C })
        {
            tracker.RecordSuccess(peer, Ms(10), 1);
        }

        tracker.RecordSuccess(D, Ms(10), 1);
        tracker.RecordFailure(D, PeerOutcome.TooLarge);

        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(D, tracker.Ordered()[^1]);
        }
    }

    [Fact]
    public void Removed_and_unknown_peers_are_not_recorded()
    {
        PeerTracker tracker = Tracker(peers: [A]);

        Assert.True(tracker.Remove(A));
        Assert.False(tracker.RecordSuccess(A, Ms(10), 1));
        Assert.False(tracker.RecordFailure(B, PeerOutcome.Invalid));
        Assert.Null(tracker.GetStats(A));
        Assert.Empty(tracker.Ordered());
        Assert.Equal(0, tracker.Count);
    }

    [Fact]
    public void Adding_twice_keeps_the_history()
    {
        PeerTracker tracker = Tracker(peers: [A]);
        tracker.RecordFailure(A, PeerOutcome.Invalid);

        Assert.False(tracker.Add(A));
        Assert.Equal(1, tracker.GetStats(A)!.Value.Failures);
    }

    [Fact]
    public void Success_is_not_a_failure_outcome() =>
        Assert.Throws<ArgumentException>(() => Tracker(peers: [A]).RecordFailure(A, PeerOutcome.Success));

    [Fact]
    public void Concurrent_recording_and_ordering_keep_the_counts()
    {
        PeerId[] peers = [.. Enumerable.Range(0, 8).Select(i => PeerId.ForName($"peer-{i}"))];
        PeerTracker tracker = Tracker(peers: peers);

        Parallel.For(0, 4000, i =>
        {
            PeerId peer = peers[i % peers.Length];
            if (i % 3 == 0)
            {
                tracker.RecordFailure(peer, PeerOutcome.Timeout);
            }
            else
            {
                tracker.RecordSuccess(peer, Ms(i % 50), 1 + (i % 5));
            }

            Assert.Equal(peers.Length, tracker.Ordered().Count);
        });

        Assert.Equal(4000, peers.Sum(p => tracker.GetStats(p)!.Value.Successes + tracker.GetStats(p)!.Value.Failures));
    }

    private sealed class PeerIdComparer : IComparer<PeerId>
    {
        public static readonly PeerIdComparer Instance = new();

        public int Compare(PeerId x, PeerId y) => x.Bytes.SequenceCompareTo(y.Bytes);
    }
}
