using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Venus.ChainSync.Diagnostics;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Hosting.Tests;

/// <summary>The suite on the in-memory network.</summary>
public sealed class MultiNodeTests : MultiNodeSuite
{
    private protected override bool OverLibp2p => false;
}

/// <summary>The suite again, each node a libp2p host on loopback: hello and the exchange on its streams, blocks on its gossipsub.</summary>
public sealed class MultiNodeOverLibp2pTests : MultiNodeSuite
{
    private protected override bool OverLibp2p => true;
}

/// <summary>Nodes built and started through <c>AddChainSync</c> only.</summary>
public abstract class MultiNodeSuite : IAsyncLifetime
{
    private readonly InMemoryNetwork _network = new();
    private readonly ChainBuilder _chain = new(new MemoryBlockstore(), seed: 7);
    private TipSet _genesis = null!;

    /// <summary>Whether each node's streams go over a libp2p host.</summary>
    private protected abstract bool OverLibp2p { get; }

    public Task InitializeAsync()
    {
        _genesis = _chain.Genesis();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _network.DisposeAsync();

    [Fact]
    public async Task A_new_node_says_hello_catches_up_then_follows_gossip_from_the_producer()
    {
        IReadOnlyList<TipSet> history = _chain.AddChain(_genesis, 200, i => new TipSetSpec(Blocks: 1 + (i % 3), BlsMessages: i % 2, SecpMessages: 1, NullRoundsBefore: i == 50 ? 2 : 0));
        await using HostedNode producer = HostedNode.Create(_network, "producer", _genesis, _chain.GenesisState, _chain.Store, libp2p: OverLibp2p);
        await producer.AdoptAsync(_chain, history);
        await using HostedNode follower = HostedNode.Create(_network, "follower", _genesis, _chain.GenesisState, libp2p: OverLibp2p);
        using var executed = new MetricCollector<long>(follower.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), ChainSyncDiagnostics.Name, "venus.chainsync.tipsets.executed");
        using var gossip = new MetricCollector<long>(follower.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), ChainSyncDiagnostics.Name, "venus.chainsync.gossip.blocks");
        using var requests = new MetricCollector<long>(follower.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), ChainSyncDiagnostics.Name, "venus.chainsync.exchange.requests");
        using var height = new MetricCollector<long>(follower.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), ChainSyncDiagnostics.Name, "venus.chainsync.head.height");
        await producer.StartAsync();
        await follower.StartAsync();

        await producer.ConnectAsync(_network, follower);
        await follower.WaitForHeadAsync(history[^1]);

        Assert.Equal(200, executed.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(history[^1].Height, height.LastMeasurement!.Value);
        Assert.Contains(requests.GetMeasurementSnapshot(), m => (string?)m.Tags["direction"] == "outbound" && (string?)m.Tags["status"] == "ok");

        // The head reaches the target before the dispatcher records the run as finished.
        CancellationToken guard = TestGuard.Token();
        while (follower.Api.SyncState() is not [{ Stage: SyncStage.Complete }])
        {
            guard.ThrowIfCancellationRequested();
            await Task.Yield();
        }

        SyncStateEntry done = Assert.Single(follower.Api.SyncState());
        Assert.Equal(SyncStage.Complete, done.Stage);
        Assert.Equal(history[^1], done.Target);
        Assert.Equal(history[^1].Height, done.Height);

        // The producer mines on: each block is submitted on the producer, synced there, and published.
        TipSet tip = history[^1];
        for (int i = 0; i < 5; i++)
        {
            tip = _chain.AddTipSet(tip, new TipSetSpec(BlsMessages: 2, SecpMessages: 1));
            FullBlock block = _chain.GetFullTipSet(tip).Blocks[0];
            SubmitResult submitted = await producer.Api.SyncSubmitBlockAsync(BlockMsgOf(block), TestGuard.Token());
            Assert.True(submitted.Accepted, submitted.Reason);
            await follower.WaitForHeadAsync(tip);
        }

        // The worker counts a block once the dispatcher has taken it, which can be after the sync it set off ended.
        await gossip.WaitForMeasurementsAsync(5, TestGuard.Token());
        Assert.Equal(5, gossip.GetMeasurementSnapshot().Count(m => (string?)m.Tags["result"] == GossipResults.Accepted));
        Assert.Equal(205, executed.GetMeasurementSnapshot().EvaluateAsCounter());
    }

    [Fact]
    public async Task A_block_submitted_on_one_node_reaches_the_others_by_gossip()
    {
        IReadOnlyList<TipSet> history = _chain.AddChain(_genesis, 20, new TipSetSpec(SecpMessages: 1));
        await using HostedNode a = HostedNode.Create(_network, "a", _genesis, _chain.GenesisState, _chain.Store, libp2p: OverLibp2p);
        await a.AdoptAsync(_chain, history);
        await using HostedNode b = HostedNode.Create(_network, "b", _genesis, _chain.GenesisState, libp2p: OverLibp2p);
        await using HostedNode c = HostedNode.Create(_network, "c", _genesis, _chain.GenesisState, libp2p: OverLibp2p);
        await a.StartAsync();
        await b.StartAsync();
        await c.StartAsync();
        await a.ConnectAsync(_network, b);
        await a.ConnectAsync(_network, c);
        await b.WaitForHeadAsync(history[^1]);
        await c.WaitForHeadAsync(history[^1]);

        TipSet next = _chain.AddTipSet(history[^1], new TipSetSpec(BlsMessages: 3));
        SubmitResult submitted = await a.Api.SyncSubmitBlockAsync(BlockMsgOf(_chain.GetFullTipSet(next).Blocks[0]), TestGuard.Token());

        Assert.True(submitted.Accepted, submitted.Reason);
        Assert.Equal(SubmitReason.Published, submitted.Code);
        await b.WaitForHeadAsync(next);
        await c.WaitForHeadAsync(next);

        // Submitting a block the node already holds as valid publishes it at once; no sync is waited for.
        SubmitResult again = await b.Api.SyncSubmitBlockAsync(BlockMsgOf(_chain.GetFullTipSet(next).Blocks[0]), TestGuard.Token());
        Assert.Equal(SubmitReason.Published, again.Code);
    }

    [Fact]
    public async Task A_submitted_block_vetoed_by_the_filter_is_neither_synced_nor_published()
    {
        IReadOnlyList<TipSet> history = _chain.AddChain(_genesis, 3);
        await using HostedNode a = HostedNode.Create(_network, "a", _genesis, _chain.GenesisState, _chain.Store, services: s => s.AddSingleton<IBlockSubmitFilter>(new VetoAll()), libp2p: OverLibp2p);
        await a.AdoptAsync(_chain, history);
        await a.StartAsync();
        TipSet next = _chain.AddTipSet(history[^1]);

        SubmitResult submitted = await a.Api.SyncSubmitBlockAsync(BlockMsgOf(_chain.GetFullTipSet(next).Blocks[0]), TestGuard.Token());

        Assert.False(submitted.Accepted);
        Assert.Equal(SubmitReason.Vetoed, submitted.Code);
        Assert.Equal(history[^1], await a.HeadAsync());
    }

    private sealed class VetoAll : IBlockSubmitFilter
    {
        public ValueTask<string?> CheckAsync(BlockHeader header, CancellationToken cancellationToken) => ValueTask.FromResult<string?>("double signing");
    }

    private static BlockMsg BlockMsgOf(FullBlock block) =>
        BlockMsg.Create(block.Header, block.BlsMessages.Select(m => m.Cid), block.SecpkMessages.Select(m => m.Cid));
}
