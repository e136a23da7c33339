using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Venus.ChainSync.Diagnostics;
using Venus.ChainSync.Hosting;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Cbor;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Benchmarks;

/// <summary>
/// A node built with <c>AddChainSync</c> under a gossip flood (<c>dotnet run -c Release -- gossip-flood [--blocks N,N…]</c>):
/// a hostile peer publishes N distinct, well-formed blocks whose messages nobody has, as fast as it can. Reports
/// how each block ended (by the <c>venus.chainsync.gossip.blocks</c> result tag), the wall time, and the node's peak
/// managed memory, to show that memory does not grow with the flood.
/// </summary>
/// <remarks>
/// One process per size would isolate the heaps better; sizes run one after the other here, with a full GC and a
/// fresh baseline before each. Memory is sampled every 20 ms with <see cref="GC.GetTotalMemory(bool)"/> (garbage
/// included) and reported above that baseline. The in-memory gossip buffer (4 096 per subscriber, oldest dropped,
/// as gossipsub drops for a slow subscriber) also bounds what reaches the node; blocks lost there are not counted
/// by the node, so "counted" can be below N.
/// </remarks>
internal static class GossipFloodConsole
{
    private const string Topic = "/fil/blocks/testnetnet";

    public static async Task<int> RunAsync(string[] args)
    {
        int at = Array.IndexOf(args, "--blocks");
        int[] sizes = at >= 0 && at + 1 < args.Length
            ? [.. args[at + 1].Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture))]
            : [10_000, 100_000];

        Console.WriteLine("# Gossip flood");
        Console.WriteLine();
        Console.WriteLine($"- .NET {Environment.Version}, {Environment.ProcessorCount} logical cores, {(GCSettings.IsServerGC ? "server" : "workstation")} GC");
        Console.WriteLine();
        Console.WriteLine("| blocks published | counted by the node | dropped (queue full) | messages unavailable | other | wall s | peak allocated above baseline MB | heap after GC above baseline MB | retained after the flood (full GC) MB |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        await FloodAsync(2_000, print: false);
        foreach (int size in sizes)
        {
            await FloodAsync(size, print: true);
        }

        return 0;
    }

    private static async Task FloodAsync(int blocks, bool print)
    {
        await using var network = new InMemoryNetwork();
        var chain = new ChainBuilder(new MemoryBlockstore(), seed: 3);
        TipSet genesis = chain.Genesis();
        TipSet template = chain.AddTipSet(genesis);
        InMemoryHost nodeHost = network.CreateHost("node");
        InMemoryHost attacker = network.CreateHost("attacker");
        var store = new InMemoryChainStore(genesis, chain.GenesisState);
        var services = new ServiceCollection();
        services.AddInMemoryPorts(nodeHost, store);
        services.AddChainSync(o => o.NetworkName = "testnetnet");
        await using ServiceProvider provider = services.BuildServiceProvider();
        var counts = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ChainSyncDiagnostics.Name && instrument.Name == "venus.chainsync.gossip.blocks")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string result = tags.Length > 0 ? tags[0].Value as string ?? "?" : "?";
            lock (counts)
            {
                counts[result] = counts.GetValueOrDefault(result) + value;
            }
        });
        listener.Start();
        IHostedService hosted = provider.GetServices<IHostedService>().Single();
        await hosted.StartAsync(CancellationToken.None);
        network.Connect(attacker, nodeHost);

        byte[][] payloads = [.. Enumerable.Range(0, blocks).Select(i => Forge(template.Blocks[0], 100_000 + (ulong)i))];
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        long baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = baseline;
        long peakAfterGc = 0;
        using var sampling = new CancellationTokenSource();
        Task sampler = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
            while (await timer.WaitForNextTickAsync(sampling.Token).ConfigureAwait(false))
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false));
                peakAfterGc = Math.Max(peakAfterGc, GC.GetGCMemoryInfo(GCKind.Any).HeapSizeBytes);
            }
        });

        var clock = Stopwatch.StartNew();
        foreach (byte[] payload in payloads)
        {
            await attacker.PublishAsync(Topic, payload, CancellationToken.None);
        }

        // Until the node has settled: nothing new counted for 200 ms.
        long last = -1;
        while (Total(counts) != last)
        {
            last = Total(counts);
            await Task.Delay(200);
        }

        double seconds = (clock.Elapsed - TimeSpan.FromMilliseconds(200)).TotalSeconds;
        await sampling.CancelAsync();
        try
        {
            await sampler;
        }
        catch (OperationCanceledException)
        {
        }

        // What the node still holds once the flood is over (the payloads, built before the baseline, are still referenced).
        long retained = GC.GetTotalMemory(forceFullCollection: true) - baseline;
        GC.KeepAlive(payloads);
        await hosted.StopAsync(CancellationToken.None);
        if (print)
        {
            long dropped = counts.GetValueOrDefault(GossipResults.Dropped);
            long unavailable = counts.GetValueOrDefault(GossipResults.MessagesUnavailable);
            long total = Total(counts);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {blocks} | {total} | {dropped} | {unavailable} | {total - dropped - unavailable} | {seconds:F2} | {(peak - baseline) / 1e6:F1} | {Math.Max(0, peakAfterGc - baseline) / 1e6:F1} | {Math.Max(0, retained) / 1e6:F1} |"));
        }
    }

    private static long Total(Dictionary<string, long> counts)
    {
        lock (counts)
        {
            return counts.Values.Sum();
        }
    }

    private static byte[] Forge(BlockHeader template, ulong miner)
    {
        Cid[] unknown = [Cid.ComputeDagCbor(DagCbor.Encode(miner, static (w, m) => w.WriteUInt64(m)))];
        var ticket = new byte[96];
        new Random((int)miner).NextBytes(ticket);
        BlockHeader header = BlockHeader.Create(
            Address.NewId(miner), template.Parents, template.Height, template.ParentStateRoot, template.ParentMessageReceipts,
            MessageRoot.Compute(unknown, []).Cid, template.ParentWeight, new Ticket(ticket), template.ElectionProof,
            template.BeaconEntries, template.WinPoStProof, template.BlsAggregate, template.Timestamp, template.BlockSig,
            template.ForkSignaling, template.ParentBaseFee);
        return BlockMsg.Create(header, unknown, []).RawData.ToArray();
    }
}
