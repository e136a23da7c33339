using Venus.ChainSync.Primitives;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Tests.Cluster;

/// <summary>Two concurrent syncs racing to move the head.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterHeadRaceTests
{
    // Sync A (lighter) is held after executing its tipset, until sync B (heavier) has moved the head and ended;
    // then A goes on to its head decision. Without the syncer's head gate a lighter run that had read the head
    // before B set it could write its lighter tipset over B's (SyncerConcurrencyTests forces that interleaving);
    // here the end-to-end outcome is checked: the node ends on the heavier tipset and stays there.
    [Fact]
    public async Task A_lighter_sync_held_until_a_heavier_one_moved_the_head_does_not_move_the_head_back()
    {
        TipSetKey? lighterKey = null;
        var lighterHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var heavierFinished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var lighterFinished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new SyncTestClusterOptions
        {
            // The follower's executor holds the lighter tipset's run until the heavier sync has ended.
            ExecutorFactory = i => i != 2 ? new TestTipSetExecutor() : new TestTipSetExecutor(async (tipSet, ct) =>
            {
                if (tipSet.Key == lighterKey && lighterHeld.TrySetResult())
                {
                    await heavierFinished.Task.WaitAsync(ct);
                }
            }),
        };
        await using var cluster = SyncTestCluster.Create(3, seed: 8, options: options);
        TipSet lighter = cluster.Builder.AddTipSet(cluster.Genesis, blocks: 1);

        // A null round first: at the same height on the same parent the two would be neighbours, which the tracker
        // merges (and here refuses, as the builder reuses miner ids across tipsets).
        TipSet heavier = cluster.Builder.AddTipSet(cluster.Genesis, blocks: 3, nullRoundsBefore: 1);
        lighterKey = lighter.Key;
        await cluster.SeedAsync(cluster[0], lighter);
        await cluster.SeedAsync(cluster[1], heavier);
        SyncTestNode follower = cluster[2];
        follower.Dispatcher.SyncFinished += (_, e) =>
        {
            if (e.Target.Head.Key == heavier.Key)
            {
                heavierFinished.TrySetResult();
            }
            else if (e.Target.Head.Key == lighter.Key)
            {
                lighterFinished.TrySetResult();
            }
        };
        await cluster.StartAsync(TestGuard.Token());
        follower.Dispatcher.SetConcurrent(2);

        cluster.Connect(0, 2);
        await lighterHeld.Task.WaitAsync(TestGuard.Token());
        cluster.Connect(1, 2);
        await heavierFinished.Task.WaitAsync(TestGuard.Token());
        await lighterFinished.Task.WaitAsync(TestGuard.Token());

        Assert.Equal(2, follower.SyncReports.Count(r => r.Result.Kind == SyncOutcomeKind.Completed));
        Assert.Equal(heavier, await follower.GetHeadAsync());
    }
}
