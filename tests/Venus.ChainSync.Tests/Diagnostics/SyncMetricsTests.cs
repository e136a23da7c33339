using Venus.ChainSync.Network;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Venus.ChainSync.Diagnostics;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Testing;
using Venus.ChainSync.Tests.Dispatching;
using Venus.ChainSync.Tests.Sync;

namespace Venus.ChainSync.Tests.Diagnostics;

/// <summary>The engine's instruments, read the way an operator's exporter reads them.</summary>
public sealed class SyncMetricsTests : IDisposable
{
    private readonly TestMeterFactory _meters = new();

    public void Dispose() => _meters.Dispose();

    [Fact]
    public async Task A_catch_up_counts_every_executed_tipset_and_reports_the_head_height()
    {
        using var executed = new MetricCollector<long>(_meters, ChainSyncDiagnostics.Name, "venus.chainsync.tipsets.executed");
        using var height = new MetricCollector<long>(_meters, ChainSyncDiagnostics.Name, "venus.chainsync.head.height");
        var world = new SyncerFixture(metrics: new SyncMetrics(_meters));
        IReadOnlyList<TipSet> chain = world.Chain.AddChain(world.Genesis, 25, new TipSetSpec(Blocks: 2, BlsMessages: 1));

        Assert.Equal(SyncOutcomeKind.Completed, (await world.SyncAsync(chain[^1])).Kind);

        Assert.Equal(25, executed.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(chain[^1].Height, height.LastMeasurement!.Value);

        // The head moves as the chain is executed, not once at the end.
        Assert.Equal(25, height.GetMeasurementSnapshot().Count);
    }

    [Fact]
    public async Task Bad_tipsets_are_counted_once_per_finding_by_reason()
    {
        using var bad = new MetricCollector<long>(_meters, ChainSyncDiagnostics.Name, "venus.chainsync.bad_tipsets");
        var world = new SyncerFixture(metrics: new SyncMetrics(_meters));
        IReadOnlyList<TipSet> chain = world.Chain.AddChain(world.Genesis, 30);
        world.Executor.MarkInvalid(chain[9].Key);

        Assert.Equal(SyncOutcomeKind.Invalid, (await world.SyncAsync(chain[^1])).Kind);
        IReadOnlyList<TipSet> longer = world.Chain.AddChain(chain[^1], 3);
        Assert.Equal(SyncOutcomeKind.Invalid, (await world.SyncAsync(longer[^1])).Kind);

        // Twenty descendants were marked with the first finding; the count is of findings, each with a closed-set reason.
        IReadOnlyList<CollectedMeasurement<long>> findings = bad.GetMeasurementSnapshot();
        Assert.Equal(2, findings.Count);
        Assert.Equal(BadTipSetReasons.Execution, findings[0].Tags["reason"]);
        Assert.Equal(BadTipSetReasons.BadAncestor, findings[1].Tags["reason"]);
    }

    [Fact]
    public async Task The_dispatcher_reports_queued_and_active_targets_and_each_run_by_result()
    {
        using var duration = new MetricCollector<double>(_meters, ChainSyncDiagnostics.Name, "venus.chainsync.target.duration");
        using var queued = new MetricCollector<int>(_meters, ChainSyncDiagnostics.Name, "venus.chainsync.targets.queued");
        using var active = new MetricCollector<int>(_meters, ChainSyncDiagnostics.Name, "venus.chainsync.targets.active");
        var metrics = new SyncMetrics(_meters);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var executor = new TestTipSetExecutor(async (_, ct) =>
        {
            started.TrySetResult();
            await gate.Task.WaitAsync(ct);
        });
        var world = new SyncerFixture(executor: executor, metrics: metrics);
        IReadOnlyList<TipSet> main = world.Chain.AddChain(world.Genesis, 5);
        IReadOnlyList<TipSet> side = world.Chain.AddChain(world.Genesis, 4, new TipSetSpec(Blocks: 2));
        var tracker = new TargetTracker(TimeProvider.System, new TargetTrackerOptions());
        await using var dispatcher = new Dispatcher(
            tracker, world.Syncer, world.Store, TimeProvider.System, NullLogger<Dispatcher>.Instance, new DispatcherOptions(), metrics);
        var finished = new TaskCompletionSource<SyncFinishedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        int ended = 0;
        dispatcher.SyncFinished += (_, e) =>
        {
            if (Interlocked.Increment(ref ended) == 2)
            {
                finished.TrySetResult(e);
            }
        };
        dispatcher.Start();

        await dispatcher.SendAsync(IncomingTipSet.Gossip(world.Chain.GetFullTipSet(main[^1]), PeerId.ForName("peer"), PeerId.ForName("peer")), TestGuard.Token());
        await started.Task.WaitAsync(TestGuard.Token());
        await dispatcher.SendAsync(IncomingTipSet.Gossip(world.Chain.GetFullTipSet(side[^1]), PeerId.ForName("peer"), PeerId.ForName("peer")), TestGuard.Token());
        await DispatcherHarness.UntilAsync(() => tracker.Count == 2);

        queued.RecordObservableInstruments();
        active.RecordObservableInstruments();
        Assert.Equal(1, queued.LastMeasurement!.Value);
        Assert.Equal(1, active.LastMeasurement!.Value);

        gate.SetResult();
        await finished.Task.WaitAsync(TestGuard.Token());
        IReadOnlyList<CollectedMeasurement<double>> runs = duration.GetMeasurementSnapshot();
        Assert.Equal(2, runs.Count);
        Assert.All(runs, r => Assert.True(r.Value >= 0));
        Assert.Equal(["completed", "completed"], runs.Select(r => (string)r.Tags["result"]!).Order());
    }
}
