using System.Diagnostics;
using System.Diagnostics.Metrics;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Diagnostics;

/// <summary>
/// Instruments of the sync engine, on the shared <c>Venus.ChainSync</c> meter: what a node operator charts to see
/// whether the node keeps up. Tags come from closed sets only (<c>result</c>: the outcome names; <c>reason</c>: the
/// <see cref="BadTipSetReasons"/>), never CIDs, heights or peer ids.
/// </summary>
/// <remarks>
/// One instance per node: the <see cref="Dispatcher"/> reports targets and their durations, the <see cref="Syncer"/>
/// reports executed tipsets, the head and bad tipsets. Both take it as an optional constructor argument; without it
/// nothing is measured.
/// </remarks>
public sealed class SyncMetrics
{
    private readonly Histogram<double> _targetDuration;
    private readonly Counter<long> _tipSetsExecuted;
    private readonly Gauge<long> _headHeight;
    private readonly Counter<long> _badTipSets;
    private readonly Counter<long> _announcementsDropped;
    private readonly Lock _gate = new();
    private Func<(int Queued, int Active)>? _targets;

    /// <summary>Creates the instruments on the meter named <see cref="ChainSyncDiagnostics.Name"/> from <paramref name="meterFactory"/>.</summary>
    public SyncMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        Meter meter = meterFactory.Create(ChainSyncDiagnostics.Name);
        meter.CreateObservableGauge("venus.chainsync.targets.queued", () => ObserveTargets(active: false), "{target}", "Sync targets waiting in the tracker.");
        meter.CreateObservableGauge("venus.chainsync.targets.active", () => ObserveTargets(active: true), "{target}", "Syncs running now.");
        _targetDuration = meter.CreateHistogram<double>("venus.chainsync.target.duration", "s", "Duration of each sync run, by result.");
        _tipSetsExecuted = meter.CreateCounter<long>("venus.chainsync.tipsets.executed", "{tipset}", "Tipsets validated and executed by the syncer.");
        _headHeight = meter.CreateGauge<long>("venus.chainsync.head.height", "{epoch}", "Height of the head the syncer last set.");
        _badTipSets = meter.CreateCounter<long>("venus.chainsync.bad_tipsets", "{tipset}", "Tipsets found bad, by reason (descendants marked with them are not counted).");
        _announcementsDropped = meter.CreateCounter<long>("venus.chainsync.announcements.dropped", "{announcement}", "Announced heads pushed out of the dispatcher's full queue.");
    }

    /// <summary>Records one ended sync run and its result tag (<c>completed</c>, <c>refused</c>, <c>invalid</c>, <c>failed</c>, <c>cancelled</c> or <c>requeued</c>).</summary>
    internal void TargetFinished(string result, TimeSpan duration) =>
        _targetDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("result", result));

    /// <summary>Records one executed tipset.</summary>
    internal void TipSetExecuted() => _tipSetsExecuted.Add(1);

    /// <summary>Records the head the syncer set.</summary>
    internal void HeadSet(TipSet head) => _headHeight.Record(head.Height);

    /// <summary>Records one tipset found bad, with a tag from <see cref="BadTipSetReasons"/>.</summary>
    internal void TipSetBad(string reason) => _badTipSets.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>Records one announcement dropped from the dispatcher's full queue.</summary>
    internal void AnnouncementDropped() => _announcementsDropped.Add(1);

    /// <summary>Makes the target gauges read <paramref name="targets"/> (the dispatcher that owns the tracker).</summary>
    internal void ObserveTargets(Func<(int Queued, int Active)> targets)
    {
        lock (_gate)
        {
            _targets = targets;
        }
    }

    private IEnumerable<Measurement<int>> ObserveTargets(bool active)
    {
        Func<(int Queued, int Active)>? targets;
        lock (_gate)
        {
            targets = _targets;
        }

        if (targets is null)
        {
            return [];
        }

        (int queued, int running) = targets();
        return [new Measurement<int>(active ? running : queued)];
    }

    /// <summary>The result tag of a finished run.</summary>
    internal static string ResultTag(SyncOutcomeKind kind, bool requeued) => requeued ? "requeued" : kind switch
    {
        SyncOutcomeKind.Completed => "completed",
        SyncOutcomeKind.Refused => "refused",
        SyncOutcomeKind.Invalid => "invalid",
        SyncOutcomeKind.Failed => "failed",
        SyncOutcomeKind.Cancelled => "cancelled",
        _ => "unknown",
    };
}

/// <summary>The closed set of <c>reason</c> tags of <c>venus.chainsync.bad_tipsets</c>.</summary>
public static class BadTipSetReasons
{
    /// <summary>A block names a parent state or receipts root its parent did not produce.</summary>
    public const string ParentState = "parent_state";

    /// <summary>A block's timestamp is not its parent's plus the block delay per epoch.</summary>
    public const string Timestamp = "timestamp";

    /// <summary>A block holds more messages than the per-block limit.</summary>
    public const string MessageLimit = "message_limit";

    /// <summary>The host's <see cref="IBlockValidator"/> gave a permanent verdict.</summary>
    public const string Validator = "validator";

    /// <summary>The host's <see cref="ITipSetExecutor"/> refused the tipset.</summary>
    public const string Execution = "execution";

    /// <summary>A tipset holds two blocks of one miner.</summary>
    public const string DoubleMining = "double_mining";

    /// <summary>The chain descends from a block already known bad.</summary>
    public const string BadAncestor = "bad_ancestor";

    /// <summary>The chain leads to another genesis.</summary>
    public const string OtherGenesis = "other_genesis";
}
