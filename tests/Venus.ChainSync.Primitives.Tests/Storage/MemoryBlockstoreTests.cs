using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.TestSupport.Storage;
using static Venus.ChainSync.Primitives.Tests.Car.CarTestData;

namespace Venus.ChainSync.Primitives.Tests.Storage;

/// <summary>The <see cref="IBlockstore"/> contract over <see cref="MemoryBlockstore"/>, and what only it promises.</summary>
public sealed class MemoryBlockstoreTests : BlockstoreContractTests
{
    protected override IBlockstore CreateStore() => new MemoryBlockstore();

    [Fact]
    public async Task Count_counts_each_cid_once()
    {
        var store = new MemoryBlockstore();
        Block[] blocks = [.. Enumerable.Range(0, 50).Select(i => Raw($"block {i}"))];

        await store.PutManyAsync([.. blocks, blocks[0], blocks[1]], Guard());
        await store.PutAsync(blocks[2].Cid, blocks[2].Data, Guard());

        Assert.Equal(50, store.Count);
    }

    [Fact]
    public async Task A_present_cid_keeps_its_first_array()
    {
        var store = new MemoryBlockstore();
        Block block = Raw("block");
        await store.PutAsync(block.Cid, block.Data, Guard());
        ReadOnlyMemory<byte> first = (await store.GetAsync(block.Cid, Guard()))!.Value;

        await store.PutAsync(block.Cid, block.Data, Guard());

        Assert.True(first.Equals((await store.GetAsync(block.Cid, Guard()))!.Value));
    }
}
