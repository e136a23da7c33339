using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Car;
using Venus.ChainSync.Primitives.Storage;

namespace Venus.ChainSync.TestSupport.Storage;

/// <summary>
/// What every <see cref="IBlockstore"/> promises: each concrete class supplies a fresh, empty store (in memory in the
/// Primitives tests, on disk in the RocksDB tests) and the same tests run on each.
/// </summary>
/// <remarks>Linked (not referenced) into each test project that runs it, like the other files of tests/Shared.</remarks>
public abstract class BlockstoreContractTests
{
    private static readonly byte[] Data = "some block"u8.ToArray();
    private static readonly Cid DataCid = Cid.Compute(Multicodec.Raw, Data);

    /// <summary>A fresh, empty store, owned (and disposed) by the test class.</summary>
    protected abstract IBlockstore CreateStore();

    private static CancellationToken Ct => TestGuard.Token(120);

    [Fact]
    public async Task Put_then_get_returns_the_bytes_and_has_is_true()
    {
        IBlockstore store = CreateStore();
        await store.PutAsync(DataCid, Data, Ct);

        ReadOnlyMemory<byte>? got = await store.GetAsync(DataCid, Ct);
        Assert.NotNull(got);
        Assert.Equal(Data, got.Value.ToArray());
        Assert.True(await store.HasAsync(DataCid, Ct));
    }

    [Fact]
    public async Task Absent_cid_gives_null_and_has_is_false()
    {
        IBlockstore store = CreateStore();
        Assert.Null(await store.GetAsync(DataCid, Ct));
        Assert.False(await store.HasAsync(DataCid, Ct));
    }

    [Fact]
    public async Task An_empty_block_is_stored_and_is_not_a_miss()
    {
        IBlockstore store = CreateStore();
        Cid empty = Cid.Compute(Multicodec.Raw, []);
        await store.PutAsync(empty, ReadOnlyMemory<byte>.Empty, Ct);

        ReadOnlyMemory<byte>? got = await store.GetAsync(empty, Ct);
        Assert.NotNull(got);
        Assert.Equal(0, got.Value.Length);
        Assert.True(await store.HasAsync(empty, Ct));
    }

    [Fact]
    public async Task Put_copies_so_the_caller_may_reuse_its_buffer()
    {
        IBlockstore store = CreateStore();
        byte[] buffer = (byte[])Data.Clone();
        await store.PutAsync(DataCid, buffer, Ct);
        buffer.AsSpan().Fill(0xee);

        Assert.Equal(Data, (await store.GetAsync(DataCid, Ct))!.Value.ToArray());
    }

    [Fact]
    public async Task Putting_a_present_cid_again_changes_nothing()
    {
        IBlockstore store = CreateStore();
        await store.PutAsync(DataCid, Data, Ct);
        ReadOnlyMemory<byte> first = (await store.GetAsync(DataCid, Ct))!.Value;

        await store.PutAsync(DataCid, Data, Ct);

        Assert.Equal(Data, first.ToArray());
        Assert.Equal(Data, (await store.GetAsync(DataCid, Ct))!.Value.ToArray());
    }

    [Fact]
    public async Task PutMany_stores_every_block()
    {
        IBlockstore store = CreateStore();
        Block[] blocks = [.. Enumerable.Range(0, 50).Select(i => Raw($"block {i}"))];

        await store.PutManyAsync([.. blocks, blocks[0], blocks[1]], Ct);

        foreach (Block block in blocks)
        {
            Assert.Equal(block.Data.ToArray(), (await store.GetAsync(block.Cid, Ct))!.Value.ToArray());
        }

        Assert.False(await store.HasAsync(Raw("block 50").Cid, Ct));
    }

    [Fact]
    public async Task Concurrent_puts_of_overlapping_blocks_all_land()
    {
        IBlockstore store = CreateStore();
        Block[] blocks = [.. Enumerable.Range(0, 500).Select(i => Raw($"block {i}"))];

        await Parallel.ForEachAsync(
            Enumerable.Range(0, 2_000),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct },
            async (i, ct) => await store.PutAsync(blocks[i % blocks.Length].Cid, blocks[i % blocks.Length].Data, ct));

        foreach (Block block in blocks)
        {
            Assert.True(await store.HasAsync(block.Cid, Ct));
        }
    }

    [Fact]
    public async Task Cancelled_token_cancels_every_operation()
    {
        IBlockstore store = CreateStore();
        var cancelled = new CancellationToken(canceled: true);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.GetAsync(DataCid, cancelled));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.HasAsync(DataCid, cancelled));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.PutAsync(DataCid, Data, cancelled));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.PutManyAsync([new Block(DataCid, Data)], cancelled));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.PutManyAsync([], cancelled));
        Assert.False(await store.HasAsync(DataCid, Ct));
    }

    [Fact]
    public async Task Default_cid_is_refused()
    {
        IBlockstore store = CreateStore();
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.GetAsync(default, Ct));
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.HasAsync(default, Ct));
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.PutAsync(default, Data, Ct));
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.PutManyAsync([default], Ct));
    }

    [SkippableFact]
    public async Task Mainnet_genesis_loads_and_every_stored_block_verifies()
    {
        await using CarReader reader = await CarReader.OpenFileAsync(SharedVectors.PathOf("genesis/mainnet.car"), cancellationToken: Ct);
        IBlockstore store = CreateStore();
        var blocks = new List<Block>();
        await foreach (Block block in reader.ReadBlocksAsync(Ct))
        {
            blocks.Add(block);
        }

        await store.PutManyAsync(blocks, Ct);

        Assert.Equal(1222, blocks.Select(b => b.Cid).Distinct().Count());
        foreach (Block block in blocks)
        {
            ReadOnlyMemory<byte> stored = (await store.GetAsync(block.Cid, Ct))!.Value;
            Assert.True(block.Cid.Matches(stored.Span));
        }

        Assert.Equal(267, (await store.GetAsync(reader.Roots[0], Ct))!.Value.Length);
    }

    /// <summary>A raw block of <paramref name="text"/>'s UTF-8 bytes.</summary>
    protected static Block Raw(string text)
    {
        byte[] data = System.Text.Encoding.UTF8.GetBytes(text);
        return new Block(Cid.Compute(Multicodec.Raw, data), data);
    }
}
