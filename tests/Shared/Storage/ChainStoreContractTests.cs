using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.TestSupport.Storage;

/// <summary>
/// What <see cref="ChainStore"/> promises over any pair of ports: each concrete class supplies a block store and a
/// metadata store (in memory in the engine tests; on disk in the RocksDB tests) and the same tests run on both.
/// Linked (not referenced) into each test project that runs it, like the other files of tests/Shared.
/// </summary>
public abstract class ChainStoreContractTests
{
    /// <summary>Fresh, empty ports; calling it again with the same <paramref name="name"/> reopens the same ones.</summary>
    protected abstract (IBlockstore Blocks, IChainMetadataStore Metadata) Ports(string name);

    private static CancellationToken Ct => TestGuard.Token();

    [Fact]
    public async Task An_empty_store_takes_its_genesis_as_head_with_its_state()
    {
        (ChainBuilder builder, TipSet genesis) = Builder(1);
        ChainStore store = await OpenAsync("a", builder, genesis);

        Assert.Equal(genesis, await store.GetGenesisAsync(Ct));
        Assert.Equal(genesis, await store.GetHeadAsync(Ct));
        Assert.Equal(builder.GenesisState, await store.GetStateAsync(genesis.Key, Ct));
        Assert.Equal(genesis, await store.GetTipSetByHeightAsync(0, Ct));
        Assert.Null(await store.GetCheckpointAsync(Ct));
    }

