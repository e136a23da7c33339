using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Hosting.Tests;

/// <summary>Steering a running node through <see cref="ISyncApi"/>.</summary>
public sealed class SyncApiTests : IAsyncLifetime
{
    private readonly InMemoryNetwork _network = new();
    private readonly ChainBuilder _chain = new(new MemoryBlockstore(), seed: 5);
    private IReadOnlyList<TipSet> _history = [];
    private HostedNode _producer = null!;

    public async Task InitializeAsync()
    {
        _history = _chain.AddChain(_chain.Genesis(), 30, new TipSetSpec(BlsMessages: 1), name: "main");
        _producer = HostedNode.Create(_network, "producer", _chain.Genesis(), _chain.GenesisState, _chain.Store);
        await _producer.AdoptAsync(_chain, _history);
        await _producer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _producer.DisposeAsync();
        await _network.DisposeAsync();
    }

    [Fact]
    public async Task SetConcurrent_changes_the_limit_and_refuses_nonsense()
    {
        await using HostedNode node = await StartedFollowerAsync();

        node.Api.SetConcurrent(4);

        Assert.Equal(4, node.Api.Concurrent());
        Assert.Throws<ArgumentOutOfRangeException>(() => node.Api.SetConcurrent(0));
        Assert.Equal(4, node.Api.Concurrent());
    }

    [Fact]
    public async Task A_block_marked_bad_by_hand_keeps_its_chain_out_until_it_is_unmarked()
    {
        await using HostedNode node = await StartedFollowerAsync();
        Cid bad = _chain["main@10"].Blocks[0].Cid;

        node.Api.SyncMarkBad(bad);
        Assert.NotNull(node.Api.SyncCheckBad(bad));
        _network.Connect(_producer.Host, node.Host);
        await UntilAsync(() => node.Api.SyncerTracker().History.Any(t => t.State == TargetState.Error));

        Assert.Equal(_chain.Genesis(), await node.HeadAsync());
        Assert.Contains("bad block", node.Api.SyncState()[0].Message, StringComparison.Ordinal);

        // Unmarking every block (the origin and what was linked to it) lets the same head through.
        Assert.True(node.Api.SyncUnmarkBad(bad));
        node.Api.SyncUnmarkAllBad();
        Assert.Null(node.Api.SyncCheckBad(_history[^1].Blocks[0].Cid));
        SubmitResult offered = await node.Api.ChainSyncHandleNewTipSetAsync(new ChainInfo(_history[^1], "operator", "operator"), TestGuard.Token());
        Assert.True(offered.Accepted, offered.Reason);
        await node.WaitForHeadAsync(_history[^1]);
    }

    [Fact]
    public async Task A_checkpoint_set_through_the_api_pins_the_chain()
    {
        await using HostedNode node = await StartedFollowerAsync();
        _network.Connect(_producer.Host, node.Host);
        await node.WaitForHeadAsync(_history[^1]);

        SyncResult pinned = await node.Api.SyncCheckpointAsync(_chain["main@25"].Key, TestGuard.Token());

        Assert.Equal(SyncOutcomeKind.Completed, pinned.Kind);
        Assert.Equal(_chain["main@25"].Key, await node.Store.GetCheckpointAsync(CancellationToken.None));
    }

    [Fact]
    public async Task The_weight_of_a_stored_tipset_is_the_hosts_weight_and_an_unknown_one_is_an_error()
    {
        await using HostedNode node = await StartedFollowerAsync();

        Assert.Equal(new ParentWeightWeigher().Weight(_history[^1]), await _producer.Api.ChainTipSetWeightAsync(_history[^1].Key, TestGuard.Token()));
        await Assert.ThrowsAsync<KeyNotFoundException>(async () => await node.Api.ChainTipSetWeightAsync(_history[^1].Key, TestGuard.Token()));
    }

    [Fact]
    public async Task The_node_counts_as_synced_only_with_its_head_near_the_wall_clock()
    {
        var clock = new FakeTimeProvider(_chain.TimeOfHeight(_history[^1].Height + 3));
        await using HostedNode node = HostedNode.Create(_network, "clocked", _chain.Genesis(), _chain.GenesisState, services: s => s.AddSingleton<TimeProvider>(clock));
        await node.StartAsync();

        Assert.False(await node.Api.IsSyncedAsync(TestGuard.Token()));
        _network.Connect(_producer.Host, node.Host);
        await node.WaitForHeadAsync(_history[^1]);
        Assert.True(await node.Api.IsSyncedAsync(TestGuard.Token()));

        clock.Advance(TimeSpan.FromSeconds(30 * 10));
        Assert.False(await node.Api.IsSyncedAsync(TestGuard.Token()));
    }

    [Fact]
    public async Task Incoming_blocks_stream_every_header_the_node_hears_of()
    {
        await using HostedNode node = await StartedFollowerAsync();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestGuard.Token());
        await using IAsyncEnumerator<BlockHeader> incoming = node.Api.SyncIncomingBlocks(cancel.Token).GetAsyncEnumerator(cancel.Token);
        ValueTask<bool> first = incoming.MoveNextAsync();

        _network.Connect(_producer.Host, node.Host);

        Assert.True(await first);
        Assert.Equal(_history[^1].Blocks[0].Cid, incoming.Current.Cid);
    }

    private async Task<HostedNode> StartedFollowerAsync()
    {
        HostedNode node = HostedNode.Create(_network, $"node-{Guid.NewGuid():N}", _chain.Genesis(), _chain.GenesisState);
        await node.StartAsync();
        return node;
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        CancellationToken guard = TestGuard.Token();
        while (!condition())
        {
            guard.ThrowIfCancellationRequested();
            await Task.Yield();
        }
    }
}
