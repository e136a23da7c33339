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
}
