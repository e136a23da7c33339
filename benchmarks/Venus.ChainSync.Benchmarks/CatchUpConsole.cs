using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Venus.ChainSync.Exchange;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Benchmarks;

/// <summary>
/// End-to-end catch-up of a fresh node from one server over the real <see cref="ChainExchangeClient"/> and
/// <see cref="ChainExchangeServer"/> on the <see cref="InMemoryNetwork"/>, with the <see cref="TestTipSetExecutor"/>
/// (<c>dotnet run -c Release -- catchup [--tipsets N] [--headers-tipsets N] [--pipeline-tipsets N] [--pipeline-segment N]
/// [--sections memory,split,pipeline]</c>).
/// </summary>
/// <remarks>
/// <para>Not a BenchmarkDotNet benchmark: each scenario runs in a child process after one small warm-up run, timed
/// with <see cref="Stopwatch"/>; the throughput and memory runs are single samples, the replays and pipelining runs
/// three samples each (median reported).</para>
/// <para>Decode + hash: after the catch-up, the harness asks the server raw for the same windows the syncer asked
/// (header windows of up to 900 from the target down, then message segments of
/// <see cref="SyncerOptions.SegmentLength"/> inside chunks of <see cref="SyncerOptions.HeaderWindow"/>, oldest first)
/// and times only <see cref="ExchangeResponse.Decode"/> plus the CID of every header and message of each response.</para>
/// <para>Split (where the time goes): every port the syncer calls (store, exchange, validator, weigher, executor) is
/// wrapped in a decorator that sums, per method, the time from the call to the completion of its task and counts the
/// calls (<see cref="PortTimers"/>). One real catch-up is timed that way and its exchange answers are recorded; then the
/// same catch-up runs three times on fresh stores with a <see cref="ReplayExchange"/> that hands back the recorded
/// answers at once, so server, transport and client cost nothing. The replay's wall time is engine + store + validator
/// + weigher + executor; subtracting their summed port times leaves the engine's own work. The fetch task and the
/// execute loop run at the same time, so on two cores port sums can add up to more than the wall time and the
/// subtraction can hide engine work behind store work; the split therefore also runs pinned to one core
/// (<c>taskset -c 0</c>), where nothing overlaps and the in-memory ports complete synchronously, so their elapsed time
/// is their own work. The exchange's summed time in the real run includes waiting for the server and, on one core,
/// whatever ran meanwhile; it is reported but not subtracted from anything.</para>
/// <para>Memory: the chain (server side) is built first; then a full blocking compacting GC and
/// <see cref="GC.GetTotalMemory(bool)"/> give the baseline. During the catch-up a sampler reads every 50 ms
/// <see cref="GC.GetTotalMemory(bool)"/> (allocated, garbage included: the peak the heap reached) and the heap size
/// after the most recent GC from <see cref="GC.GetGCMemoryInfo(GCKind)"/> (what survived a collection). Both are
/// reported above the baseline. Server-side transient allocations (encoding responses) are in the same process and
/// cannot be separated; the <see cref="InMemoryChainStore"/> of the fresh node (every header, message and state it
/// keeps) is client side and grows with the chain by design, so the memory retained after the catch-up (full GC,
/// store alive) is reported too: the peak above that is the engine's working set.</para>
/// <para>Pipelining: segments of <c>--pipeline-segment</c> tipsets (100 by default, so one segment's fetch takes tens
/// of milliseconds, far above timer granularity), the fetch of one segment measured with the client alone, and an
/// executor that waits that long (<see cref="Task.Delay(TimeSpan, CancellationToken)"/>, real time) on the last height
/// of every segment. Reported: fetch-only, execute-only, their sum and max, and the catch-up's forward phase (total
/// minus the header phase, which ends at the first message request) with the instant and the waiting executor. On two
/// cores the real server and client compete with the execute loop for CPU, so a second set replays the recorded
/// answers after a pure wait of the same length per message request: both stages are then waits and the measurement
/// is of the engine's overlap alone.</para>
/// </remarks>
internal static partial class CatchUpConsole
{
    private const int BuildLimitSeconds = 180;
    private static readonly TimeSpan SampleEvery = TimeSpan.FromMilliseconds(50);
    private static readonly TipSetSpec FullSpec = new(Blocks: 5, BlsMessages: 8, SecpMessages: 8, SharedMessages: 2);
    private static readonly TipSetSpec HeadersSpec = new(Blocks: 1);
    private static readonly ReadLimits RawLimits = new(200L << 20, TimeSpan.FromMinutes(1), 0, TimeSpan.FromMinutes(5));

