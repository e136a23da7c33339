using Venus.ChainSync.Primitives;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Tests.Sync;

/// <summary>Several syncs of one syncer at once, as the dispatcher runs them when its concurrency is above one.</summary>
public sealed class SyncerConcurrencyTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task Concurrent_syncs_of_forks_end_on_the_heaviest_and_never_set_a_lighter_head(int seed)
    {
        var world = new SyncerFixture(seed: seed);
        world.Recorder.YieldOnHeadAccess = true;

        // Four forks from genesis, each heavier than the last (wider tipsets), all about as long, so the syncs
        // execute side by side and each moves the head many times on the way.
        TipSet[] tips = [.. Enumerable.Range(1, 4).Select(width => world.Chain.AddChain(world.Genesis, 60, new TipSetSpec(Blocks: width, BlsMessages: 1))[^1])];

        SyncResult[] results = await Task.WhenAll(tips.Select(tip => Task.Run(() => world.SyncAsync(tip))));

        Assert.Equal(tips[^1], await world.HeadAsync());
        Assert.Equal(SyncOutcomeKind.Completed, results[^1].Kind);
        Assert.Empty(world.Recorder.BrokenPromises);
    }
}
