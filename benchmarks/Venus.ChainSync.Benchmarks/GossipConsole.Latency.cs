using System.Diagnostics;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Benchmarks;

/// <summary>Propagation latency through a mesh.</summary>
internal static partial class GossipConsole
{
    private const int TopologySeed = 12;
    private const int DialsPerNode = 3;
    private const int LatencyWarmUp = 50;
    private static readonly TimeSpan PublishInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Starts <paramref name="nodeCount"/> nodes; node i dials min(i, 3) distinct earlier nodes chosen with a fixed
    /// seed (sparse, connected, the same every run); all subscribe; once every node's mesh holds
    /// min(D_lo, its neighbours) peers, publishes <see cref="LatencyWarmUp"/> uncounted messages and then
    /// <paramref name="messages"/> more, one every 10 ms, from the nodes in turn, and times each from just before
    /// <c>PublishAsync</c> (signing included) to its delivery by every other node's subscription.
    /// </summary>
    private static async Task<LatencyResult> LatencyAsync(int nodeCount, int messages)
    {
        Console.WriteLine($"## Propagation latency: {nodeCount} nodes, {messages} messages of {PayloadSize} B");
        Console.WriteLine();
        var nodes = new List<GossipBenchNode>();
        try
        {
            for (int i = 0; i < nodeCount; i++)
            {
                nodes.Add(await GossipBenchNode.StartAsync(CancellationToken.None));
            }

            var random = new Random(TopologySeed);
            int[] degree = new int[nodeCount];
            var edges = new List<(int From, int To)>();
            for (int i = 1; i < nodeCount; i++)
            {
                int[] earlier = [.. Enumerable.Range(0, i)];
                random.Shuffle(earlier);
                foreach (int j in earlier.Take(Math.Min(i, DialsPerNode)))
                {
                    await nodes[i].ConnectAsync(nodes[j], CancellationToken.None);
                    edges.Add((i, j));
                    degree[i]++;
                    degree[j]++;
                }
            }

            int total = LatencyWarmUp + messages;
            var recorder = new LatencyRecorder(nodeCount, total);
            for (int i = 0; i < nodeCount; i++)
            {
                int receiver = i;
                nodes[i].Subscribe(m => recorder.Record(receiver, m));
            }

            var formed = Stopwatch.StartNew();
            int dlo = Libp2p.PubSub.GossipSubParameters.Lotus.Dlo;
            await UntilAsync(
                async () =>
                {
                    for (int i = 0; i < nodeCount; i++)
                    {
                        if ((await nodes[i].MeshAsync()).Length < Math.Min(dlo, degree[i]))
                        {
                            return false;
                        }
                    }

                    return true;
                },
                TimeSpan.FromSeconds(20),
                "mesh formation");
            double formedMs = formed.Elapsed.TotalMilliseconds;
            int[] meshSizes = await Task.WhenAll(nodes.Select(async n => (await n.MeshAsync()).Length));
            Console.WriteLine($"- topology (seed {TopologySeed}, node i dials {DialsPerNode} random earlier nodes): {edges.Count} connections, degrees {string.Join(" ", degree)}, diameter {Diameter(nodeCount, edges)} hops");
            Console.WriteLine(Invariant($"- meshes formed {formedMs:F0} ms after the subscriptions; mesh sizes {string.Join(" ", meshSizes)}"));

            var filler = new Random(1);
            using var pace = new PeriodicTimer(PublishInterval);
            var publishing = Stopwatch.StartNew();
            for (int k = 0; k < total; k++)
            {
                int publisher = k % nodeCount;
                byte[] payload = Payload(k, publisher, filler);
                recorder.Published(k, publisher);
                Stamp(payload);
                await nodes[publisher].Router.PublishAsync(GossipBenchNode.Topic, payload, CancellationToken.None);
                await pace.WaitForNextTickAsync();
            }

            double publishSeconds = publishing.Elapsed.TotalSeconds;
            try
            {
                await recorder.AllDelivered.WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (TimeoutException)
            {
                // Reported as missing deliveries below.
            }

            LatencyResult result = recorder.Result(LatencyWarmUp);
            long duplicates = nodes.Sum(n => n.Verdicts.Duplicate);
            long throttled = nodes.Sum(n => n.Verdicts.Throttled);
            Console.WriteLine(Invariant($"- published {total} ({LatencyWarmUp} warm-up, not counted) in {publishSeconds:F1} s ({total / publishSeconds:F0} msg/s); duplicates dropped by the routers: {duplicates} ({(double)duplicates / total:F1} per message), throttled: {throttled}, delivered twice to a subscription: {result.DeliveredTwice}"));
            Console.WriteLine();
            Console.WriteLine("| deliveries expected | delivered | share | median ms | 90th pct ms | 99th pct ms | max ms |");
            Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
            Console.WriteLine(Invariant($"| {result.Expected} | {result.Delivered} | {100.0 * result.Delivered / result.Expected:F2} % | {result.Median:F2} | {result.P90:F2} | {result.P99:F2} | {result.Max:F2} |"));
            Console.WriteLine();
            return result;
        }
        finally
        {
            await DisposeAllAsync(nodes);
        }
    }

    /// <summary>The most hops between two nodes (breadth-first from each).</summary>
    private static int Diameter(int nodeCount, List<(int From, int To)> edges)
    {
        int most = 0;
        for (int start = 0; start < nodeCount; start++)
        {
            int[] hops = new int[nodeCount];
            Array.Fill(hops, -1);
            hops[start] = 0;
            var queue = new Queue<int>([start]);
            while (queue.TryDequeue(out int node))
            {
                foreach ((int from, int to) in edges)
                {
                    int next = from == node ? to : to == node ? from : -1;
                    if (next >= 0 && hops[next] < 0)
                    {
                        hops[next] = hops[node] + 1;
                        most = Math.Max(most, hops[next]);
                        queue.Enqueue(next);
                    }
                }
            }
        }

        return most;
    }

    private sealed record LatencyResult(long Expected, long Delivered, long DeliveredTwice, double Median, double P90, double P99, double Max);

    /// <summary>Publish→delivery times per (message, receiver); each receiver writes only its own slots.</summary>
    private sealed class LatencyRecorder
    {
        private readonly int _nodes;
        private readonly int _messages;
        private readonly long[] _ticks;
        private readonly int[] _publisher;
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _delivered;
        private long _twice;

        public LatencyRecorder(int nodes, int messages)
        {
            _nodes = nodes;
            _messages = messages;
            _ticks = new long[nodes * messages];
            _publisher = new int[messages];
            Array.Fill(_ticks, -1);
        }

        /// <summary>Completes when every message has reached every node but its publisher.</summary>
        public Task AllDelivered => _all.Task;

        public void Published(int sequence, int publisher) => Volatile.Write(ref _publisher[sequence], publisher);

        public void Record(int receiver, PubSubMessage message)
        {
            long now = Stopwatch.GetTimestamp();
            ReadOnlySpan<byte> data = message.Data.Span;
            int sequence = SequenceOf(data);
            ref long slot = ref _ticks[(sequence * _nodes) + receiver];
            if (slot >= 0)
            {
                Interlocked.Increment(ref _twice);
                return;
            }

            slot = now - StampOf(data);
            if (Interlocked.Increment(ref _delivered) == (long)_messages * (_nodes - 1))
            {
                _all.TrySetResult();
            }
        }

        public long DeliveredTwice => Interlocked.Read(ref _twice);

        /// <summary>The figures over the messages after the first <paramref name="skip"/>.</summary>
        public LatencyResult Result(int skip)
        {
            var latencies = new List<double>();
            long expected = 0;
            for (int m = skip; m < _messages; m++)
            {
                for (int r = 0; r < _nodes; r++)
                {
                    if (r == _publisher[m])
                    {
                        continue;
                    }

                    expected++;
                    long ticks = Volatile.Read(ref _ticks[(m * _nodes) + r]);
                    if (ticks >= 0)
                    {
                        latencies.Add(ticks * 1000.0 / Stopwatch.Frequency);
                    }
                }
            }

            double[] sorted = [.. latencies.Order()];
            return new LatencyResult(
                expected,
                sorted.Length,
                DeliveredTwice,
                Percentile(sorted, 50),
                Percentile(sorted, 90),
                Percentile(sorted, 99),
                sorted.Length > 0 ? sorted[^1] : double.NaN);
        }
    }
}
