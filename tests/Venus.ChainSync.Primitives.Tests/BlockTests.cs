namespace Venus.ChainSync.Primitives.Tests;

public class BlockTests
{
    [Fact]
    public void Verify_is_true_only_for_the_bytes_the_cid_names()
    {
        Assert.True(new Block(Cid.ComputeDagCbor("abc"u8), "abc"u8.ToArray()).Verify());
        Assert.False(new Block(Cid.ComputeDagCbor("abc"u8), "abd"u8.ToArray()).Verify());
    }

    [Fact]
    public void Verify_throws_for_a_hash_function_it_cannot_compute()
    {
        var sha3 = Cid.Create(Multicodec.Raw, Multihash.Create(0x16, new byte[32]));
        Assert.Throws<NotSupportedException>(() => new Block(sha3, new byte[1]).Verify());
    }

    [Fact]
    public void Default_cid_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new Block(default, new byte[1]));
    }

    [Fact]
    public void Block_keeps_the_callers_memory_without_copying()
    {
        byte[] data = [1, 2, 3];
        var block = new Block(Cid.Compute(Multicodec.Raw, data), data);
        data[0] = 9;
        Assert.Equal(9, block.Data.Span[0]);
    }
}