    private const string ResultPrefix = "RESULT:";

    public static async Task<int> RunAsync(string[] args)
    {
        int child = Array.IndexOf(args, "--scenario");
        if (child >= 0)
        {
            Scenario scenario = await RunScenarioAsync(
                args[child + 1], int.Parse(args[child + 2], CultureInfo.InvariantCulture), int.Parse(args[child + 3], CultureInfo.InvariantCulture));
            Console.WriteLine(ResultPrefix + JsonSerializer.Serialize(scenario));
            return 0;
        }

        int fullTipSets = Option(args, "--tipsets", 10_000);
        int headerTipSets = Option(args, "--headers-tipsets", 100_000);
        int pipelineTipSets = Option(args, "--pipeline-tipsets", 2_000);
        int pipelineSegment = Option(args, "--pipeline-segment", 100);
        int at = Array.IndexOf(args, "--sections");
        string[] sections = at >= 0 && at + 1 < args.Length ? args[at + 1].Split(',') : ["memory", "split", "pipeline"];
        var syncerOptions = new SyncerOptions();

        Console.WriteLine("# Catch-up console");
        Console.WriteLine();
        Console.WriteLine($"- {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}, {Environment.ProcessorCount} logical cores, {(GCSettings.IsServerGC ? "server" : "workstation")} GC (concurrent: {GCSettings.LatencyMode})");
        Console.WriteLine($"- syncer defaults: header window {syncerOptions.HeaderWindow}, segment {syncerOptions.SegmentLength}; full tipset = {FullSpec}; headers tipset = {HeadersSpec}");
        Console.WriteLine();

        // Every scenario runs in a child process of its own (warm-up included), so that no scenario's chain or
        // leftovers are on the heap of another's measurement.
        if (sections.Contains("memory"))
        {
            await MemorySectionsAsync(fullTipSets, headerTipSets);
        }

        if (sections.Contains("split"))
        {
            // Two cores (the machine) and one (taskset): on one core nothing overlaps, so replay wall − port time is
            // the engine's own work without the fetch task and the execute loop hiding each other.
            Console.WriteLine();
            Console.WriteLine("## 3. Where the catch-up's time goes (ports timed; engine from a replayed exchange)");
            Console.WriteLine();
            foreach (bool singleCore in new[] { false, true })
            {
                foreach ((string kind, string name, int length) in new[] { ("split-full", "5 blocks, ~100 msgs/tipset", fullTipSets), ("split-headers", "1 block, 0 msgs/tipset", headerTipSets) })
                {
                    Scenario run = await ChildAsync(kind, length, singleCore: singleCore);
                    Console.WriteLine();
                    PrintSplit(name, run.Length, run.Split!);
                }
            }
        }

        if (sections.Contains("pipeline"))
        {
            Scenario pipelineRun = await ChildAsync("pipeline", pipelineTipSets, pipelineSegment);
            Console.WriteLine();
            PrintPipeline(pipelineRun.Length, pipelineRun.Pipeline!);
        }

        return 0;
    }

