using Venus.ChainSync.Primitives;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Benchmarks;

/// <summary>Where a catch-up's time goes: per-port sums on the real network, and the engine alone on a replayed exchange.</summary>
internal static partial class CatchUpConsole
{
    private const int ReplaySamples = 3;

    /// <summary>
    /// One real catch-up with every port timed (its exchange answers recorded), decode + hash of the same responses,
    /// then <see cref="ReplaySamples"/> catch-ups on fresh stores whose exchange answers from the recording.
    /// </summary>
    private static async Task<Split> SplitScenarioAsync(int length, TipSetSpec spec, SyncerOptions options)
    {
        await using World world = World.Build(length, spec);
        var recording = new ExchangeRecording();
        var realTimers = new PortTimers();
        CatchUpRun real = await world.CatchUpAsync(new TestTipSetExecutor(), sampleMemory: false, new Ports(realTimers, Record: recording));
        Console.WriteLine(Invariant($"  split ({Environment.ProcessorCount} core(s)): real catch-up {real.Elapsed.TotalSeconds:F2} s, header phase {real.HeaderPhase.TotalSeconds:F2} s."));
        DecodeHash decode = await world.DecodeAndHashAsync(options);

        var replays = new List<ReplaySample>();
        for (int i = 0; i < ReplaySamples; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            var timers = new PortTimers();
            CatchUpRun replay = await world.CatchUpAsync(new TestTipSetExecutor(), sampleMemory: false, new Ports(timers, Replay: recording));
            replays.Add(new ReplaySample(replay, timers.Snapshot()));
            Console.WriteLine(Invariant($"  replay {i + 1}: {replay.Elapsed.TotalSeconds:F2} s (header phase {replay.HeaderPhase.TotalSeconds:F2} s)."));
        }

        return new Split(Environment.ProcessorCount, real, realTimers.Snapshot(), decode, [.. replays], CheckMessageRootsAgain(recording));
    }

    /// <summary>
    /// The work of the syncer's own message-root check (Syncer.CheckMessageRoots, in its fetch task) redone here on
    /// the recorded answers, CIDs already cached as they are when the syncer runs it: what the second check costs on
    /// top of the one the exchange client has already made.
    /// </summary>
    private static TimeSpan CheckMessageRootsAgain(ExchangeRecording recording)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        foreach (IReadOnlyList<FullTipSet> segment in recording.Messages.Values)
        {
            foreach (FullTipSet tipSet in segment)
            {
                foreach (FullBlock block in tipSet.Blocks)
                {
                    if (!MessageRoot.Matches(block.Header, [.. block.BlsMessages.Select(m => m.Cid)], [.. block.SecpkMessages.Select(m => m.Cid)]))
                    {
                        throw new InvalidOperationException("a recorded answer does not match its message root");
                    }
                }
            }
        }

        return System.Diagnostics.Stopwatch.GetElapsedTime(start);
    }

    private static readonly string[] HostPorts = ["store", "validator", "weigher", "executor"];

    private static void PrintSplit(string name, int tipSets, Split split)
    {
        ReplaySample median = split.Replays.OrderBy(r => r.Run.Elapsed).ElementAt(split.Replays.Length / 2);
        double total = split.Real.Elapsed.TotalMilliseconds;
        double replayWall = median.Run.Elapsed.TotalMilliseconds;
        double hostInReplay = median.Ports.Ports(HostPorts).TotalMilliseconds;
        double exchangeInReplay = median.Ports.Port("exchange").TotalMilliseconds;
        double engine = replayWall - hostInReplay - exchangeInReplay;

        Console.WriteLine(Invariant($"### {name}, {tipSets} tipsets, {split.Cores} core(s)"));
        Console.WriteLine();
        Console.WriteLine(Invariant($"Real catch-up {total:F0} ms ({tipSets / split.Real.Elapsed.TotalSeconds:F0} tipsets/s; header phase {split.Real.HeaderPhase.TotalMilliseconds:F0} ms; GCs {split.Real.Gen0}/{split.Real.Gen1}/{split.Real.Gen2}). Replay walls: {string.Join(", ", split.Replays.Select(r => Invariant($"{r.Run.Elapsed.TotalMilliseconds:F0}")))} ms; median {replayWall:F0} ms (header phase {median.Run.HeaderPhase.TotalMilliseconds:F0} ms; GCs {median.Run.Gen0}/{median.Run.Gen1}/{median.Run.Gen2}; message requests answered from the builder, not the recording: {median.Run.ReplayFallbacks})."));
        Console.WriteLine();
        Console.WriteLine("| port · method | real: calls | real: ms | real: % of real total | replay (median): calls | replay: ms | replay: % of real total |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (PortSplit.Entry entry in split.RealPorts.Entries)
        {
            PortSplit.Entry replayed = median.Ports.Entries.First(e => e.Port == entry.Port && e.Method == entry.Method);
            if (entry.Calls == 0 && replayed.Calls == 0)
            {
                continue;
            }

            Console.WriteLine(Invariant($"| {entry.Port} · {entry.Method} | {entry.Calls} | {entry.Elapsed.TotalMilliseconds:F0} | {entry.Elapsed.TotalMilliseconds / total:P1} | {replayed.Calls} | {replayed.Elapsed.TotalMilliseconds:F0} | {replayed.Elapsed.TotalMilliseconds / total:P1} |"));
        }

        Console.WriteLine();
        Console.WriteLine("| share of the real catch-up | ms | % of total |");
        Console.WriteLine("|---|---:|---:|");
        Row("**total (real catch-up, wall)**", total);
        Row("decode + hash (inside the exchange; same responses asked again)", split.Decode.Elapsed.TotalMilliseconds);
        Row("exchange: server + transport + client, as the syncer awaits it (real run, summed; overlaps execution)", split.RealPorts.Port("exchange").TotalMilliseconds);
        Row("store (replay, median)", median.Ports.Port("store").TotalMilliseconds);
        Row("executor (replay)", median.Ports.Port("executor").TotalMilliseconds);
        Row("validator (replay)", median.Ports.Port("validator").TotalMilliseconds);
        Row("weigher (replay)", median.Ports.Port("weigher").TotalMilliseconds);
        Row("**engine = replay wall − store − executor − validator − weigher − replay exchange**", engine);
        Row("  of which the syncer's second message-root check (redone alone)", split.CheckRoots.TotalMilliseconds);
        Console.WriteLine();
        Console.WriteLine(Invariant($"Engine's own overhead: {engine:F0} ms of {total:F0} ms = {engine / total:P1} of the real catch-up ({(engine < total / 2 ? "under" : "not under")} half). Engine + store + executor + validator + weigher (the replay wall) = {replayWall / total:P1}."));
        Console.WriteLine();

        void Row(string what, double ms) => Console.WriteLine(Invariant($"| {what} | {ms:F0} | {ms / total:P1} |"));
    }

    private sealed record ReplaySample(CatchUpRun Run, PortSplit Ports);

    private sealed record Split(int Cores, CatchUpRun Real, PortSplit RealPorts, DecodeHash Decode, ReplaySample[] Replays, TimeSpan CheckRoots);
}
