using Venus.ChainSync.Primitives;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Benchmarks;

/// <summary>
/// Pipelining: segments long enough that fetching one takes tens of milliseconds, and an executor that waits about as
/// long per segment, so that overlap (or its absence) is far above timer granularity.
/// </summary>
internal static partial class CatchUpConsole
{
    private const int PipelineSamples = 3;

    private static async Task<Pipeline> PipelineScenarioAsync(int length, int segmentLength)
    {
        var options = new SyncerOptions { SegmentLength = segmentLength };
        await using World world = World.Build(length, FullSpec);

        var fetchOnly = new List<FetchSample>();
        for (int i = 0; i < PipelineSamples; i++)
        {
            (TimeSpan headers, TimeSpan segments, int count) = await world.FetchOnlyAsync(options);
            fetchOnly.Add(new FetchSample(headers, segments, count));
        }

        // One wait per segment, on its last height (segments start just above a multiple of the segment length as long
        // as it divides the header window and the chain's length), as long as the median fetch of one segment.
        TimeSpan perSegment = Median(fetchOnly.Select(f => f.Segments / f.Count));
        int segmentCount = fetchOnly[0].Count;
        ValueTask Hook(FullTipSet tipSet, CancellationToken cancellationToken) =>
            tipSet.Height % segmentLength == 0 ? new ValueTask(Task.Delay(perSegment, cancellationToken)) : ValueTask.CompletedTask;

        var executeOnly = new List<TimeSpan>();
        for (int i = 0; i < PipelineSamples; i++)
        {
            executeOnly.Add(await world.ExecuteOnlyAsync(new TestTipSetExecutor(Hook)));
        }

        var recording = new ExchangeRecording();
        var instant = new List<PipelineRun>();
        var delayed = new List<PipelineRun>();
        for (int i = 0; i < PipelineSamples; i++)
        {
            instant.Add(await TimedRunAsync(new TestTipSetExecutor(), new Ports(new PortTimers(), Record: recording)));
            delayed.Add(await TimedRunAsync(new TestTipSetExecutor(Hook), new Ports(new PortTimers())));
        }

        // The same with the answers replayed after a pure wait of the same length per message request: both stages are
        // waits of the same size, so the engine's overlap shows without the server and client competing with the
        // execute loop for the two cores.
        var replayFetch = new List<PipelineRun>();
        var replayExecute = new List<PipelineRun>();
        var replayBoth = new List<PipelineRun>();
        for (int i = 0; i < PipelineSamples; i++)
        {
            replayFetch.Add(await TimedRunAsync(new TestTipSetExecutor(), new Ports(new PortTimers(), Replay: recording, ReplayLatency: perSegment)));
            replayExecute.Add(await TimedRunAsync(new TestTipSetExecutor(Hook), new Ports(new PortTimers(), Replay: recording)));
            replayBoth.Add(await TimedRunAsync(new TestTipSetExecutor(Hook), new Ports(new PortTimers(), Replay: recording, ReplayLatency: perSegment)));
        }

        return new Pipeline(
            segmentLength, segmentCount, perSegment, [.. fetchOnly], [.. executeOnly], [.. instant], [.. delayed], [.. replayFetch], [.. replayExecute], [.. replayBoth]);

        async Task<PipelineRun> TimedRunAsync(TestTipSetExecutor executor, Ports ports)
        {
            CatchUpRun run = await world.CatchUpAsync(executor, sampleMemory: false, ports, options);
            PortSplit split = ports.Timers.Snapshot();
            return new PipelineRun(run.Elapsed, run.HeaderPhase, split.Entries.First(e => e.Method == "GetChainMessagesAsync").Elapsed, split.Port("executor"));
        }
    }

