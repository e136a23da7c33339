using Venus.ChainSync.Primitives;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Tests.Sync;

/// <summary>The head-change stream (<see cref="Syncer.HeadChangesAsync"/>): what each move reports, and its bounds.</summary>
public sealed class SyncerHeadChangeTests
{
    [Fact]
    public async Task The_first_item_is_the_current_head_and_an_extension_applies_each_new_tipset_in_order()
    {
        var world = new SyncerFixture();
        IReadOnlyList<TipSet> chain = world.Chain.AddChain(world.Genesis, 6);
        await using IAsyncEnumerator<IReadOnlyList<HeadChange>> changes = world.Syncer.HeadChangesAsync(TestGuard.Token()).GetAsyncEnumerator();
        Assert.True(await changes.MoveNextAsync());
        Assert.Equal([new HeadChange(HeadChangeKind.Current, world.Genesis)], changes.Current);

        Assert.Equal(SyncOutcomeKind.Completed, (await world.SyncAsync(chain[^1])).Kind);

        List<HeadChange> seen = await ReadUntilAsync(changes, chain[^1]);
        Assert.All(seen, c => Assert.Equal(HeadChangeKind.Apply, c.Kind));
        Assert.Equal(chain, seen.Select(c => c.TipSet));
    }

    [Fact]
    public async Task A_reorg_reverts_down_to_the_common_ancestor_then_applies_up_to_the_new_head()
    {
        var world = new SyncerFixture();
        IReadOnlyList<TipSet> main = world.Chain.AddChain(world.Genesis, 10);
        IReadOnlyList<TipSet> fork = world.Chain.AddChain(main[5], 8, new TipSetSpec(Blocks: 2));
        await world.SyncAsync(main[^1]);
        await using IAsyncEnumerator<IReadOnlyList<HeadChange>> changes = world.Syncer.HeadChangesAsync(TestGuard.Token()).GetAsyncEnumerator();
        Assert.True(await changes.MoveNextAsync());
        Assert.Equal(main[^1], changes.Current[0].TipSet);

        Assert.Equal(SyncOutcomeKind.Completed, (await world.SyncAsync(fork[^1])).Kind);

        List<HeadChange> seen = await ReadUntilAsync(changes, fork[^1]);
        HeadChange[] expected =
        [
            .. main.Skip(6).Reverse().Select(t => new HeadChange(HeadChangeKind.Revert, t)),
            .. fork.Select(t => new HeadChange(HeadChangeKind.Apply, t)),
        ];
        Assert.Equal(expected, seen);
    }

    [Fact]
    public async Task A_subscriber_that_stops_reading_does_not_hold_up_sync_and_is_dropped_after_its_buffer()
    {
        var world = new SyncerFixture(new SyncerOptions { HeadChangeSubscriberCapacity = 2 });
        IReadOnlyList<TipSet> chain = world.Chain.AddChain(world.Genesis, 10);
        await using IAsyncEnumerator<IReadOnlyList<HeadChange>> stalled = world.Syncer.HeadChangesAsync(TestGuard.Token()).GetAsyncEnumerator();
        Assert.True(await stalled.MoveNextAsync());

        SyncResult result = await world.SyncAsync(chain[^1]);

        Assert.Equal(SyncOutcomeKind.Completed, result.Kind);
        Assert.Equal(chain[^1], await world.HeadAsync());
        Assert.True(await stalled.MoveNextAsync());
        Assert.Equal(chain[0], stalled.Current[0].TipSet);
        Assert.True(await stalled.MoveNextAsync());
        Assert.Equal(chain[1], stalled.Current[0].TipSet);
        await Assert.ThrowsAsync<SlowSubscriberException>(async () => await stalled.MoveNextAsync());

        // A new subscription starts again from the head.
        await using IAsyncEnumerator<IReadOnlyList<HeadChange>> again = world.Syncer.HeadChangesAsync(TestGuard.Token()).GetAsyncEnumerator();
        Assert.True(await again.MoveNextAsync());
        Assert.Equal([new HeadChange(HeadChangeKind.Current, chain[^1])], again.Current);
    }

    [Fact]
    public async Task A_move_longer_than_the_fork_length_threshold_is_reported_as_the_new_current_head()
    {
        var world = new SyncerFixture(new SyncerOptions { ForkLengthThreshold = 3 });
        IReadOnlyList<TipSet> main = world.Chain.AddChain(world.Genesis, 10);
        IReadOnlyList<TipSet> side = world.Chain.AddChain(main[2], 8);
        await world.SyncAsync(main[^1]);
        await using IAsyncEnumerator<IReadOnlyList<HeadChange>> changes = world.Syncer.HeadChangesAsync(TestGuard.Token()).GetAsyncEnumerator();
        Assert.True(await changes.MoveNextAsync());

        // The operator checkpoints a lighter chain that left ours 7 tipsets down: the head jumps there.
        Assert.Equal(SyncOutcomeKind.Completed, (await world.Syncer.SyncCheckpointAsync(side[^1].Key, TestGuard.Token())).Kind);

        Assert.True(await changes.MoveNextAsync());
        Assert.Equal([new HeadChange(HeadChangeKind.Current, side[^1])], changes.Current);
    }

    private static async Task<List<HeadChange>> ReadUntilAsync(IAsyncEnumerator<IReadOnlyList<HeadChange>> changes, TipSet head)
    {
        var seen = new List<HeadChange>();
        while (seen.Count == 0 || seen[^1].TipSet.Key != head.Key)
        {
            Assert.True(await changes.MoveNextAsync());
            seen.AddRange(changes.Current);
        }

        return seen;
    }
}
