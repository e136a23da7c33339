using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Hosting.Tests;

/// <summary>Every <see cref="ISyncApi"/> call refuses to work on a node that is not running.</summary>
public sealed class SyncApiLifecycleTests
{
    private static readonly string[] CallNames =
    [
        nameof(ISyncApi.ChainHeadAsync),
        nameof(ISyncApi.ChainNotify),
        nameof(ISyncApi.SyncState),
        nameof(ISyncApi.SyncerTracker),
        nameof(ISyncApi.SetConcurrent),
        nameof(ISyncApi.Concurrent),
        nameof(ISyncApi.ChainTipSetWeightAsync),
        nameof(ISyncApi.ChainSyncHandleNewTipSetAsync),
        nameof(ISyncApi.SyncSubmitBlockAsync),
        nameof(ISyncApi.SyncIncomingBlocks),
        nameof(ISyncApi.SyncCheckpointAsync),
        nameof(ISyncApi.SyncMarkBad),
        nameof(ISyncApi.SyncUnmarkBad),
        nameof(ISyncApi.SyncUnmarkAllBad),
        nameof(ISyncApi.SyncCheckBad),
        nameof(ISyncApi.IsSyncedAsync),
    ];

    public static TheoryData<string> Calls() => [.. CallNames];

    [Fact]
    public void Every_member_of_the_api_is_covered()
    {
        string[] members = [.. typeof(ISyncApi).GetMethods().Select(m => m.Name).Distinct().Order()];

        Assert.Equal(members, CallNames.Order());
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Each_call_before_the_node_has_started_throws(string call)
    {
        await using var network = new InMemoryNetwork();
        var chain = new ChainBuilder(new MemoryBlockstore(), seed: 3);
        await using HostedNode node = HostedNode.Create(network, "node", chain.Genesis(), chain.GenesisState, chain.Store);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => CallAsync(node.Api, call, chain));

        Assert.Contains("not started", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Each_call_after_the_node_has_stopped_throws(string call)
    {
        await using var network = new InMemoryNetwork();
        var chain = new ChainBuilder(new MemoryBlockstore(), seed: 3);
        await using HostedNode node = HostedNode.Create(network, "node", chain.Genesis(), chain.GenesisState, chain.Store);
        await node.StartAsync();
        await node.StopAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => CallAsync(node.Api, call, chain));

        Assert.Contains("stopped", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_head_change_stream_ends_when_the_node_stops()
    {
        await using var network = new InMemoryNetwork();
        var chain = new ChainBuilder(new MemoryBlockstore(), seed: 3);
        await using HostedNode node = HostedNode.Create(network, "node", chain.Genesis(), chain.GenesisState, chain.Store);
        await node.StartAsync();
        await using IAsyncEnumerator<IReadOnlyList<HeadChange>> changes = node.Api.ChainNotify(TestGuard.Token()).GetAsyncEnumerator();
        Assert.True(await changes.MoveNextAsync());
        Assert.Equal([new HeadChange(HeadChangeKind.Current, chain.Genesis())], changes.Current);

        ValueTask<bool> next = changes.MoveNextAsync();
        await node.StopAsync();

        Assert.False(await next);
    }

    private static async Task CallAsync(ISyncApi api, string call, ChainBuilder chain)
    {
        TipSet genesis = chain.Genesis();
        Cid block = genesis.Blocks[0].Cid;
        switch (call)
        {
            case nameof(ISyncApi.ChainHeadAsync): await api.ChainHeadAsync(TestGuard.Token()); break;
            case nameof(ISyncApi.ChainNotify): api.ChainNotify(TestGuard.Token()); break;
            case nameof(ISyncApi.SyncState): api.SyncState(); break;
            case nameof(ISyncApi.SyncerTracker): api.SyncerTracker(); break;
            case nameof(ISyncApi.SetConcurrent): api.SetConcurrent(2); break;
            case nameof(ISyncApi.Concurrent): api.Concurrent(); break;
            case nameof(ISyncApi.ChainTipSetWeightAsync): await api.ChainTipSetWeightAsync(genesis.Key, TestGuard.Token()); break;
            case nameof(ISyncApi.ChainSyncHandleNewTipSetAsync): await api.ChainSyncHandleNewTipSetAsync(new ChainInfo(genesis, "operator", "operator"), TestGuard.Token()); break;
            case nameof(ISyncApi.SyncSubmitBlockAsync): await api.SyncSubmitBlockAsync(BlockMsg.Create(genesis.Blocks[0], [], []), TestGuard.Token()); break;
            case nameof(ISyncApi.SyncIncomingBlocks): api.SyncIncomingBlocks(TestGuard.Token()); break;
            case nameof(ISyncApi.SyncCheckpointAsync): await api.SyncCheckpointAsync(genesis.Key, TestGuard.Token()); break;
            case nameof(ISyncApi.SyncMarkBad): api.SyncMarkBad(block); break;
            case nameof(ISyncApi.SyncUnmarkBad): api.SyncUnmarkBad(block); break;
            case nameof(ISyncApi.SyncUnmarkAllBad): api.SyncUnmarkAllBad(); break;
            case nameof(ISyncApi.SyncCheckBad): api.SyncCheckBad(block); break;
            case nameof(ISyncApi.IsSyncedAsync): await api.IsSyncedAsync(TestGuard.Token()); break;
            default: throw new ArgumentOutOfRangeException(nameof(call), call, "Not an ISyncApi call.");
        }
    }
}