    private static void PrintPipeline(int tipSets, Pipeline p)
    {
        TimeSpan fetchHeaders = Median(p.FetchOnly.Select(f => f.Headers));
        TimeSpan fetchSegments = Median(p.FetchOnly.Select(f => f.Segments));
        TimeSpan execute = Median(p.ExecuteOnly);
        TimeSpan delayedTotal = Median(p.Delayed.Select(r => r.Total));
        TimeSpan delayedForward = Median(p.Delayed.Select(r => r.Total - r.HeaderPhase));
        TimeSpan instantForward = Median(p.Instant.Select(r => r.Total - r.HeaderPhase));
        TimeSpan sum = fetchSegments + execute;
        TimeSpan max = Max(fetchSegments, execute);

        // A perfect two-stage pipeline still fetches the first segment before anything runs and runs the last after
        // everything is fetched: max + one segment of the smaller stage.
        TimeSpan fill = (fetchSegments < execute ? fetchSegments : execute) / p.Segments;

        Console.WriteLine(Invariant($"## 4. Pipelining ({tipSets} full tipsets, segment length {p.SegmentLength} → {p.Segments} segments; executor waits {p.SegmentDelay.TotalMilliseconds:F1} ms (Task.Delay) on the last height of every segment = the median fetch of one segment; {PipelineSamples} samples each, median first)"));
        Console.WriteLine();
        Console.WriteLine("| measure | median s | samples s |");
        Console.WriteLine("|---|---:|---|");
        Line("fetch-only: header windows (client alone, sequential)", p.FetchOnly.Select(f => f.Headers));
        Line("**fetch-only: message segments** (client alone, sequential)", p.FetchOnly.Select(f => f.Segments));
        Line("**execute-only**: every tipset through the delayed executor, sequential", p.ExecuteOnly);
        Line("catch-up, instant executor: total", p.Instant.Select(r => r.Total));
        Line("catch-up, instant executor: forward phase (total − header phase)", p.Instant.Select(r => r.Total - r.HeaderPhase));
        Line("catch-up, delayed executor: total", p.Delayed.Select(r => r.Total));
        Line("catch-up, delayed executor: header phase", p.Delayed.Select(r => r.HeaderPhase));
        Line("**catch-up, delayed executor: forward phase**", p.Delayed.Select(r => r.Total - r.HeaderPhase));
        Line("  in it, message requests as the syncer awaited them (summed)", p.Delayed.Select(r => r.MessageFetch));
        Line("  in it, executor calls (summed)", p.Delayed.Select(r => r.Executor));
        Console.WriteLine(Invariant($"| sum: segments + execute (no overlap) | {sum.TotalSeconds:F3} | |"));
        Console.WriteLine(Invariant($"| max: max(segments, execute) | {max.TotalSeconds:F3} | |"));
        Console.WriteLine(Invariant($"| max + one segment of fill | {(max + fill).TotalSeconds:F3} | |"));
        Console.WriteLine();
        double hidden = (sum - delayedForward).TotalSeconds / Math.Max(1e-9, (sum - max).TotalSeconds);
        Console.WriteLine(Invariant($"Forward phase with the delayed executor {delayedForward.TotalSeconds:F3} s (instant {instantForward.TotalSeconds:F3} s) against sum {sum.TotalSeconds:F3} s and max {max.TotalSeconds:F3} s: {hidden:P0} of what perfect overlap could hide (sum − measured) / (sum − max); total {delayedTotal.TotalSeconds:F3} s."));
        TimeSpan delays = Median(p.ExecuteOnly);
        Console.WriteLine(Invariant($"Against the instant catch-up: no overlap would be instant forward + executor waits = {(instantForward + delays).TotalSeconds:F3} s; perfect overlap max(instant forward, executor waits) = {Max(instantForward, delays).TotalSeconds:F3} s; measured {delayedForward.TotalSeconds:F3} s."));
        Console.WriteLine();
        Console.WriteLine(Invariant($"### Replayed answers: each message request waits {p.SegmentDelay.TotalMilliseconds:F1} ms (Task.Delay) instead of going to the server"));
        Console.WriteLine();
        Console.WriteLine("| forward phase (total − header phase) | median s | samples s |");
        Console.WriteLine("|---|---:|---|");
        Line("fetch-only: waiting fetch, instant executor", p.ReplayFetch.Select(r => r.Total - r.HeaderPhase));
        Line("execute-only: instant fetch, waiting executor", p.ReplayExecute.Select(r => r.Total - r.HeaderPhase));
        Line("**both waiting**", p.ReplayBoth.Select(r => r.Total - r.HeaderPhase));
        TimeSpan rf = Median(p.ReplayFetch.Select(r => r.Total - r.HeaderPhase));
        TimeSpan re = Median(p.ReplayExecute.Select(r => r.Total - r.HeaderPhase));
        TimeSpan rb = Median(p.ReplayBoth.Select(r => r.Total - r.HeaderPhase));
        Console.WriteLine(Invariant($"| sum (no overlap) | {(rf + re).TotalSeconds:F3} | |"));
        Console.WriteLine(Invariant($"| max (perfect overlap) | {Max(rf, re).TotalSeconds:F3} | |"));
        Console.WriteLine(Invariant($"| max + one segment of fill | {(Max(rf, re) + (p.SegmentDelay)).TotalSeconds:F3} | |"));
        Console.WriteLine();
        Console.WriteLine(Invariant($"Measured {rb.TotalSeconds:F3} s = {rb / Max(rf, re):F2}× the max and {rb / (rf + re):F2}× the sum; {((rf + re) - rb).TotalSeconds / Math.Max(1e-9, (rf + re - Max(rf, re)).TotalSeconds):P0} of what perfect overlap could hide."));
        Console.WriteLine();

        static void Line(string what, IEnumerable<TimeSpan> samples)
        {
            TimeSpan[] all = [.. samples];
            Console.WriteLine(Invariant($"| {what} | {Median(all).TotalSeconds:F3} | {string.Join(" / ", all.Select(s => Invariant($"{s.TotalSeconds:F3}")))} |"));
        }
    }

    private static TimeSpan Median(IEnumerable<TimeSpan> samples)
    {
        TimeSpan[] sorted = [.. samples.Order()];
        return sorted[sorted.Length / 2];
    }

    private sealed record FetchSample(TimeSpan Headers, TimeSpan Segments, int Count);

    private sealed record PipelineRun(TimeSpan Total, TimeSpan HeaderPhase, TimeSpan MessageFetch, TimeSpan Executor);

    private sealed record Pipeline(
        int SegmentLength,
        int Segments,
        TimeSpan SegmentDelay,
        FetchSample[] FetchOnly,
        TimeSpan[] ExecuteOnly,
        PipelineRun[] Instant,
        PipelineRun[] Delayed,
        PipelineRun[] ReplayFetch,
        PipelineRun[] ReplayExecute,
        PipelineRun[] ReplayBoth);
}
