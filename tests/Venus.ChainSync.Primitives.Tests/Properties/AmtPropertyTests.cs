using System.Numerics;
using CsCheck;
using Venus.ChainSync.Primitives.Amt;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Primitives.Tests.Properties;

public class AmtPropertyTests
{
    // The loader answers synchronously, so nothing here can hang; the guard only turns a bug into a failure.
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    /// <summary>Sparse entries: strictly increasing indexes anywhere in the 64-bit range, each holding a small DAG-CBOR value.</summary>
    private static readonly Gen<AmtEntry[]> SparseEntries =
        Gen.Select(ChainGen.AnyULong, CborTree.Tree(depth: 2).Select(CborTree.Encode))
            .Array[0, 120]
            .Select(pairs => pairs
                .DistinctBy(p => p.Item1)
                .OrderBy(p => p.Item1)
                .Select(p => new AmtEntry(p.Item1, p.Item2))
                .ToArray());

    public static TheoryData<int> BoundarySizes() => [0, 1, 8, 9, 64, 65, 512, 513, 4096, 4097, 5000];

    [Theory]
    [MemberData(nameof(BoundarySizes))]
    public async Task Amt_of_boundary_size_collects_back_every_value_in_order(int size)
    {
        Cid[] values = [.. Enumerable.Range(0, size).Select(i => Cid.ComputeDagCbor(BitConverter.GetBytes(i)))];

        await AssertRoundTrip(values).WaitAsync(Guard);
    }

    [Fact]
    public async Task Amt_of_random_size_up_to_5000_collects_back_every_value_in_order()
    {
        await Gen.Int[0, 5000]
            .SelectMany(n => Gen.Byte.Array[0, 8].Select(b => Cid.ComputeDagCbor(b)).Array[n])
            .SampleAsync(AssertRoundTrip, iter: 40)
            .WaitAsync(Guard);
    }

    [Fact]
    public async Task Sparse_amt_collects_back_exactly_its_indexes_and_values()
    {
        await SparseEntries.SampleAsync(
            async entries =>
            {
                var store = new Dictionary<Cid, ReadOnlyMemory<byte>>();
                Cid rootCid = AmtV0.ComputeRoot(entries, node => store[node.Cid] = node.Data);

                AmtV0Root root = AmtV0Root.Decode(store[rootCid]);
                IReadOnlyList<AmtEntry> collected = await root.CollectAsync(Loader(store), entries.Length, CancellationToken.None);

                Assert.Equal((ulong)entries.Length, root.Count);
                Assert.Equal(entries.Length == 0 ? 0 : ExpectedHeight(entries[^1].Index), root.Height);
                Assert.Equal(entries.Select(e => e.Index), collected.Select(e => e.Index));
                Assert.Equal(entries.Select(e => e.Value.ToArray()), collected.Select(e => e.Value.ToArray()));
                AssertEveryNodeIsStrict(store);
            },
            iter: 150).WaitAsync(Guard);
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(7UL)]
    [InlineData(8UL)]
    [InlineData(1UL << 32)]
    [InlineData((1UL << 63) - 1)]
    [InlineData(1UL << 63)]
    [InlineData(ulong.MaxValue)]
    public async Task Single_entry_amt_at_a_far_index_has_the_smallest_spanning_height(ulong index)
    {
        AmtEntry[] entries = [new(index, DagCbor.Encode(index, static (w, i) => w.WriteUInt64(i)))];
        var store = new Dictionary<Cid, ReadOnlyMemory<byte>>();
        Cid rootCid = AmtV0.ComputeRoot(entries, node => store[node.Cid] = node.Data);

        AmtV0Root root = AmtV0Root.Decode(store[rootCid]);
        IReadOnlyList<AmtEntry> collected = await root.CollectAsync(Loader(store), 1, CancellationToken.None).AsTask().WaitAsync(Guard);

        Assert.Equal(ExpectedHeight(index), root.Height);
        Assert.Equal(index, Assert.Single(collected).Index);
        Assert.Equal(root.Height + 1, store.Count);
    }

    private static async Task AssertRoundTrip(Cid[] values)
    {
        var store = new Dictionary<Cid, ReadOnlyMemory<byte>>();
        Cid rootCid = AmtV0.ComputeRoot(values, node => store[node.Cid] = node.Data);

        Assert.Equal(rootCid, Cid.ComputeDagCbor(store[rootCid].Span));
        AmtV0Root root = AmtV0Root.Decode(store[rootCid]);
        IReadOnlyList<AmtEntry> collected = await root.CollectAsync(Loader(store), values.Length, CancellationToken.None);

        Assert.Equal((ulong)values.Length, root.Count);
        Assert.Equal(values.Length == 0 ? 0 : ExpectedHeight((ulong)values.Length - 1), root.Height);
        Assert.Equal(Enumerable.Range(0, values.Length).Select(i => (ulong)i), collected.Select(e => e.Index));
        Assert.Equal(values, collected.Select(e => ReadCid(e.Value)));
        AssertEveryNodeIsStrict(store);
    }

    /// <summary>The smallest h with 8^(h+1) &gt; <paramref name="maxIndex"/>, computed without shifts that could wrap.</summary>
    private static int ExpectedHeight(ulong maxIndex)
    {
        int height = 0;
        for (BigInteger span = AmtV0.Width; span <= maxIndex; span *= AmtV0.Width)
        {
            height++;
        }

        return height;
    }

    private static Func<Cid, CancellationToken, ValueTask<ReadOnlyMemory<byte>?>> Loader(Dictionary<Cid, ReadOnlyMemory<byte>> store) =>
        (cid, _) => ValueTask.FromResult(store.TryGetValue(cid, out ReadOnlyMemory<byte> block) ? block : (ReadOnlyMemory<byte>?)null);

    private static Cid ReadCid(ReadOnlyMemory<byte> encoded)
    {
        var reader = new DagCborReader(encoded.Span);
        Cid cid = reader.ReadCid();
        reader.ExpectEnd();
        return cid;
    }

    private static void AssertEveryNodeIsStrict(Dictionary<Cid, ReadOnlyMemory<byte>> store)
    {
        foreach ((Cid cid, ReadOnlyMemory<byte> block) in store)
        {
            Assert.Equal(cid, Cid.ComputeDagCbor(block.Span));
            DagCbor.Validate(block.Span);
            IndependentCbor.AssertCanonical(block);
        }
    }
}
