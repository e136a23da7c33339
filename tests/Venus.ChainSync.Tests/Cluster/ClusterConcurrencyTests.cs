using System.Threading.Channels;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Tests.Cluster;

/// <summary>
/// <see cref="Dispatcher.SetConcurrent"/> end to end: four producers on four branches from genesis (each heavier than
/// the one before) and a follower that syncs to them at once.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterConcurrencyTests
{
    private const int Producers = 4;
    private const int Follower = Producers;

    [Fact]
    public async Task Four_concurrent_syncs_to_four_branches_end_on_the_heaviest_and_stop_leaves_nothing_running()
    {
        await using var gated = new GatedFollower();
        TipSet[] tips = await gated.StartWithBranchesAsync();
        await gated.AdmitAllAsync();

        Assert.Equal(Producers, gated.Node.Dispatcher.Running.Length);
        gated.Release();
        await gated.Cluster.WaitForHeadAsync(gated.Node, tips[^1].Key, TestGuard.Token());
        await gated.Node.Dispatcher.StopAsync(TestGuard.Token());

        Assert.Empty(gated.Node.Dispatcher.Running);
        Assert.Equal(tips[^1], await gated.Node.GetHeadAsync());
        Assert.Equal(gated.Cluster.Builder.StateOf(tips[^1]), await gated.Node.Store.GetStateAsync(tips[^1].Key, TestGuard.Token()));
        Assert.Contains(gated.Node.SyncReports, r => r.Result.Kind == SyncOutcomeKind.Completed && r.Target.Head.Key == tips[^1].Key);
        Assert.DoesNotContain(gated.Node.SyncReports, r => r.Result.Kind is SyncOutcomeKind.Invalid or SyncOutcomeKind.Failed);
    }

    [Fact]
    public async Task Lowering_concurrency_to_one_requeues_the_three_newest_syncs_and_the_follower_still_ends_on_the_heaviest()
    {
        await using var gated = new GatedFollower();
        TipSet[] tips = await gated.StartWithBranchesAsync();
        await gated.AdmitAllAsync();

        gated.Node.Dispatcher.SetConcurrent(1);
        gated.Release();
        await gated.Cluster.WaitForHeadAsync(gated.Node, tips[^1].Key, TestGuard.Token());
        await gated.Node.Dispatcher.StopAsync(TestGuard.Token());

        Assert.Empty(gated.Node.Dispatcher.Running);
        Assert.Equal(tips[^1], await gated.Node.GetHeadAsync());

        // The newest three were started for branches 1, 2 and 3 (admitted in that order); branch 0's run went on.
        Assert.Equal(
            tips[1..].Select(t => t.Key).ToHashSet(),
            gated.Node.SyncReports.Where(r => r.Requeued).Select(r => r.Target.Head.Key).ToHashSet());
        Assert.All(gated.Node.SyncReports.Where(r => r.Requeued), r => Assert.Equal(SyncOutcomeKind.Cancelled, r.Result.Kind));
    }

    [Fact]
    public async Task Stopping_with_four_syncs_in_execution_cancels_and_requeues_them_all()
    {
        await using var gated = new GatedFollower();
        await gated.StartWithBranchesAsync();
        await gated.AdmitAllAsync();

        await gated.Node.Dispatcher.StopAsync(TestGuard.Token());

        Assert.Empty(gated.Node.Dispatcher.Running);
        Assert.Equal(Producers, gated.Node.SyncReports.Count(r => r.Requeued));

        // Each sync was held in its first execution, so no tipset above the first of a branch was reached; that first
        // one is valid (its parent, genesis, has state) and may have become the head before its own execution.
        TipSet head = await gated.Node.GetHeadAsync();
        Assert.True(head == gated.Cluster.Genesis || head.Parents == gated.Cluster.Genesis.Key, $"head {head}");
    }

    /// <summary>
    /// A cluster of four producers and a follower at concurrency 4 whose executor holds every execution until
    /// <see cref="Release"/>, reporting each held one: a sync blocked in its first execution is surely running.
    /// </summary>
    private sealed class GatedFollower : IAsyncDisposable
    {
        private readonly Channel<TipSetKey> _held = Channel.CreateUnbounded<TipSetKey>();
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public GatedFollower()
        {
            Cluster = SyncTestCluster.Create(Producers + 1, seed: 7, options: new SyncTestClusterOptions
            {
                ExecutorFactory = i => i == Follower ? new TestTipSetExecutor(HoldAsync) : new TestTipSetExecutor(),
            });
        }

        public SyncTestCluster Cluster { get; }

        public SyncTestNode Node => Cluster[Follower];

        /// <summary>Seeds producer p with a branch from genesis of 10 + 5p tipsets of 1 + p blocks, starts, raises the follower to 4.</summary>
        public async Task<TipSet[]> StartWithBranchesAsync()
        {
            var tips = new TipSet[Producers];
            for (int p = 0; p < Producers; p++)
            {
                tips[p] = Cluster.Builder.AddChain(Cluster.Genesis, 10 + (5 * p), new TipSetSpec(Blocks: 1 + p, BlsMessages: p % 2))[^1];
                await Cluster.SeedAsync(Cluster[p], tips[p]);
            }

            for (int p = 1; p < Producers; p++)
            {
                Assert.True(tips[p].ParentWeight > tips[p - 1].ParentWeight);
            }

            await Cluster.StartAsync(TestGuard.Token());
            Node.Dispatcher.SetConcurrent(Producers);
            return tips;
        }

        /// <summary>
        /// Connects the producers to the follower lightest first, each once the previous branch's sync is held in
        /// execution: a lighter head arriving after a heavier one would be refused by the tracker.
        /// </summary>
        public async Task AdmitAllAsync()
        {
            for (int p = 0; p < Producers; p++)
            {
                Cluster.Connect(p, Follower);
                await _held.Reader.ReadAsync(TestGuard.Token());
            }
        }

        public void Release() => _release.TrySetResult();

        public ValueTask DisposeAsync() => Cluster.DisposeAsync();

        private async ValueTask HoldAsync(FullTipSet tipSet, CancellationToken cancellationToken)
        {
            if (!_release.Task.IsCompleted)
            {
                _held.Writer.TryWrite(tipSet.Key);
                await _release.Task.WaitAsync(cancellationToken);
            }
        }
    }
}
