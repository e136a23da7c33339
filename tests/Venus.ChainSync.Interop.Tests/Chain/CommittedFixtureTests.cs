using Venus.ChainSync.Interop.Tests.Harness;

namespace Venus.ChainSync.Interop.Tests.Chain;

/// <summary>
/// The JS self-test (npm test) runs without .NET, on a CAR committed under tests/interop/js-peer/fixtures; these
/// tests keep that file what <see cref="ChainFixture"/> builds (20 tipsets, seed 1).
/// </summary>
public sealed class CommittedFixtureTests
{
    private static string FixtureDirectory => Path.Combine(JsPeerEnvironment.PeerDirectory, "fixtures");

    [Fact]
    public async Task CommittedCar_IsByteForByteWhatTheChainFixtureBuilds()
    {
        ChainFixture chain = ChainFixture.Build(tipSets: 20);
        string built = Path.GetTempFileName();
        try
        {
            await chain.WriteCarAsync(built, TestGuard.Token());
            string committed = Path.Combine(FixtureDirectory, "chain.car");
            bool missing = !File.Exists(committed);
            if (missing)
            {
                // First run (or a deliberate regeneration after deleting the files): write them for committing.
                Directory.CreateDirectory(FixtureDirectory);
                File.Copy(built, committed);
                await File.WriteAllTextAsync(Path.Combine(FixtureDirectory, "chain.json"), chain.DescribeAsJson(), TestGuard.Token());
            }

            Assert.False(missing, $"{committed} was missing and has been written; commit it with chain.json");
            Assert.Equal(await File.ReadAllBytesAsync(built, TestGuard.Token()), await File.ReadAllBytesAsync(committed, TestGuard.Token()));
        }
        finally
        {
            File.Delete(built);
        }
    }

    [Fact]
    public async Task CommittedDescription_IsWhatTheChainFixtureDescribes()
    {
        ChainFixture chain = ChainFixture.Build(tipSets: 20);
        string committed = Path.Combine(FixtureDirectory, "chain.json");
        Assert.True(File.Exists(committed), $"{committed} is missing: delete chain.car too and run the tests to regenerate both");
        Assert.Equal(chain.DescribeAsJson(), await File.ReadAllTextAsync(committed, TestGuard.Token()));
    }
}
