using Venus.ChainSync.Primitives;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Tests.Cluster;

/// <summary>Catch-up and following end to end: hello → dispatcher → syncer over the real exchange, between real nodes.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterCatchUpTests
{
    /// <summary>300 tipsets: one to three blocks, BLS, secp and shared messages, and one null round.</summary>
    private static TipSetSpec Varied(int i) => new(
        Blocks: 1 + (i % 3),
        BlsMessages: i % 2,
        SecpMessages: i % 3 == 0 ? 1 : 0,
        SharedMessages: i % 11 == 0 ? 1 : 0,
        NullRoundsBefore: i == 150 ? 1 : 0);

    [Fact]
    public async Task Two_nodes_at_genesis_catch_up_with_a_seeded_node_through_hello_and_report_completion()
    {
        await using var cluster = SyncTestCluster.Create(3, seed: 1);
        IReadOnlyList<TipSet> built = cluster.Builder.AddChain(cluster.Genesis, 300, Varied);
        Assert.Equal(built[149].Height + 2, built[150].Height);
        TipSet tip = built[^1];
        await cluster.SeedAsync(cluster[0], tip);
        await cluster.StartAsync(TestGuard.Token());

        cluster.ConnectAll();
        await cluster.WaitForHeadAsync(cluster[1], tip.Key, TestGuard.Token());
        await cluster.WaitForHeadAsync(cluster[2], tip.Key, TestGuard.Token());

        foreach (SyncTestNode follower in new[] { cluster[1], cluster[2] })
        {
            foreach (TipSet tipSet in built)
            {
                Assert.Equal(cluster.Builder.StateOf(tipSet), await follower.Store.GetStateAsync(tipSet.Key, TestGuard.Token()));
            }

            Assert.Contains(follower.SyncReports, r => r.Result.Kind == SyncOutcomeKind.Completed && r.Target.Head.Key == tip.Key && !r.Requeued);
            Assert.DoesNotContain(follower.SyncReports, r => r.Result.Kind is SyncOutcomeKind.Invalid);
        }

        // The seeded node had nothing to learn: it is still on its own head and never ran a sync.
        Assert.Equal(tip, await cluster[0].GetHeadAsync());
        Assert.Empty(cluster[0].SyncReports);
    }

    [Fact]
    public async Task Followers_track_a_producer_that_extends_its_chain_one_gossiped_tipset_at_a_time()
    {
        await using var cluster = SyncTestCluster.Create(3, seed: 2);
        TipSet seeded = cluster.Builder.AddChain(cluster.Genesis, 30, Varied)[^1];
        await cluster.SeedAsync(cluster[0], seeded);
        await cluster.StartAsync(TestGuard.Token());
        cluster.ConnectAll();
        await cluster.WaitForHeadAsync(cluster[1], seeded.Key, TestGuard.Token());
        await cluster.WaitForHeadAsync(cluster[2], seeded.Key, TestGuard.Token());

        const int K = 12;
        var produced = new List<FullTipSet>();
        for (int i = 0; i < K; i++)
        {
            FullTipSet next = await cluster.ExtendAsync(cluster[0], Varied(i + 1), TestGuard.Token());
            IReadOnlyList<DispatchOutcome> outcomes = await cluster.AnnounceAsync(cluster[0], next, cancellationToken: TestGuard.Token());
            Assert.All(outcomes, o => Assert.Equal(DispatchOutcome.Queued, o));
            produced.Add(next);
        }

        TipSet head = produced[^1].TipSet;
        Assert.Equal(head, await cluster[0].GetHeadAsync());
        await cluster.WaitForHeadAsync(cluster[1], head.Key, TestGuard.Token());
        await cluster.WaitForHeadAsync(cluster[2], head.Key, TestGuard.Token());
        foreach (FullTipSet tipSet in produced)
        {
            Assert.Equal(cluster.Builder.StateOf(tipSet.TipSet), await cluster[1].Store.GetStateAsync(tipSet.Key, TestGuard.Token()));
            Assert.Equal(cluster.Builder.StateOf(tipSet.TipSet), await cluster[2].Store.GetStateAsync(tipSet.Key, TestGuard.Token()));
        }

        // The producer's own blocks went through its own dispatcher and syncer.
        Assert.Equal(K, cluster[0].SyncReports.Count(r => r.Result.Kind == SyncOutcomeKind.Completed));
    }
}
