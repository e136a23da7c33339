using Venus.ChainSync.Hosting;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Tests.Cluster;

/// <summary>
/// Nodes in <see cref="ExecutionMode.None"/> beside full nodes, all composed with <c>AddChainSync()</c>: what a relay,
/// an archive tool or a host without an FVM runs. Blocks travel by real gossip (the hosts' pubsub), hello and the exchange.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterNoExecutionTests
{
    private const int Producer = 0;
    private const int Relay = 1;
    private const int Full = 2;

    [Fact]
    public async Task A_node_without_execution_catches_up_to_the_exact_tip_follows_gossip_and_serves_a_full_node()
    {
        await using SyncTestCluster cluster = Create();
        TipSet tip = cluster.Builder.AddChain(cluster.Genesis, 120, i => new TipSetSpec(Blocks: 1 + (i % 3), BlsMessages: i % 2, SecpMessages: 1))[^1];
        await cluster.SeedAsync(cluster[Producer], tip);
        await cluster.StartAsync(TestGuard.Token());

        cluster.Connect(Producer, Relay);
        await cluster.WaitForHeadAsync(cluster[Relay], tip.Key, TestGuard.Token());
        Assert.Equal(tip, await cluster[Relay].GetHeadAsync());

        // The producer mines; each block is submitted there and published, and reaches the relay as gossip only.
        for (int i = 0; i < 3; i++)
        {
            tip = await SubmitOnAsync(cluster, cluster[Producer], tip);
            await cluster.WaitForHeadAsync(cluster[Relay], tip.Key, TestGuard.Token());
        }

        // A full node that can reach only the relay syncs everything from it and executes every tipset itself.
        cluster.Connect(Relay, Full);
        await cluster.WaitForHeadAsync(cluster[Full], tip.Key, TestGuard.Token());

        var relayExecutor = (TestTipSetExecutor)cluster[Relay].Executor;
        var fullExecutor = (TestTipSetExecutor)cluster[Full].Executor;
        Assert.Equal(0, relayExecutor.ExecutedCount);
        Assert.Equal(tip.Height, fullExecutor.ExecutedCount);
        Assert.Equal(cluster.Builder.StateOf(tip), await cluster[Full].Store.GetStateAsync(tip.Key, TestGuard.Token()));

        // The relay knows each tipset's state from its child's claims; the tip's is named by no child yet.
        TipSet parent = (await cluster[Relay].Store.GetTipSetAsync(tip.Parents, TestGuard.Token()))!;
        Assert.Equal(cluster.Builder.StateOf(parent), await cluster[Relay].Store.GetStateAsync(parent.Key, TestGuard.Token()));
        Assert.Null(await cluster[Relay].Store.GetStateAsync(tip.Key, TestGuard.Token()));
        AssertNoFailedRuns(cluster);
    }

    [Fact]
    public async Task A_full_node_syncs_a_block_mined_on_a_node_without_execution_and_executes_it()
    {
        await using SyncTestCluster cluster = Create();
        TipSet tip = cluster.Builder.AddChain(cluster.Genesis, 40, new TipSetSpec(Blocks: 2, SecpMessages: 1))[^1];
        await cluster.SeedAsync(cluster[Producer], tip);
        await cluster.StartAsync(TestGuard.Token());
        cluster.Connect(Producer, Relay);
        await cluster.WaitForHeadAsync(cluster[Relay], tip.Key, TestGuard.Token());

        // Now the other way: the block is the no-execution node's own; the full producer hears of it by gossip.
        TipSet next = await SubmitOnAsync(cluster, cluster[Relay], tip);
        await cluster.WaitForHeadAsync(cluster[Producer], next.Key, TestGuard.Token());

        Assert.Equal(cluster.Builder.StateOf(next), await cluster[Producer].Store.GetStateAsync(next.Key, TestGuard.Token()));
        Assert.Equal(0, ((TestTipSetExecutor)cluster[Relay].Executor).ExecutedCount);
        AssertNoFailedRuns(cluster);
    }

    [Fact]
    public async Task Gossip_crosses_a_line_of_nodes_each_relaying_what_it_accepted()
    {
        await using SyncTestCluster cluster = Create();
        TipSet tip = cluster.Builder.AddChain(cluster.Genesis, 10)[^1];
        await cluster.SeedAsync(cluster[Producer], tip);
        await cluster.StartAsync(TestGuard.Token());
        cluster.Connect(Producer, Relay);
        await cluster.WaitForHeadAsync(cluster[Relay], tip.Key, TestGuard.Token());

        // Hello greets on connect, so the full node connects once the relay has the chain.
        cluster.Connect(Relay, Full);
        await cluster.WaitForHeadAsync(cluster[Full], tip.Key, TestGuard.Token());

        TipSet next = await SubmitOnAsync(cluster, cluster[Producer], tip);

        // The full node is not connected to the producer: the block reached it through the relay's validator.
        await cluster.WaitForHeadAsync(cluster[Full], next.Key, TestGuard.Token());
        Assert.Empty(cluster[Relay].Host.GossipRejections);
        Assert.Empty(cluster[Full].Host.GossipRejections);
    }

    /// <summary>Producer and full node execute; the relay between them does not.</summary>
    private static SyncTestCluster Create() => SyncTestCluster.Create(3, seed: 11, options: new SyncTestClusterOptions
    {
        ConfigureNode = (i, o) =>
        {
            if (i == Relay)
            {
                o.Syncer = new SyncerOptions { Execution = ExecutionMode.None };
            }
        },
    });

    /// <summary>
    /// Builds a one-block tipset on <paramref name="parent"/> and submits it on <paramref name="node"/>, which syncs and
    /// publishes it. Its messages are put in the node's store first, as a miner's message pool holds them.
    /// </summary>
    private static async Task<TipSet> SubmitOnAsync(SyncTestCluster cluster, SyncTestNode node, TipSet parent)
    {
        TipSet next = cluster.Builder.AddTipSet(parent, new TipSetSpec(BlsMessages: 1, SecpMessages: 1));
        FullTipSet full = cluster.Builder.GetFullTipSet(next);
        await node.Store.PutMessagesAsync(full, TestGuard.Token());
        FullBlock block = full.Blocks[0];
        SubmitResult submitted = await node.Api.SyncSubmitBlockAsync(
            BlockMsg.Create(block.Header, block.BlsMessages.Select(m => m.Cid), block.SecpkMessages.Select(m => m.Cid)),
            TestGuard.Token());
        Assert.True(submitted.Accepted, submitted.Reason);
        return next;
    }

    private static void AssertNoFailedRuns(SyncTestCluster cluster)
    {
        foreach (SyncTestNode node in cluster.Nodes)
        {
            Assert.DoesNotContain(node.SyncReports, r => r.Result.Kind is SyncOutcomeKind.Invalid or SyncOutcomeKind.Failed);
        }
    }
}