    [Fact]
    public async Task A_store_without_a_genesis_says_so()
    {
        (IBlockstore blocks, IChainMetadataStore metadata) = Ports("b");
        var store = new ChainStore(blocks, metadata);

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.GetHeadAsync(Ct).AsTask());
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.GetGenesisAsync(Ct).AsTask());
    }

    [Fact]
    public async Task Reopening_keeps_the_head_and_refuses_another_chains_genesis()
    {
        (ChainBuilder builder, TipSet genesis) = Builder(2);
        IReadOnlyList<TipSet> chain = builder.AddChain(genesis, 3);
        ChainStore store = await OpenAsync("c", builder, genesis);
        await StoreAsync(store, builder, chain);
        await store.SetHeadAsync(chain[^1], Ct);

        ChainStore reopened = await OpenAsync("c", builder, genesis);
        Assert.Equal(chain[^1], await reopened.GetHeadAsync(Ct));
        Assert.Equal(chain[1], await reopened.GetTipSetByHeightAsync(chain[1].Height, Ct));

        (ChainBuilder other, TipSet otherGenesis) = Builder(99);
        await Assert.ThrowsAsync<InvalidOperationException>(() => OpenAsync("c", other, otherGenesis));
    }

    [Fact]
    public async Task Heights_of_null_rounds_answer_the_tipset_below_and_heights_above_the_head_nothing()
    {
        (ChainBuilder builder, TipSet genesis) = Builder(3);
        IReadOnlyList<TipSet> chain = builder.AddChain(genesis, 4, i => new TipSetSpec(NullRoundsBefore: i == 2 ? 2 : 0));
        ChainStore store = await OpenAsync("d", builder, genesis);
        await StoreAsync(store, builder, chain);

        await store.SetHeadAsync(chain[^1], Ct);

        Assert.Equal([1, 2, 5, 6], chain.Select(t => t.Height));
        Assert.Equal(chain[1], await store.GetTipSetByHeightAsync(2, Ct));
        Assert.Equal(chain[1], await store.GetTipSetByHeightAsync(3, Ct));
        Assert.Equal(chain[1], await store.GetTipSetByHeightAsync(4, Ct));
        Assert.Equal(chain[2], await store.GetTipSetByHeightAsync(5, Ct));
        Assert.Equal(chain[3], await store.GetTipSetByHeightAsync(6, Ct));
        Assert.Null(await store.GetTipSetByHeightAsync(7, Ct));
        Assert.Null(await store.GetTipSetByHeightAsync(-1, Ct));
    }

    [Fact]
    public async Task A_head_on_another_fork_rewrites_the_index_from_the_fork_point()
    {
        (ChainBuilder builder, TipSet genesis) = Builder(4);
        IReadOnlyList<TipSet> trunk = builder.AddChain(genesis, 2);
        IReadOnlyList<TipSet> longFork = builder.AddChain(trunk[^1], 4, name: "long");
        IReadOnlyList<TipSet> shortFork = builder.AddChain(trunk[^1], 2, i => new TipSetSpec(Blocks: 3, NullRoundsBefore: 1), name: "short");
        ChainStore store = await OpenAsync("e", builder, genesis);
        await StoreAsync(store, builder, [.. trunk, .. longFork, .. shortFork]);
        await store.SetHeadAsync(longFork[^1], Ct);

        // The short fork is heavier (wider tipsets) but lower: heights 4 and 6, with null rounds at 3 and 5.
        await store.SetHeadAsync(shortFork[^1], Ct);

        Assert.Equal([4, 6], shortFork.Select(t => t.Height));
        Assert.Equal(trunk[1], await store.GetTipSetByHeightAsync(2, Ct));
        Assert.Equal(trunk[1], await store.GetTipSetByHeightAsync(3, Ct));
        Assert.Equal(shortFork[0], await store.GetTipSetByHeightAsync(4, Ct));
        Assert.Equal(shortFork[0], await store.GetTipSetByHeightAsync(5, Ct));
        Assert.Equal(shortFork[1], await store.GetTipSetByHeightAsync(6, Ct));
        Assert.Null(await store.GetTipSetByHeightAsync(7, Ct));

        await store.SetHeadAsync(longFork[^1], Ct);
        Assert.Equal(longFork[0], await store.GetTipSetByHeightAsync(3, Ct));
        Assert.Equal(longFork[3], await store.GetTipSetByHeightAsync(6, Ct));
    }

    [Fact]
    public async Task A_head_whose_chain_is_not_stored_is_refused_and_the_head_stays()
    {
        (ChainBuilder builder, TipSet genesis) = Builder(5);
        IReadOnlyList<TipSet> chain = builder.AddChain(genesis, 3);
        ChainStore store = await OpenAsync("f", builder, genesis);
        await store.PutHeadersAsync([.. chain[^1].Blocks], Ct);

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.SetHeadAsync(chain[^1], Ct).AsTask());

        Assert.Equal(genesis, await store.GetHeadAsync(Ct));
        Assert.Null(await store.GetTipSetByHeightAsync(chain[^1].Height, Ct));
    }

    [Fact]
    public async Task Everything_stored_is_blocks_a_second_store_over_the_same_block_store_reads()
    {
        (ChainBuilder builder, TipSet genesis) = Builder(6);
        IReadOnlyList<TipSet> chain = builder.AddChain(genesis, 3, new TipSetSpec(Blocks: 2, BlsMessages: 3, SecpMessages: 2, SharedMessages: 1));
        (IBlockstore blocks, IChainMetadataStore metadata) = Ports("g");
        var store = new ChainStore(blocks, metadata);
        await store.InitializeAsync(genesis, builder.GenesisState, Ct);
        await StoreAsync(store, builder, chain);

        // Only the blocks are shared: what the exchange server and gossip loader see.
        var reader = new ChainStore(blocks, new InMemoryChainMetadataStore());
        foreach (TipSet tipSet in chain)
        {
            FullTipSet? full = await reader.GetFullTipSetAsync(tipSet.Key, Ct);
            Assert.NotNull(full);
            Assert.True(full.Blocks.All(b => b.MessagesMatchHeader()));
            Assert.Equal(builder.GetFullTipSet(tipSet).Blocks.Select(b => b.BlsMessages.Length + b.SecpkMessages.Length), full.Blocks.Select(b => b.BlsMessages.Length + b.SecpkMessages.Length));
        }
    }

    [Fact]
    public async Task States_and_the_checkpoint_round_trip()
    {
        (ChainBuilder builder, TipSet genesis) = Builder(7);
        TipSet tipSet = builder.AddTipSet(genesis);
        ChainStore store = await OpenAsync("h", builder, genesis);

        Assert.Null(await store.GetStateAsync(tipSet.Key, Ct));
        await store.SetStateAsync(tipSet.Key, builder.StateOf(tipSet), Ct);
        await store.SetCheckpointAsync(tipSet.Key, Ct);

        Assert.Equal(builder.StateOf(tipSet), await store.GetStateAsync(tipSet.Key, Ct));
        Assert.Equal(tipSet.Key, await store.GetCheckpointAsync(Ct));
    }

    private static (ChainBuilder Builder, TipSet Genesis) Builder(int seed)
    {
        var builder = new ChainBuilder(new MemoryBlockstore(), seed);
        return (builder, builder.Genesis());
    }

    private async Task<ChainStore> OpenAsync(string name, ChainBuilder builder, TipSet genesis)
    {
        (IBlockstore blocks, IChainMetadataStore metadata) = Ports(name);
        var store = new ChainStore(blocks, metadata);
        await store.InitializeAsync(genesis, builder.GenesisState, Ct);
        return store;
    }

    private static async Task StoreAsync(ChainStore store, ChainBuilder builder, IEnumerable<TipSet> tipSets)
    {
        foreach (TipSet tipSet in tipSets)
        {
            await store.PutHeadersAsync([.. tipSet.Blocks], Ct);
            await store.PutMessagesAsync(builder.GetFullTipSet(tipSet), Ct);
        }
    }
}
