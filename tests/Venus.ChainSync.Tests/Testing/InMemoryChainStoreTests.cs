using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Tests.Testing;

public class InMemoryChainStoreTests
{
    [Fact]
    public async Task A_new_store_knows_genesis_as_head_with_its_state()
    {
        var builder = new ChainBuilder(new MemoryBlockstore(), seed: 1);
        TipSet genesis = builder.Genesis();
        var store = new InMemoryChainStore(genesis, builder.GenesisState);
        CancellationToken ct = TestGuard.Token();

        Assert.Equal(genesis, await store.GetGenesisAsync(ct));
        Assert.Equal(genesis, await store.GetHeadAsync(ct));
        Assert.Equal(genesis, await store.GetTipSetAsync(genesis.Key, ct));
        Assert.Equal(builder.GenesisState, await store.GetStateAsync(genesis.Key, ct));
        Assert.Null(await store.GetCheckpointAsync(ct));
    }

    [Fact]
    public async Task Headers_and_messages_round_trip_into_an_empty_blockstore()
    {
        var builder = new ChainBuilder(new MemoryBlockstore(), seed: 2);
        TipSet genesis = builder.Genesis();
        TipSet tipSet = builder.AddTipSet(genesis, blocks: 3, blsMessages: 2, secpMessages: 2, sharedMessages: 1);
        FullTipSet full = builder.GetFullTipSet(tipSet);
        var store = new InMemoryChainStore(genesis, builder.GenesisState);
        CancellationToken ct = TestGuard.Token();

        Assert.Null(await store.GetTipSetAsync(tipSet.Key, ct));
        await store.PutHeadersAsync([.. tipSet.Blocks], ct);
        Assert.Equal(tipSet, await store.GetTipSetAsync(tipSet.Key, ct));
        Assert.Null(await store.GetFullTipSetAsync(tipSet.Key, ct));

        await store.PutMessagesAsync(full, ct);
        await store.PutMessagesAsync(full, ct); // idempotent
        FullTipSet? loaded = await store.GetFullTipSetAsync(tipSet.Key, ct);

        Assert.NotNull(loaded);
        Assert.True(loaded.Blocks.All(b => b.MessagesMatchHeader()));
        Assert.Equal(
            full.Blocks.Select(b => (b.Cid, Bls: string.Join(",", b.BlsMessages.Select(m => m.Cid)), Secp: string.Join(",", b.SecpkMessages.Select(m => m.Cid)))),
            loaded.Blocks.Select(b => (b.Cid, Bls: string.Join(",", b.BlsMessages.Select(m => m.Cid)), Secp: string.Join(",", b.SecpkMessages.Select(m => m.Cid)))));
    }

    [Fact]
    public async Task A_store_over_the_builder_blockstore_reads_the_whole_chain()
    {
        var builder = new ChainBuilder(new MemoryBlockstore(), seed: 3);
        TipSet genesis = builder.Genesis();
        IReadOnlyList<TipSet> chain = builder.AddChain(genesis, 5, new TipSetSpec(Blocks: 2, BlsMessages: 1, SecpMessages: 1));
        var store = new InMemoryChainStore(genesis, builder.GenesisState, builder.Store);
        CancellationToken ct = TestGuard.Token();

        Assert.NotNull(await store.GetFullTipSetAsync(genesis.Key, ct));
        foreach (TipSet tipSet in chain)
        {
            FullTipSet? full = await store.GetFullTipSetAsync(tipSet.Key, ct);
            Assert.NotNull(full);
            Assert.Equal(tipSet, full.TipSet);
            Assert.Equal(
                TestTipSetExecutor.ExecutionOrder(builder.GetFullTipSet(tipSet)),
                TestTipSetExecutor.ExecutionOrder(full));
        }
    }

    [Fact]
    public async Task Head_state_and_checkpoint_round_trip()
    {
        var builder = new ChainBuilder(new MemoryBlockstore(), seed: 4);
        TipSet genesis = builder.Genesis();
        TipSet next = builder.AddTipSet(genesis);
        var store = new InMemoryChainStore(genesis, builder.GenesisState, builder.Store);
        CancellationToken ct = TestGuard.Token();
        TipSetState state = builder.StateOf(next);

        Assert.Null(await store.GetStateAsync(next.Key, ct));
        await store.SetStateAsync(next.Key, state, ct);
        await store.SetHeadAsync(next, ct);
        await store.SetCheckpointAsync(genesis.Key, ct);

        Assert.Equal(state, await store.GetStateAsync(next.Key, ct));
        Assert.Equal(next, await store.GetHeadAsync(ct));
        Assert.Equal(genesis.Key, await store.GetCheckpointAsync(ct));
    }

    [Fact]
    public async Task A_missing_message_makes_the_full_tipset_unknown()
    {
        var builder = new ChainBuilder(new MemoryBlockstore(), seed: 5);
        TipSet genesis = builder.Genesis();
        TipSet tipSet = builder.AddTipSet(genesis, blsMessages: 1, secpMessages: 1);
        FullTipSet full = builder.GetFullTipSet(tipSet);
        var blockstore = new MemoryBlockstore();
        var store = new InMemoryChainStore(genesis, builder.GenesisState, blockstore);
        CancellationToken ct = TestGuard.Token();

        // Headers, the message meta and the AMTs, but not the secp message itself.
        await store.PutHeadersAsync([.. tipSet.Blocks], ct);
        FullBlock only = full.Blocks[0];
        MsgMeta meta = MessageRoot.Compute([.. only.BlsMessages.Select(m => m.Cid)], [.. only.SecpkMessages.Select(m => m.Cid)], n => blockstore.PutAsync(n.Cid, n.Data, ct).AsTask().GetAwaiter().GetResult());
        Assert.Equal(only.Header.Messages, meta.Cid);
        await blockstore.PutAsync(only.BlsMessages[0].Cid, only.BlsMessages[0].RawData, ct);

        Assert.Null(await store.GetFullTipSetAsync(tipSet.Key, ct));
    }
}
