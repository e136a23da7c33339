using Venus.ChainSync.Primitives.Tests.TestSupport;
using Venus.ChainSync.Primitives.Amt;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Primitives.Tests.Hostile;

public class AmtHostileTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(7)]
    public async Task Top_level_slot_beyond_64_bit_indexes_is_refused_instead_of_wrapping(int slot)
    {
        Cid child = Cid.ComputeDagCbor("never loaded"u8);
        byte[] root = DagCbor.Encode(child, (w, link) =>
        {
            w.WriteArrayHeader(3);
            w.WriteUInt64(AmtV0.MaxHeight);
            w.WriteUInt64(1);
            w.WriteArrayHeader(3);
            w.WriteByteString([(byte)(1 << slot)]);
            w.WriteArrayHeader(1);
            w.WriteCid(link);
            w.WriteArrayHeader(0);
        });
        AmtV0Root amt = AmtV0Root.Decode(root);
        var loads = 0;

        await Assert.ThrowsAsync<DagCborException>(() => amt.CollectAsync(
            (_, _) =>
            {
                loads++;
                return ValueTask.FromResult<ReadOnlyMemory<byte>?>(null);
            },
            10,
            CancellationToken.None).AsTask());
        Assert.Equal(0, loads);
    }

    [Theory]
    [InlineData("83001927108341008080")] // the fuzzing reproducer: height 0 (room for 8) claiming 10 000 values
    [InlineData("8303190fa08341008080")] // height 3 (room for 4 096) claiming 4 000 values, holding none
    public void A_claimed_count_costs_nothing_before_the_values_are_read(string rootHex)
    {
        AmtV0Root amt = AmtV0Root.Decode(Hex.Decode(rootHex));
        ValueTask<ReadOnlyMemory<byte>?> NoBlocks(Cid cid, CancellationToken cancellationToken) => ValueTask.FromResult<ReadOnlyMemory<byte>?>(null);

        long before = GC.GetAllocatedBytesForCurrentThread();
        ValueTask<IReadOnlyList<AmtEntry>> collect = amt.CollectAsync(NoBlocks, 10_000, CancellationToken.None);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // The loader completes synchronously, so the whole collection ran (and failed) on this thread.
        Assert.True(collect.IsCompleted);
        Assert.Throws<DagCborException>(() => collect.GetAwaiter().GetResult());
        Assert.True(allocated < 4_096, $"{allocated} bytes allocated for a {rootHex.Length / 2}-byte root");
    }
}
