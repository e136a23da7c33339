using Venus.ChainSync.Primitives.Car;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Primitives.Tests.TestSupport;
using static Venus.ChainSync.Primitives.Tests.Car.CarTestData;

namespace Venus.ChainSync.Primitives.Tests.Storage;

public class MemoryBlockstoreTests
{
    private static readonly byte[] Data = "some block"u8.ToArray();
    private static readonly Cid DataCid = Cid.Compute(Multicodec.Raw, Data);

    [Fact]
    public async Task Put_then_get_returns_the_bytes_and_has_is_true()
    {
        var store = new MemoryBlockstore();
        await store.PutAsync(DataCid, Data, Guard());

        ReadOnlyMemory<byte>? got = await store.GetAsync(DataCid, Guard());
        Assert.NotNull(got);
        Assert.Equal(Data, got.Value.ToArray());
        Assert.True(await store.HasAsync(DataCid, Guard()));
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public async Task Absent_cid_gives_null_and_has_is_false()
    {
        var store = new MemoryBlockstore();
        Assert.Null(await store.GetAsync(DataCid, Guard()));
        Assert.False(await store.HasAsync(DataCid, Guard()));
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task Put_copies_so_the_caller_may_reuse_its_buffer()
    {
        var store = new MemoryBlockstore();
        byte[] buffer = (byte[])Data.Clone();
        await store.PutAsync(DataCid, buffer, Guard());
        buffer.AsSpan().Fill(0xee);

        Assert.Equal(Data, (await store.GetAsync(DataCid, Guard()))!.Value.ToArray());
    }

    [Fact]
    public async Task Putting_a_present_cid_again_changes_nothing()
    {
        var store = new MemoryBlockstore();
        await store.PutAsync(DataCid, Data, Guard());
        ReadOnlyMemory<byte> first = (await store.GetAsync(DataCid, Guard()))!.Value;

        await store.PutAsync(DataCid, Data, Guard());

        Assert.Equal(1, store.Count);
        Assert.True(first.Equals((await store.GetAsync(DataCid, Guard()))!.Value));
    }

    [Fact]
    public async Task PutMany_stores_every_block_once()
    {
        var store = new MemoryBlockstore();
        Block[] blocks = [.. Enumerable.Range(0, 50).Select(i => Raw($"block {i}"))];

        await store.PutManyAsync([.. blocks, blocks[0], blocks[1]], Guard());

        Assert.Equal(50, store.Count);
        foreach (Block block in blocks)
        {
            Assert.Equal(block.Data.ToArray(), (await store.GetAsync(block.Cid, Guard()))!.Value.ToArray());
        }
    }

    [Fact]
    public async Task Concurrent_puts_of_overlapping_blocks_all_land()
    {
        var store = new MemoryBlockstore();
        Block[] blocks = [.. Enumerable.Range(0, 500).Select(i => Raw($"block {i}"))];

        await Parallel.ForEachAsync(
            Enumerable.Range(0, 2_000),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Guard() },
            async (i, ct) => await store.PutAsync(blocks[i % blocks.Length].Cid, blocks[i % blocks.Length].Data, ct));

        Assert.Equal(blocks.Length, store.Count);
        foreach (Block block in blocks)
        {
            Assert.True(await store.HasAsync(block.Cid, Guard()));
        }
    }

    [Fact]
    public async Task Cancelled_token_cancels_every_operation()
    {
        var store = new MemoryBlockstore();
        var cancelled = new CancellationToken(canceled: true);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.GetAsync(DataCid, cancelled));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.HasAsync(DataCid, cancelled));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.PutAsync(DataCid, Data, cancelled));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.PutManyAsync([new Block(DataCid, Data)], cancelled));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.PutManyAsync([], cancelled));
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task Default_cid_is_refused()
    {
        var store = new MemoryBlockstore();
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.GetAsync(default, Guard()));
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.HasAsync(default, Guard()));
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.PutAsync(default, Data, Guard()));
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.PutManyAsync([default], Guard()));
    }

    [SkippableFact]
    public async Task Mainnet_genesis_loads_and_every_stored_block_verifies()
    {
        await using CarReader reader = await CarReader.OpenFileAsync(SharedVectors.PathOf("genesis/mainnet.car"), cancellationToken: Guard());
        var store = new MemoryBlockstore();
        await store.PutManyAsync(await ReadAllAsync(reader), Guard());

        Assert.Equal(1222, store.Count);
        ReadOnlyMemory<byte> genesis = (await store.GetAsync(reader.Roots[0], Guard()))!.Value;
        Assert.Equal(267, genesis.Length);
        Assert.True(reader.Roots[0].Matches(genesis.Span));
    }

    private static Block Raw(string text)
    {
        byte[] data = System.Text.Encoding.UTF8.GetBytes(text);
        return new Block(Cid.Compute(Multicodec.Raw, data), data);
    }
}
