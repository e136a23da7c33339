using Venus.ChainSync.Exchange;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Tests.Cluster;

/// <summary>Forks between producers, and peers that turn hostile or go away, end to end.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterForkAndFaultTests
{
    /// <summary>An exchange answer that is not one: a CBOR array header followed by garbage.</summary>
    private static readonly byte[] Garbage = [0x83, 0x00, 0x60, 0xff, 0x13, 0x37];

    [Fact]
    public async Task A_follower_on_the_lighter_branch_reorgs_to_the_heavier_one_when_its_producer_connects()
    {
        await using var cluster = SyncTestCluster.Create(3, seed: 3);
        (TipSet lighter, TipSet heavier) = await SeedForkAsync(cluster);
        await cluster.StartAsync(TestGuard.Token());

        cluster.Connect(0, 2);
        await cluster.WaitForHeadAsync(cluster[2], lighter.Key, TestGuard.Token());
        cluster.Connect(1, 2);
        await cluster.WaitForHeadAsync(cluster[2], heavier.Key, TestGuard.Token());

        Assert.Equal(
            [lighter.Key, heavier.Key],
            cluster[2].SyncReports.Where(r => r.Result.Kind == SyncOutcomeKind.Completed).Select(r => r.Target.Head.Key));
        Assert.Equal(cluster.Builder.StateOf(heavier), await cluster[2].Store.GetStateAsync(heavier.Key, TestGuard.Token()));
    }

    [Fact]
    public async Task With_everyone_connected_every_node_ends_on_the_heavier_branch()
    {
        await using var cluster = SyncTestCluster.Create(3, seed: 4);
        (TipSet lighter, TipSet heavier) = await SeedForkAsync(cluster);
        await cluster.StartAsync(TestGuard.Token());

        cluster.ConnectAll();

        foreach (SyncTestNode node in cluster.Nodes)
        {
            await cluster.WaitForHeadAsync(node, heavier.Key, TestGuard.Token());
        }

        // The heavier producer was offered the lighter branch and refused it (lighter, or never admitted at all).
        Assert.DoesNotContain(cluster[1].SyncReports, r => r.Result.Kind == SyncOutcomeKind.Completed);
        Assert.True(lighter.Height > heavier.Height, "the heavier branch is the shorter one, so height alone would pick wrong");
    }

    [Fact]
    public async Task A_follower_finishes_from_the_honest_peer_when_another_candidate_answers_garbage()
    {
        await using var cluster = SyncTestCluster.Create(2, seed: 5);
        TipSet tip = cluster.Builder.AddChain(cluster.Genesis, 300, new TipSetSpec(Blocks: 2, BlsMessages: 1, SecpMessages: 1))[^1];
        await cluster.SeedAsync(cluster[0], tip);
        ScriptedPeer hostile = cluster.Network.CreateScriptedPeer("hostile").OnStream(ExchangeProtocol.Id, async (stream, ct) =>
        {
            await stream.Output.WriteAsync(Garbage, ct);
            await stream.CompleteWritingAsync(ct);
        });
        await cluster.StartAsync(TestGuard.Token());

        // A candidate before the honest peer greets: what hello would do had the hostile peer greeted first.
        cluster[1].Exchange.AddPeer(hostile.PeerId);
        cluster.Connect(0, 1);
        await cluster.WaitForHeadAsync(cluster[1], tip.Key, TestGuard.Token());

        Assert.Contains(cluster[1].SyncReports, r => r.Result.Kind == SyncOutcomeKind.Completed && r.Target.Head.Key == tip.Key);
        PeerStats stats = cluster[1].Exchange.Tracker.GetStats(hostile.PeerId)!.Value;
        Assert.True(hostile.StreamsAccepted >= 1, "the hostile candidate was never asked");
        Assert.Equal(0, stats.Successes);
        Assert.Equal(hostile.StreamsAccepted, stats.Failures);
    }

    [Fact]
    public async Task A_follower_finishes_from_the_remaining_peer_when_the_other_is_cut_off_mid_sync()
    {
        SyncTestCluster? cluster = null;
        int cuts = 0;
        var options = new SyncTestClusterOptions
        {
            // Node 2 cuts node 0 off while it executes height 120: a fetch to node 0 may be in flight (the next
            // segment is fetched while this one executes); it is reset, and node 0 leaves the candidates.
            ExecutorFactory = i => i != 2 ? new TestTipSetExecutor() : new TestTipSetExecutor((tipSet, _) =>
            {
                if (tipSet.Height == 120 && Interlocked.Increment(ref cuts) == 1)
                {
                    cluster!.Network.Partition([cluster[0].Host], [cluster[2].Host]);
                }

                return ValueTask.CompletedTask;
            }),
        };
        await using (cluster = SyncTestCluster.Create(3, seed: 6, options: options))
        {
            TipSet tip = cluster.Builder.AddChain(cluster.Genesis, 300, new TipSetSpec(Blocks: 2, BlsMessages: 2))[^1];
            await cluster.SeedAsync(cluster[0], tip);
            await cluster.SeedAsync(cluster[1], tip);
            await cluster.StartAsync(TestGuard.Token());

            cluster.Connect(0, 2);
            cluster.Connect(1, 2);
            await cluster.WaitForHeadAsync(cluster[2], tip.Key, TestGuard.Token());

            Assert.Equal(1, cuts);
            Assert.DoesNotContain(cluster[0].PeerId, cluster[2].Host.ConnectedPeers);
            Assert.Contains(cluster[2].SyncReports, r => r.Result.Kind == SyncOutcomeKind.Completed && r.Target.Head.Key == tip.Key);
        }
    }

    /// <summary>
    /// Node 0 gets a lighter but longer branch, node 1 a heavier but shorter one, both above a shared stretch of 40;
    /// node 2 keeps genesis.
    /// </summary>
    private static async Task<(TipSet Lighter, TipSet Heavier)> SeedForkAsync(SyncTestCluster cluster)
    {
        ChainBuilder builder = cluster.Builder;
        TipSet common = builder.AddChain(cluster.Genesis, 40, new TipSetSpec(BlsMessages: 1))[^1];
        TipSet lighter = builder.AddChain(common, 20, new TipSetSpec(Blocks: 1, SecpMessages: 1))[^1];
        TipSet heavier = builder.AddChain(common, 15, new TipSetSpec(Blocks: 2, BlsMessages: 1))[^1];
        Assert.True(heavier.ParentWeight > lighter.ParentWeight);
        await cluster.SeedAsync(cluster[0], lighter);
        await cluster.SeedAsync(cluster[1], heavier);
        return (lighter, heavier);
    }
}
