using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Venus.ChainSync.Benchmarks;

/// <summary>Managed memory under a sustained message rate.</summary>
internal static partial class GossipConsole
{
    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PaceTick = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan DrainSampleEvery = TimeSpan.FromSeconds(2);
    private const int DrainSamples = 6;

    /// <summary>Most messages published on one tick to catch up after a pause (a sample's full GC): a burst stays
    /// below A's outbound queue to B (128 RPCs).</summary>
    private const int MaxBurst = 100;

    /// <summary>
    /// A → B, both subscribed: A publishes <paramref name="rate"/> distinct 1 KB messages a second for
    /// <paramref name="duration"/>, paced on a 10 ms <see cref="PeriodicTimer"/> against a stopwatch (each tick
    /// publishes what the rate owes by then), and the process's managed memory is sampled every 10 s after a full
    /// blocking GC (<see cref="GC.GetTotalMemory(bool)"/>), with <see cref="GC.GetGCMemoryInfo()"/>. Then, with
    /// nothing published, six more samples 2 s apart, while the heartbeats shift the message cache's ten 1 s windows
    /// out; then one once both nodes are disposed and unreachable. The process holds both nodes: A keeps its own
    /// messages' ids in its seen cache and the messages in its message cache just as B does, so the growth is about
    /// twice one node's caches, plus B's score delivery records (A records none for its own messages).
    /// <para>Without <paramref name="echo"/> A's router receives nothing at all, and its loop then keeps one more
    /// pending wait on its empty inbound queue per idle turn (about 290 B each, released only when an RPC arrives or
    /// the router stops; see benchmarks/README.md), which this measures too. With it, B publishes one message a
    /// second, which reaches A and releases them.</para>
    /// </summary>
    private static async Task<MemoryResult> MemoryAsync(TimeSpan duration, int rate, bool echo)
    {
        Console.WriteLine($"## Memory: A → B at {rate} msg/s of {PayloadSize} B for {duration.TotalSeconds:F0} s{(echo ? ", and B → A once a second (--echo)" : "")}");
        Console.WriteLine();
        Console.WriteLine("| t s | published | received by B | managed after full GC MB | above start MB | GC heap size MB | committed MB | gen 2 GCs |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        var samples = new List<MemorySample>();
        (long baseline, long published, double publishedRate) = await LoadAsync(duration, rate, echo, samples);

        // LoadAsync's locals (the nodes) stay reachable from its state machine until its MoveNext returns, which is
        // after this continuation when it runs inline: yield first, and then what is left above the start is not theirs.
        await Task.Yield();
        long afterDispose = Settle();
        Console.WriteLine(Invariant($"| nodes disposed | | | {afterDispose / 1e6:F1} | {(afterDispose - baseline) / 1e6:F1} | | | |"));
        Console.WriteLine();

        MemorySample atEnd = samples.Last(s => s.Seconds <= duration.TotalSeconds);
        MemorySample first = samples.First(s => s.Seconds >= SampleEvery.TotalSeconds);
        MemorySample drained = samples[^1];
        double slope = atEnd.Seconds > first.Seconds ? (atEnd.Above - first.Above) / (atEnd.Seconds - first.Seconds) : double.NaN;
        Console.WriteLine(Invariant($"- published {published} at {publishedRate:F0} msg/s; B received {atEnd.Received} by the end of publishing"));
        if (!double.IsNaN(slope))
        {
            Console.WriteLine(Invariant($"- growth from {first.Seconds:F0} s to {atEnd.Seconds:F0} s, once the message caches had filled (their first 10 s): {slope / 1e3:F0} KB/s, {slope / rate:F0} B per message"));
        }

        double caches = (atEnd.Managed - drained.Managed) / 1e6;
        double held = (drained.Managed - afterDispose) / 1e6;
        Console.WriteLine(Invariant($"- gone in the {drained.Seconds - atEnd.Seconds:F0} s without publishing (the message caches): {caches:F1} MB; then freed by disposing both nodes (their seen caches, B's delivery records, the nodes themselves and whatever else they held): {held:F1} MB"));
        Console.WriteLine();
        return new MemoryResult(atEnd.Above / 1e6, slope / 1e6, caches, held);
    }

    /// <summary>The load and the samples taken while the nodes live; the nodes are disposed, and unreachable, when
    /// it returns (not inlined, so that nothing of its frame outlives it).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<(long Baseline, long Published, double Rate)> LoadAsync(TimeSpan duration, int rate, bool echo, List<MemorySample> samples)
    {
        GossipBenchNode a = await GossipBenchNode.StartAsync(CancellationToken.None);
        GossipBenchNode b = await GossipBenchNode.StartAsync(CancellationToken.None);
        try
        {
            await a.ConnectAsync(b, CancellationToken.None);
            var received = new StrongBox<long>();
            a.Subscribe(_ => { });
            b.Subscribe(_ => Interlocked.Increment(ref received.Value), static (message, _) => ValueTask.FromResult(message.Data.Length == PayloadSize ? Network.MessageVerdict.Accept : Network.MessageVerdict.Reject));
            await UntilAsync(async () => await a.KnowsSubscriberAsync(b), TimeSpan.FromSeconds(20), "A learning B's subscription");

            long baseline = Settle();
            int gen2Before = GC.CollectionCount(2);
            void Sample(double t, long published)
            {
                long managed = GC.GetTotalMemory(forceFullCollection: true);
                GCMemoryInfo info = GC.GetGCMemoryInfo();
                var sample = new MemorySample(t, published, Interlocked.Read(ref received.Value), managed, managed - baseline);
                samples.Add(sample);
                Console.WriteLine(Invariant(
                    $"| {t:F0} | {published} | {sample.Received} | {managed / 1e6:F1} | {sample.Above / 1e6:F1} | {info.HeapSizeBytes / 1e6:F1} | {info.TotalCommittedBytes / 1e6:F1} | {GC.CollectionCount(2) - gen2Before} |"));
            }

            Sample(0, 0);
            var filler = new Random(3);
            using var pace = new PeriodicTimer(PaceTick);
            var clock = Stopwatch.StartNew();
            long sent = 0;
            int echoes = 0;
            TimeSpan nextSample = SampleEvery;
            TimeSpan nextEcho = TimeSpan.FromSeconds(1);
            async Task EchoAsync()
            {
                // B's own message, flood-published to A: the only traffic A's router receives.
                byte[] payload = Payload(int.MaxValue - echoes++, 1, filler);
                Stamp(payload);
                await b.Router.PublishAsync(GossipBenchNode.Topic, payload, CancellationToken.None);
            }

            while (clock.Elapsed < duration)
            {
                await pace.WaitForNextTickAsync();
                TimeSpan now = clock.Elapsed;
                long owed = Math.Min((long)(Math.Min(now.TotalSeconds, duration.TotalSeconds) * rate), sent + MaxBurst);
                for (; sent < owed; sent++)
                {
                    byte[] payload = Payload((int)sent, 0, filler);
                    Stamp(payload);
                    await a.Router.PublishAsync(GossipBenchNode.Topic, payload, CancellationToken.None);
                }

                if (echo && clock.Elapsed >= nextEcho)
                {
                    await EchoAsync();
                    nextEcho += TimeSpan.FromSeconds(1);
                }

                if (clock.Elapsed >= nextSample && nextSample <= duration)
                {
                    Sample(nextSample.TotalSeconds, sent);
                    nextSample += SampleEvery;
                }
            }

            double publishedRate = sent / clock.Elapsed.TotalSeconds;
            if (samples[^1].Seconds < duration.TotalSeconds)
            {
                Sample(duration.TotalSeconds, sent);
            }

            // Nothing published from here: each heartbeat shifts one 1 s window of the message cache out.
            using var drain = new PeriodicTimer(DrainSampleEvery);
            for (int i = 1; i <= DrainSamples; i++)
            {
                await drain.WaitForNextTickAsync();
                if (echo)
                {
                    await EchoAsync();
                }

                Sample(duration.TotalSeconds + (i * DrainSampleEvery.TotalSeconds), sent);
            }

            return (baseline, sent, publishedRate);
        }
        finally
        {
            await DisposeAllAsync([a, b]);
        }
    }

    private static long Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private sealed record MemorySample(double Seconds, long Published, long Received, long Managed, long Above);

    private sealed record MemoryResult(double GrowthMb, double SlopeMbPerSecond, double MessageCachesMb, double HeldAfterDrainMb);
}
