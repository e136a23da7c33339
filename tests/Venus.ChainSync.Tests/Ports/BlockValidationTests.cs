namespace Venus.ChainSync.Tests.Ports;

public class BlockValidationTests
{
    [Fact]
    public void Verdicts_say_whether_a_failure_is_permanent()
    {
        Assert.True(BlockValidation.Valid.IsValid);
        BlockValidation bad = BlockValidation.Permanent("bad signature");
        BlockValidation later = BlockValidation.Temporary("block from the future");

        Assert.False(bad.IsValid);
        Assert.True(bad.IsPermanent);
        Assert.Equal("bad signature", bad.Reason);
        Assert.False(later.IsValid);
        Assert.False(later.IsPermanent);
    }
}
