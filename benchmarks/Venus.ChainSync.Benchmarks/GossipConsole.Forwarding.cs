using System.Diagnostics;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Benchmarks;

/// <summary>Messages per second one node validates and forwards.</summary>
internal static partial class GossipConsole
{
    /// <summary>
    /// Messages A keeps published but not yet received by C in the paced runs: below every queue on the way (A's
    /// outbound queue to B, 128 RPCs; B's validation queue, 256; B's outbound queue to C, 128; C's validation queue
    /// and subscription buffer, 256), so the paced runs lose nothing and measure what the line sustains.
    /// </summary>
    private const int ForwardWindow = 64;

    private const int ForwardWarmUp = 2_000;

    /// <summary>
    /// Three runs of <paramref name="count"/> 1 KB messages, each on fresh nodes after <see cref="ForwardWarmUp"/>
    /// uncounted ones: A → C (two nodes, paced by the window), A → B → C (paced), and A → B → C with A publishing as
    /// fast as its router takes them. Our own messages are flood-published, so A sends straight to its one peer; B
    /// receives, checks the signature, runs its validator (accepts everything after a length check), delivers to its
    /// subscriber and forwards along its mesh, which holds C before the run starts. CPU is the whole process's
    /// (every node is in it); the line's figure minus the pair's is what adding B costs.
    /// </summary>
    private static async Task<ForwardingResult> ForwardingAsync(int count)
    {
        Console.WriteLine($"## Validate and forward: A → B → C, {count} messages of {PayloadSize} B");
        Console.WriteLine();
        LineRun pair = await LineAsync(relay: false, count, ForwardWindow);
        LineRun relay = await LineAsync(relay: true, count, ForwardWindow);
        LineRun open = await LineAsync(relay: true, count, window: null);
        Console.WriteLine("| line | in flight | published by A | reached B's router | throttled at B | reached C's router | throttled at C | delivered to C's subscriber | wall s | msg/s delivered at C | CPU µs/msg (process) | allocated KB/msg (process) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (LineRun run in new[] { pair, relay, open })
        {
            Console.WriteLine(Invariant(
                $"| {run.Name} | {run.Window} | {run.Published} | {run.AtB} | {run.ThrottledAtB} | {run.AtC} | {run.ThrottledAtC} | {run.Received} | {run.Seconds:F2} | {run.Rate:F0} | {run.CpuMicros:F0} | {run.AllocatedKb:F1} |"));
        }

        double relayCpu = relay.CpuMicros - pair.CpuMicros;
        Console.WriteLine();
        Console.WriteLine(Invariant($"- adding B costs {relayCpu:F0} µs of CPU per message (paced line minus paced pair): B's signature check, validator, delivery and forward, and C's receipt from B instead of A"));
        Console.WriteLine(Invariant($"- unpaced, A published {open.Published} messages at {open.PublishRate:F0} msg/s"));
        Console.WriteLine();
        return new ForwardingResult(pair, relay, open, relayCpu);
    }

    private static async Task<LineRun> LineAsync(bool relay, int count, int? window)
    {
        GossipBenchNode a = await GossipBenchNode.StartAsync(CancellationToken.None);
        GossipBenchNode c = await GossipBenchNode.StartAsync(CancellationToken.None);
        GossipBenchNode? b = relay ? await GossipBenchNode.StartAsync(CancellationToken.None) : null;
        GossipBenchNode[] nodes = b is null ? [a, c] : [a, b, c];
        using var slots = new SemaphoreSlim(window ?? 1);
        try
        {
            GossipBenchNode first = b ?? c;
            await a.ConnectAsync(first, CancellationToken.None);
            if (b is not null)
            {
                await c.ConnectAsync(b, CancellationToken.None);
            }

            long received = 0;
            long lastReceipt = 0;
            a.Subscribe(_ => { });
            b?.Subscribe(_ => { }, static (message, _) => ValueTask.FromResult(message.Data.Length == PayloadSize ? MessageVerdict.Accept : MessageVerdict.Reject));
            c.Subscribe(_ =>
            {
                Volatile.Write(ref lastReceipt, Stopwatch.GetTimestamp());
                Interlocked.Increment(ref received);
                if (window is not null)
                {
                    slots.Release();
                }
            });

            await UntilAsync(async () => await a.KnowsSubscriberAsync(first), TimeSpan.FromSeconds(20), "A learning its peer's subscription");
            if (b is not null)
            {
                await UntilAsync(async () => (await b.MeshAsync()).Contains(c.Peer), TimeSpan.FromSeconds(20), "C joining B's mesh");
            }

            var filler = new Random(2);
            await PublishLineAsync(a, 0, ForwardWarmUp, window is null ? null : slots, filler);
            await UntilReceivedAsync(() => Interlocked.Read(ref received), ForwardWarmUp);
            long receivedBefore = Interlocked.Read(ref received);
            long bBefore = b?.Verdicts.Total ?? 0;
            long bThrottledBefore = b?.Verdicts.Throttled ?? 0;
            long cBefore = c.Verdicts.Total;
            long cThrottledBefore = c.Verdicts.Throttled;

            GC.Collect();
            GC.WaitForPendingFinalizers();
            TimeSpan cpuBefore = ProcessCpu();
            long allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
            long start = Stopwatch.GetTimestamp();
            await PublishLineAsync(a, ForwardWarmUp, count, window is null ? null : slots, filler);
            double publishSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            await UntilReceivedAsync(() => Interlocked.Read(ref received), ForwardWarmUp + count);
            TimeSpan cpu = ProcessCpu() - cpuBefore;
            long allocated = GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore;
            long got = Interlocked.Read(ref received) - receivedBefore;
            double seconds = Stopwatch.GetElapsedTime(start, Volatile.Read(ref lastReceipt)).TotalSeconds;
            string OrDash(long? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "—";
            return new LineRun(
                relay ? "A → B → C" : "A → C",
                window?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unpaced",
                count,
                OrDash(b is null ? null : b.Verdicts.Total - bBefore),
                OrDash(b is null ? null : b.Verdicts.Throttled - bThrottledBefore),
                c.Verdicts.Total - cBefore,
                c.Verdicts.Throttled - cThrottledBefore,
                got,
                seconds,
                got / seconds,
                count / publishSeconds,
                cpu.TotalMicroseconds / Math.Max(1, got),
                allocated / 1024.0 / Math.Max(1, got));
        }
        finally
        {
            await DisposeAllAsync(nodes);
        }
    }

    /// <summary>Publishes messages <paramref name="from"/> … from + <paramref name="count"/> − 1 at A, each taking a
    /// slot of <paramref name="slots"/> (given back by C's receipt) when paced. A slot not given back within a second
    /// (a lost message) is not waited for again.</summary>
    private static async Task PublishLineAsync(GossipBenchNode a, int from, int count, SemaphoreSlim? slots, Random filler)
    {
        for (int k = from; k < from + count; k++)
        {
            if (slots is not null)
            {
                await slots.WaitAsync(TimeSpan.FromSeconds(1));
            }

            byte[] payload = Payload(k, 0, filler);
            Stamp(payload);
            await a.Router.PublishAsync(GossipBenchNode.Topic, payload, CancellationToken.None);
        }
    }

    /// <summary>Waits until <paramref name="received"/> reaches <paramref name="target"/>, or has not moved for two
    /// seconds (what is lost is lost), polling every 10 ms.</summary>
    private static async Task UntilReceivedAsync(Func<long> received, long target)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        long last = received();
        var still = Stopwatch.StartNew();
        while (last < target && still.Elapsed < TimeSpan.FromSeconds(2))
        {
            await timer.WaitForNextTickAsync();
            long now = received();
            if (now != last)
            {
                last = now;
                still.Restart();
            }
        }
    }

    private static TimeSpan ProcessCpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    /// <summary>One run; <paramref name="AtB"/> and <paramref name="AtC"/> are the messages each router took in (by
    /// its metric, duplicates and throttled ones included), <paramref name="Received"/> what C's subscriber got.</summary>
    private sealed record LineRun(
        string Name,
        string Window,
        long Published,
        string AtB,
        string ThrottledAtB,
        long AtC,
        long ThrottledAtC,
        long Received,
        double Seconds,
        double Rate,
        double PublishRate,
        double CpuMicros,
        double AllocatedKb);

    private sealed record ForwardingResult(LineRun Pair, LineRun Relay, LineRun Open, double RelayCpuMicros);
}
