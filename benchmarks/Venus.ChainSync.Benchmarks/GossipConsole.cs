using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Runtime;

namespace Venus.ChainSync.Benchmarks;

/// <summary>
/// The gossipsub router on loopback (<c>dotnet run -c Release -- gossip [--nodes 10] [--messages 500] [--forward
/// 50000] [--seconds 60] [--echo]</c>), every node in this process: the propagation latency of a 1 KB block through a
/// mesh of <c>--nodes</c>, the messages per second one node validates and forwards in a line A → B → C, and the
/// managed memory of a publisher and a receiver under 1 000 messages a second for <c>--seconds</c> (with
/// <c>--echo</c>, the receiver also publishes one message a second back). Prints Markdown.
/// </summary>
/// <remarks>
/// Every node is a <see cref="Libp2pHost"/> with its own <see cref="Libp2p.PubSub.GossipSub"/> (Lotus's parameters:
/// D 8, D_lo 6, heartbeat 1 s, flood publish, StrictSign, blake2b ids, the blocks topic's peer score), connected over
/// TCP + Noise + Yamux on 127.0.0.1. All of them share the process's two cores, its thread pool and its garbage
/// collector, so CPU and memory figures are of the whole process, and every figure moves with what else runs on the
/// machine: the console prints the load average at its start and end.
/// </remarks>
internal static partial class GossipConsole
{
    /// <summary>The payload size of every message (a small Filecoin block is about this size).</summary>
    private const int PayloadSize = 1024;

    public static async Task<int> RunAsync(string[] args)
    {
        int nodes = Option(args, "--nodes", 10);
        int messages = Option(args, "--messages", 500);
        int forward = Option(args, "--forward", 50_000);
        int seconds = Option(args, "--seconds", 60);
        bool echo = args.Contains("--echo", StringComparer.Ordinal);
        if (nodes < 2 || messages < 1 || forward < 1 || seconds < 10)
        {
            Console.Error.WriteLine("gossip: --nodes at least 2, --messages and --forward at least 1, --seconds at least 10");
            return 2;
        }

        Console.WriteLine("# gossipsub on loopback (every node in one process)");
        Console.WriteLine();
        Console.WriteLine($"- .NET {Environment.Version}, {Environment.ProcessorCount} logical cores, {(GCSettings.IsServerGC ? "server" : "workstation")} GC, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"- load average at the start: {LoadAverage()}");
        Console.WriteLine();

        var total = Stopwatch.StartNew();
        LatencyResult latency = await LatencyAsync(nodes, messages);
        ForwardingResult forwarding = await ForwardingAsync(forward);
        MemoryResult memory = await MemoryAsync(TimeSpan.FromSeconds(seconds), rate: 1_000, echo);

        Console.WriteLine();
        Console.WriteLine("## Summary");
        Console.WriteLine();
        Console.WriteLine("| measure | figure |");
        Console.WriteLine("|---|---:|");
        Console.WriteLine(Invariant($"| propagation latency, 1 KB, {nodes} nodes, median | {latency.Median:F2} ms |"));
        Console.WriteLine(Invariant($"| propagation latency, 1 KB, {nodes} nodes, 99th percentile | {latency.P99:F2} ms |"));
        Console.WriteLine(Invariant($"| deliveries (of {latency.Expected}) | {100.0 * latency.Delivered / latency.Expected:F2} % |"));
        Console.WriteLine(Invariant($"| validated and forwarded by B (A → B → C, at most {ForwardWindow} in flight) | {forwarding.Relay.Rate:F0} msg/s |"));
        Console.WriteLine(Invariant($"| B's CPU per message (line of three minus pair A → C, whole process) | {forwarding.RelayCpuMicros:F0} µs |"));
        Console.WriteLine(Invariant($"| managed memory above the start after {seconds} s at 1 000 msg/s (A and B, full GC{(echo ? ", --echo" : "")}) | {memory.GrowthMb:F1} MB |"));
        Console.WriteLine();
        Console.WriteLine($"- load average at the end: {LoadAverage()}; wall time {total.Elapsed.TotalSeconds:F0} s");
        return 0;
    }

    /// <summary>
    /// A 1 KB payload: the publish timestamp (<see cref="Stopwatch.GetTimestamp"/>), the sequence number and the
    /// publisher's index, then filler from <paramref name="random"/>. Distinct sequence numbers make distinct data
    /// and so distinct message ids (blake2b-256 of the data).
    /// </summary>
    private static byte[] Payload(int sequence, int publisher, Random random)
    {
        byte[] payload = new byte[PayloadSize];
        random.NextBytes(payload.AsSpan(16));
        BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(8), sequence);
        BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(12), publisher);
        return payload;
    }

    /// <summary>Stamps <paramref name="payload"/> with the time now, just before it is published.</summary>
    private static void Stamp(byte[] payload) => BinaryPrimitives.WriteInt64LittleEndian(payload, Stopwatch.GetTimestamp());

    private static long StampOf(ReadOnlySpan<byte> payload) => BinaryPrimitives.ReadInt64LittleEndian(payload);

    private static int SequenceOf(ReadOnlySpan<byte> payload) => BinaryPrimitives.ReadInt32LittleEndian(payload[8..]);

    /// <summary>
    /// Polls <paramref name="ready"/> every 20 ms until it holds, for at most <paramref name="limit"/>: a bounded wait
    /// on the routers' own state (read on their loops), not a fixed sleep.
    /// </summary>
    private static async Task UntilAsync(Func<Task<bool>> ready, TimeSpan limit, string what)
    {
        var watch = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        while (!await ready())
        {
            if (watch.Elapsed > limit)
            {
                throw new TimeoutException($"{what} did not happen within {limit.TotalSeconds:F0} s");
            }

            await timer.WaitForNextTickAsync();
        }
    }

    private static async Task DisposeAllAsync(IEnumerable<GossipBenchNode> nodes)
    {
        foreach (GossipBenchNode node in nodes)
        {
            await node.DisposeAsync();
        }
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>The 1, 5 and 15 minute load averages (Linux's /proc/loadavg), or why not.</summary>
    private static string LoadAverage()
    {
        try
        {
            string[] parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"{parts[0]}, {parts[1]}, {parts[2]}";
        }
        catch (IOException)
        {
            return "unknown (no /proc/loadavg)";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown (/proc/loadavg not readable)";
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static double Percentile(double[] sorted, double p)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        // Nearest rank.
        int rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