    private static async Task MemorySectionsAsync(int fullTipSets, int headerTipSets)
    {
        Scenario fullRun = await ChildAsync("full", fullTipSets);
        Scenario headersRun = await ChildAsync("headers", headerTipSets);
        fullTipSets = fullRun.Length;
        headerTipSets = headersRun.Length;
        CatchUpRun full = fullRun.Run!;
        DecodeHash fullDecode = fullRun.Decode!;
        CatchUpRun headers = headersRun.Run!;
        DecodeHash headersDecode = headersRun.Decode!;

        Console.WriteLine();
        Console.WriteLine("## 1. End-to-end catch-up over ChainExchangeClient/Server on InMemoryNetwork (TestTipSetExecutor, no delay)");
        Console.WriteLine();
        Console.WriteLine("| chain | tipsets | requests | response MB | total s | tipsets/s | decode+hash s | decode+hash share | total − decode+hash |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        PrintThroughput("5 blocks, ~100 msgs/tipset", fullTipSets, full, fullDecode);
        PrintThroughput("1 block, 0 msgs/tipset", headerTipSets, headers, headersDecode);
        Console.WriteLine();
        Console.WriteLine("## 2. Managed memory during the catch-up (above the baseline taken after building the chain)");
        Console.WriteLine();
        Console.WriteLine("| chain | tipsets | peak allocated (GetTotalMemory(false), 50 ms samples) MB | peak heap after a GC MB | retained after catch-up (store) MB | peak − retained MB | GCs gen0/1/2 |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        PrintMemory("5 blocks, ~100 msgs/tipset", fullTipSets, full);
        PrintMemory("1 block, 0 msgs/tipset", headerTipSets, headers);
        Console.WriteLine();
        Console.WriteLine(Invariant($"Ratio headers-heavy / full: peak allocated {Ratio(headers.PeakAllocated, full.PeakAllocated)}, peak after GC {Ratio(headers.PeakAfterGc, full.PeakAfterGc)}, retained {Ratio(headers.Retained, full.Retained)}, peak − retained {Ratio(headers.PeakAllocated - headers.Retained, full.PeakAllocated - full.Retained)}."));
        Console.WriteLine();
    }

    /// <summary>Runs one scenario in a child process; <paramref name="singleCore"/> pins it to CPU 0 with <c>taskset</c>.</summary>
    private static async Task<Scenario> ChildAsync(string kind, int length, int segmentLength = 0, bool singleCore = false)
    {
        string self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var start = new ProcessStartInfo(singleCore ? "taskset" : self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (singleCore)
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("0");
            start.ArgumentList.Add(self);
        }

        if (string.Equals(Path.GetFileNameWithoutExtension(self), "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(CatchUpConsole).Assembly.Location);
        }

        foreach (string arg in new[] { "catchup", "--scenario", kind, length.ToString(CultureInfo.InvariantCulture), segmentLength.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start the scenario process");
        Scenario? result = null;
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith(ResultPrefix, StringComparison.Ordinal))
            {
                result = JsonSerializer.Deserialize<Scenario>(line[ResultPrefix.Length..]);
            }
            else
            {
                Console.WriteLine(line);
            }
        }

        await process.WaitForExitAsync();
        return process.ExitCode == 0 && result is not null
            ? result
            : throw new InvalidOperationException($"the {kind} scenario failed (exit code {process.ExitCode})");
    }

    private static async Task<Scenario> RunScenarioAsync(string kind, int length, int segmentLength)
    {
        var options = new SyncerOptions();
        await WarmUpAsync(options);
        switch (kind)
        {
            case "full":
            case "headers":
            {
                TipSetSpec spec = kind == "full" ? FullSpec : HeadersSpec;
                length = await AffordableLengthAsync(length, spec);
                (CatchUpRun run, DecodeHash decode) = await ScenarioAsync(length, spec, options);
                return new Scenario(length, run, decode, null, null);
            }

            case "split-full":
            case "split-headers":
            {
                TipSetSpec spec = kind == "split-full" ? FullSpec : HeadersSpec;
                length = await AffordableLengthAsync(length, spec);
                return new Scenario(length, null, null, null, await SplitScenarioAsync(length, spec, options));
            }

            case "pipeline":
                return new Scenario(length, null, null, await PipelineScenarioAsync(length, segmentLength), null);

            default:
                throw new ArgumentException($"unknown scenario {kind}", nameof(kind));
        }
    }

    /// <summary>The same code paths on a small chain of each kind, results thrown away.</summary>
    private static async Task WarmUpAsync(SyncerOptions options)
    {
        await using (World warm = World.Build(300, FullSpec))
        {
            await warm.CatchUpAsync(new TestTipSetExecutor(), sampleMemory: false);
            await warm.DecodeAndHashAsync(options);
            await warm.FetchOnlyAsync(options);
        }

        await using (World warm = World.Build(2_000, HeadersSpec))
        {
            await warm.CatchUpAsync(new TestTipSetExecutor(), sampleMemory: false);
        }
    }

    private static async Task<(CatchUpRun Run, DecodeHash Decode)> ScenarioAsync(int length, TipSetSpec spec, SyncerOptions options)
    {
        long before = GC.GetTotalMemory(forceFullCollection: true);
        await using World world = World.Build(length, spec);
        Console.WriteLine(Invariant($"Heap {before / 1e6:F1} MB before building. Built {length} tipsets of {spec.Blocks} block(s) in {world.BuildSeconds:F1} s."));
        CatchUpRun run = await world.CatchUpAsync(new TestTipSetExecutor(), sampleMemory: true);
        Console.WriteLine(Invariant($"  baseline {run.Baseline / 1e6:F1} MB after building; catch-up {run.Elapsed.TotalSeconds:F2} s."));
        DecodeHash decode = await world.DecodeAndHashAsync(options);
        return (run, decode);
    }

    /// <summary>Builds a tenth of the chain, and shortens it when the whole would take longer than the build limit.</summary>
    private static async Task<int> AffordableLengthAsync(int wanted, TipSetSpec spec)
    {
        int probe = Math.Max(1, wanted / 10);
        var stopwatch = Stopwatch.StartNew();
        await using (World.Build(probe, spec))
        {
        }

        double estimate = stopwatch.Elapsed.TotalSeconds * wanted / probe;
        if (estimate <= BuildLimitSeconds)
        {
            return wanted;
        }

        int affordable = (int)(wanted * BuildLimitSeconds / estimate);
        Console.WriteLine(Invariant($"Building {wanted} tipsets of {spec} would take about {estimate:F0} s (> {BuildLimitSeconds} s): reduced to {affordable}."));
        return affordable;
    }

    private static void PrintThroughput(string name, int tipSets, CatchUpRun run, DecodeHash decode)
    {
        double total = run.Elapsed.TotalSeconds;
        double floor = decode.Elapsed.TotalSeconds;
        Console.WriteLine(Invariant($"| {name} | {tipSets} | {decode.Requests} | {decode.Bytes / 1e6:F1} | {total:F2} | {tipSets / total:F0} | {floor:F2} | {floor / total:P1} | {total - floor:F2} s ({(total - floor) / total:P1}) |"));
    }

    private static void PrintMemory(string name, int tipSets, CatchUpRun run) =>
        Console.WriteLine(Invariant($"| {name} | {tipSets} | {Mb(run.PeakAllocated)} | {Mb(run.PeakAfterGc)} | {Mb(run.Retained)} | {Mb(run.PeakAllocated - run.Retained)} | {run.Gen0}/{run.Gen1}/{run.Gen2} |"));

    private static string Mb(long bytes) => Invariant($"{bytes / 1e6:F1}");

    private static string Ratio(long a, long b) => b <= 0 ? "n/a" : Invariant($"{(double)a / b:F2}×");

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static int Option(string[] args, string name, int fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>One catch-up; <see cref="HeaderPhase"/> (start to the first message request) only when its ports were timed.</summary>
    private sealed record CatchUpRun(long Baseline, TimeSpan Elapsed, long PeakAllocated, long PeakAfterGc, long Retained, int Gen0, int Gen1, int Gen2, TimeSpan HeaderPhase, int ReplayFallbacks);

    /// <summary>
    /// What a timed catch-up is given: the timers its port decorators add to, a recording to keep the exchange's
    /// answers in, or a recording to answer from instead of the network.
    /// </summary>
    private sealed record Ports(PortTimers Timers, ExchangeRecording? Record = null, ExchangeRecording? Replay = null, TimeSpan ReplayLatency = default);

    private sealed record Scenario(int Length, CatchUpRun? Run, DecodeHash? Decode, Pipeline? Pipeline, Split? Split);

    private sealed record DecodeHash(TimeSpan Elapsed, int Requests, long Bytes);

    /// <summary>A server holding one built chain, and a client host beside it on an in-memory network.</summary>
    private sealed class World : IAsyncDisposable
    {
        private static long _nextTargetId;
        private readonly InMemoryNetwork _network = new();
        private readonly ChainExchangeServer _server;
        private readonly InMemoryHost _clientHost;
        private readonly PeerId _serverPeer;

        private World(ChainBuilder chain, TipSet genesis, IReadOnlyList<TipSet> built, MemoryBlockstore served, double buildSeconds)
        {
            Chain = chain;
            Genesis = genesis;
            Built = built;
            BuildSeconds = buildSeconds;
            InMemoryHost serverHost = _network.CreateHost("server");
            _clientHost = _network.CreateHost("client");
            _serverPeer = serverHost.LocalPeer;
            _server = new ChainExchangeServer(serverHost, served, logger: NullLogger<ChainExchangeServer>.Instance);
            _server.Start();
        }

        public ChainBuilder Chain { get; }

        public TipSet Genesis { get; }

        /// <summary>The chain above genesis, oldest first (no null rounds: height = index + 1).</summary>
        public IReadOnlyList<TipSet> Built { get; }

        public double BuildSeconds { get; }

        public static World Build(int length, TipSetSpec spec)
        {
            var stopwatch = Stopwatch.StartNew();
            var served = new MemoryBlockstore();
            var chain = new ChainBuilder(served, seed: 1);
            TipSet genesis = chain.Genesis();
            IReadOnlyList<TipSet> built = chain.AddChain(genesis, length, spec);
            return new World(chain, genesis, built, served, stopwatch.Elapsed.TotalSeconds);
        }

        public async ValueTask DisposeAsync()
        {
            await _server.DisposeAsync();
            await _network.DisposeAsync();
        }

        private ChainExchangeClient NewClient()
        {
            var client = new ChainExchangeClient(_clientHost, TimeProvider.System, NullLogger<ChainExchangeClient>.Instance, random: new Random(3));
            client.AddPeer(_serverPeer);
            return client;
        }

        /// <summary>A fresh node (genesis only) catches up to the chain's head; times it and, when asked, samples the heap.</summary>
        public async Task<CatchUpRun> CatchUpAsync(ITipSetExecutor executor, bool sampleMemory, Ports? ports = null, SyncerOptions? options = null)
        {
            ReplayExchange? replayer = ports?.Replay is { } replay
                ? new ReplayExchange(replay, tipsets => [.. tipsets.Select(Chain.GetFullTipSet)], ports.ReplayLatency)
                : null;
            IChainExchange exchange = replayer ?? (IChainExchange)NewClient();
            var store = new InMemoryChainStore(Genesis, Chain.GenesisState);
            IChainStore storePort = store;
            IBlockValidator validator = SyntacticBlockValidator.Instance;
            IChainWeigher weigher = new ParentWeightWeigher();
            if (ports is not null)
            {
                exchange = new TimedExchange(exchange, ports.Timers, ports.Record);
                storePort = new TimedChainStore(store, ports.Timers);
                validator = new TimedValidator(validator, ports.Timers);
                weigher = new TimedWeigher(weigher, ports.Timers);
                executor = new TimedExecutor(executor, ports.Timers);
            }

            var syncer = new Syncer(storePort, exchange, validator, executor, weigher, new BadTipSetCache(), options, TimeProvider.System);
            Target target = Target.Create(Interlocked.Increment(ref _nextTargetId), new ChainInfo(Built[^1], "server", "server"));

            long baseline = 0;
            if (sampleMemory)
            {
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
                baseline = GC.GetTotalMemory(forceFullCollection: true);
            }

            int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
            using var done = new CancellationTokenSource();
            long peakAllocated = 0, peakAfterGc = 0;
            Task sampler = sampleMemory
                ? Task.Run(async () =>
                {
                    using var timer = new PeriodicTimer(SampleEvery);
                    do
                    {
                        peakAllocated = Math.Max(peakAllocated, GC.GetTotalMemory(forceFullCollection: false));
                        peakAfterGc = Math.Max(peakAfterGc, GC.GetGCMemoryInfo(GCKind.Any).HeapSizeBytes);
                    }
                    while (await WaitAsync(timer, done.Token));
                })
                : Task.CompletedTask;

            long started = Stopwatch.GetTimestamp();
            SyncResult result = await syncer.HandleNewTipSetAsync(target, null, CancellationToken.None);
            TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
            TimeSpan headerPhase = ports is not null && ports.Timers.FirstMessagesTimestamp != 0
                ? Stopwatch.GetElapsedTime(started, ports.Timers.FirstMessagesTimestamp)
                : TimeSpan.Zero;
            await done.CancelAsync();
            await sampler;
            if (sampleMemory)
            {
                peakAllocated = Math.Max(peakAllocated, GC.GetTotalMemory(forceFullCollection: false));
            }

            gen0 = GC.CollectionCount(0) - gen0;
            gen1 = GC.CollectionCount(1) - gen1;
            gen2 = GC.CollectionCount(2) - gen2;
            if (result.Kind != SyncOutcomeKind.Completed || (await store.GetHeadAsync(CancellationToken.None)).Key != Built[^1].Key)
            {
                throw new InvalidOperationException($"the catch-up did not complete: {result}");
            }

            long retained = sampleMemory ? GC.GetTotalMemory(forceFullCollection: true) : 0;
            GC.KeepAlive(store);
            return new CatchUpRun(baseline, elapsed, peakAllocated - baseline, peakAfterGc - baseline, retained - baseline, gen0, gen1, gen2, headerPhase, replayer?.Fallbacks ?? 0);
        }

        private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
        {
            try
            {
                return await timer.WaitForNextTickAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        /// <summary>Header windows as the syncer asks them: from the target's parents down to height 1, at most 900 each.</summary>
        private IEnumerable<(TipSetKey Head, int Length)> HeaderWindows(SyncerOptions options)
        {
            int cursor = Built.Count - 1;
            while (cursor > 0)
            {
                int count = Math.Min(Math.Min(cursor, options.HeaderWindow), ExchangeProtocol.MaxRequestLength);
                yield return (Built[cursor - 1].Key, count);
                cursor -= count;
            }
        }

        /// <summary>Message segments as the syncer asks them: chunks of the header window, oldest first, cut in segments.</summary>
        private IEnumerable<(int Start, int Length)> Segments(SyncerOptions options)
        {
            for (int chunk = 0; chunk < Built.Count; chunk += options.HeaderWindow)
            {
                int chunkLength = Math.Min(options.HeaderWindow, Built.Count - chunk);
                for (int start = 0; start < chunkLength; start += options.SegmentLength)
                {
                    yield return (chunk + start, Math.Min(options.SegmentLength, chunkLength - start));
                }
            }
        }

        /// <summary>Asks the server raw for every window and segment of a catch-up; times only decoding and hashing the answers.</summary>
        public async Task<DecodeHash> DecodeAndHashAsync(SyncerOptions options)
        {
            var requests = new List<ExchangeRequest>();
            foreach ((TipSetKey head, int length) in HeaderWindows(options))
            {
                requests.Add(new ExchangeRequest(head, (ulong)length, ExchangeOptions.Headers));
            }

            foreach ((int start, int length) in Segments(options))
            {
                requests.Add(new ExchangeRequest(Built[start + length - 1].Key, (ulong)length, ExchangeOptions.Messages));
            }

            var elapsed = TimeSpan.Zero;
            long bytes = 0;
            foreach (ExchangeRequest request in requests)
            {
                byte[] response = await FetchRawAsync(request);
                bytes += response.Length;
                long start = Stopwatch.GetTimestamp();
                ExchangeResponse decoded = ExchangeResponse.Decode(response, (int)request.Length);
                HashAll(decoded);
                elapsed += Stopwatch.GetElapsedTime(start);
                if (decoded.Status != ExchangeStatus.Ok || decoded.Chain.Length != (int)request.Length)
                {
                    throw new InvalidOperationException($"the server did not answer {request} in full: {decoded.Status} {decoded.ErrorMessage}");
                }
            }

            return new DecodeHash(elapsed, requests.Count, bytes);
        }

        /// <summary>The client alone fetches every header window, then every message segment, one request at a time.</summary>
        public async Task<(TimeSpan Headers, TimeSpan Segments, int Count)> FetchOnlyAsync(SyncerOptions options)
        {
            ChainExchangeClient client = NewClient();
            var stopwatch = Stopwatch.StartNew();
            foreach ((TipSetKey head, int length) in HeaderWindows(options))
            {
                _ = await client.GetBlocksAsync(head, length, CancellationToken.None);
            }

            TimeSpan headers = stopwatch.Elapsed;
            stopwatch.Restart();
            int count = 0;
            foreach ((int start, int length) in Segments(options))
            {
                var headFirst = new TipSet[length];
                for (int i = 0; i < length; i++)
                {
                    headFirst[i] = Built[start + length - 1 - i];
                }

                _ = await client.GetChainMessagesAsync(headFirst, CancellationToken.None);
                count++;
            }

            return (headers, stopwatch.Elapsed, count);
        }

        /// <summary>Runs every tipset of the chain through <paramref name="executor"/>, oldest first, on the builder's full tipsets.</summary>
        public async Task<TimeSpan> ExecuteOnlyAsync(TestTipSetExecutor executor)
        {
            var full = Built.Select(t => Chain.GetFullTipSet(t)).ToArray();
            TipSetState state = Chain.GenesisState;
            var stopwatch = Stopwatch.StartNew();
            foreach (FullTipSet tipSet in full)
            {
                state = await executor.ExecuteAsync(tipSet, state, CancellationToken.None);
            }

            return stopwatch.Elapsed;
        }

        private async Task<byte[]> FetchRawAsync(ExchangeRequest request)
        {
            await using INetworkStream stream = await _clientHost.OpenStreamAsync(_serverPeer, ExchangeProtocol.Id, CancellationToken.None);
            await stream.Output.WriteAsync(request.Encode());
            await stream.CompleteWritingAsync();
            return await BoundedReader.ReadMessageAsync(stream.Input, RawLimits, TimeProvider.System, null, CancellationToken.None);
        }

        private static int HashAll(ExchangeResponse response)
        {
            int hashed = 0;
            foreach (TipSetBundle bundle in response.Chain)
            {
                foreach (BlockHeader header in bundle.Blocks)
                {
                    hashed += header.Cid.Bytes.Length;
                }

                if (bundle.Messages is { } messages)
                {
                    foreach (Message message in messages.Bls)
                    {
                        hashed += message.Cid.Bytes.Length;
                    }

                    foreach (SignedMessage message in messages.Secpk)
                    {
                        hashed += message.Cid.Bytes.Length;
                    }
                }
            }

            return hashed;
        }
    }
}
