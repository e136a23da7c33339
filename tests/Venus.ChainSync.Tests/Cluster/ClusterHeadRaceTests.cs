using System.Numerics;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Tests.Cluster;

/// <summary>Two concurrent syncs racing to move the head.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterHeadRaceTests
{
    [Fact(Skip = "Engine race (Syncer.ApplyAsync): the head is read, weighed and set without serialisation, so a sync " +
        "that read the head before a concurrent sync moved it to a heavier tipset sets its own lighter tipset over it. " +
        "The node then stays on the lighter head: the heavier target is complete and its re-announcement is refused as " +
        "'already known with state'. Reproduced every run: the head ends on the lighter @1 tipset. Needs the " +
        "read-compare-set to be atomic (per store or per syncer).")]
    public async Task A_lighter_sync_that_read_the_head_before_a_heavier_one_moved_it_does_not_move_the_head_back()
    {
        TipSetKey? lighterKey = null;
        var lighterWeighing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var heavierFinished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var lighterFinished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new SyncTestClusterOptions
        {
            // The follower's syncer, about to compare the lighter tipset with the head it has just read, waits there
            // until the heavier sync has moved the head and ended.
            WeigherFactory = (i, weigher) => i != 2 ? weigher : new HoldingWeigher(weigher, tipSet =>
            {
                if (tipSet.Key != lighterKey || !lighterWeighing.TrySetResult())
                {
                    return Task.CompletedTask;
                }

                return heavierFinished.Task;
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
        await lighterWeighing.Task.WaitAsync(TestGuard.Token());
        cluster.Connect(1, 2);
        await heavierFinished.Task.WaitAsync(TestGuard.Token());
        await lighterFinished.Task.WaitAsync(TestGuard.Token());

        Assert.Equal(2, follower.SyncReports.Count(r => r.Result.Kind == SyncOutcomeKind.Completed));
        Assert.Equal(heavier, await follower.GetHeadAsync());
    }

    /// <summary>Weighs as <c>inner</c> does, after awaiting <c>hold</c> for the tipset.</summary>
    private sealed class HoldingWeigher(IChainWeigher inner, Func<TipSet, Task> hold) : IChainWeigher
    {
        public async ValueTask<BigInteger> WeightAsync(TipSet tipSet, CancellationToken cancellationToken)
        {
            await hold(tipSet).WaitAsync(cancellationToken);
            return await inner.WeightAsync(tipSet, cancellationToken);
        }
    }
}
