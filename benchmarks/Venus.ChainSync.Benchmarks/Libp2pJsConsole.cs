using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Text.Json;
using Venus.ChainSync.Libp2p;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Benchmarks;

/// <summary>
/// The libp2p host against js-libp2p on loopback (<c>dotnet run -c Release -- libp2p-js [--mib N]</c>): one stream
/// pushing N MiB into a sink, and a small request round trip, for .NET → .NET, JS → JS, .NET → JS and JS → .NET, all
/// TCP + Noise + Yamux over 127.0.0.1. The JS ends are the interop peer (tests/interop/js-peer), two Node.js
/// processes, a server and a client; the .NET ends are two <see cref="Libp2pHost"/>s in this process.
/// </summary>
/// <remarks>
/// Each path is measured as <see cref="Libp2pConsole"/> measures: 64 KiB writes into a sink that drops them and
/// answers one byte at the end of the stream, timed by the pushing end from opening the stream to that byte (by
/// <c>Stopwatch</c> here, by <c>performance.now()</c> in the JS peer's <c>push</c> command), best of three after a
/// warm-up run, all runs printed with the load average before them. Each end's CPU time over those four runs (this
/// process's <see cref="Process.TotalProcessorTime"/>, the Node.js process's <c>process.cpuUsage()</c>) is printed per
/// MiB: a neighbour on a shared machine moves it far less than the wall clock, and it shows which end works hardest
/// per byte. Without Node.js or the JS peer's packages the JS rows are skipped, with the reason.
/// </remarks>
internal static class Libp2pJsConsole
{
    /// <summary>The JS peer's echo protocol; the .NET server answers it too, so every path runs the same request.</summary>
    private const string Echo = "/venus-interop/echo/1.0.0";
    private const int RoundTrips = 2_000;
    private const int RequestBytes = 100;

    /// <summary>How many throughput runs <see cref="Libp2pConsole.BestOfAsync"/> makes: a warm-up and three timed.</summary>
    private const int RunsPerFigure = 4;
    private static readonly TimeSpan CommandGuard = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(string[] args)
    {
        int at = Array.IndexOf(args, "--mib");
        int mib = at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : 256;
        (string? nodeVersion, string? missing) = await JsBenchPeer.CheckAsync();
        Console.WriteLine("# libp2p host against js-libp2p on loopback (TCP + Noise + Yamux over 127.0.0.1)");
        Console.WriteLine();
        Console.WriteLine($"- .NET {Environment.Version}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC; Node.js {nodeVersion ?? "(none)"}, js-libp2p {JsPackageVersion("libp2p")}; {Environment.ProcessorCount} logical cores; {mib} MiB per throughput run");
        Console.WriteLine($"- load average at the start: {LoadAverage()}");
        Console.WriteLine();

        await using Libp2pHost server = await Libp2pConsole.StartAsync(listen: true);
        await using Libp2pHost client = await Libp2pConsole.StartAsync(listen: false);
        server.SetStreamHandler(Libp2pConsole.Sink, Libp2pConsole.SinkAsync);
        server.SetStreamHandler(Echo, Libp2pConsole.EchoAsync);
        await client.ConnectAsync(server.ListenAddresses[0], CancellationToken.None);

        Clock dotnet = () => Task.FromResult(DotnetCpuMilliseconds());
        var rows = new List<Row>
        {
            await RowAsync(".NET → .NET (one process)", DotnetPush(client, server.LocalPeer, mib), DotnetRoundTrip(client, server.LocalPeer), dotnet, null, mib),
        };
        if (missing is not null)
        {
            Console.WriteLine($"- JS rows skipped: {missing}");
        }
        else
        {
            await using JsBenchPeer jsServer = await JsBenchPeer.StartAsync();
            await using JsBenchPeer jsClient = await JsBenchPeer.StartAsync();
            await jsClient.SendAsync("dial", new { addr = jsServer.Ip4Address }, CommandGuard);
            await jsClient.SendAsync("dial", new { addr = server.ListenAddresses[0].ToString() }, CommandGuard);
            await client.ConnectAsync(Multiaddr.Parse(jsServer.Ip4Address), CancellationToken.None);
            PeerId jsServerPeer = PeerId.Parse(jsServer.PeerId);
            string dotnetServerPeer = server.LocalPeer.ToString();

            rows.Add(await RowAsync("JS → JS (two Node.js processes)", JsPush(jsClient, jsServer.PeerId, mib), JsRoundTrip(jsClient, jsServer.PeerId), JsCpu(jsClient), JsCpu(jsServer), mib));
            rows.Add(await RowAsync(".NET → JS", DotnetPush(client, jsServerPeer, mib), DotnetRoundTrip(client, jsServerPeer), dotnet, JsCpu(jsServer), mib));
            rows.Add(await RowAsync("JS → .NET", JsPush(jsClient, dotnetServerPeer, mib), JsRoundTrip(jsClient, dotnetServerPeer), JsCpu(jsClient), dotnet, mib));
        }

        Console.WriteLine($"- load average at the end: {LoadAverage()}");
        Console.WriteLine();
        Console.WriteLine($"| pusher → sink | 1 stream, MiB/s | pusher CPU, ms per MiB | sink CPU, ms per MiB | round trip, {RequestBytes} B each way, new stream each |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (Row row in rows)
        {
            string sink = row.SinkCpu is double ms ? ms.ToString("F2", CultureInfo.InvariantCulture) : "(in the pusher's)";
            string pusher = row.SinkCpu is null ? $"{row.PusherCpu:F2}, both ends" : $"{row.PusherCpu:F2}";
            Console.WriteLine($"| {row.Path} | {row.MibPerSecond:F0} | {pusher} | {sink} | {row.RoundTripMicroseconds:F0} µs |");
        }

        Console.WriteLine();
        Console.WriteLine("Throughput and round trips are timed by the end that opens the stream: .NET by Stopwatch, JS by performance.now().");
        Console.WriteLine($"CPU is each end's process CPU time (user + system) over the {RunsPerFigure} throughput runs (warm-up included), per MiB pushed.");
        return 0;
    }

    /// <summary>
    /// Measures one path: its throughput (best of three after a warm-up, with each end's CPU time over all four runs)
    /// and then its round trip. A null <paramref name="sinkCpu"/> means the sink shares the pusher's process.
    /// </summary>
    private static async Task<Row> RowAsync(string path, Func<Task<double>> push, Func<Task<double>> roundTrip, Clock pusherCpu, Clock? sinkCpu, int mib)
    {
        double pusherBefore = await pusherCpu();
        double sinkBefore = sinkCpu is null ? 0 : await sinkCpu();
        double throughput = await Libp2pConsole.BestOfAsync(Named(path), push);
        double pushed = (double)RunsPerFigure * mib;
        double pusher = (await pusherCpu() - pusherBefore) / pushed;
        double? sink = sinkCpu is null ? null : (await sinkCpu() - sinkBefore) / pushed;
        return new Row(path, throughput, pusher, sink, await roundTrip());
    }

    private static Func<Task<double>> DotnetPush(Libp2pHost client, PeerId server, int mib) =>
        () => Libp2pConsole.StreamsAsync(client, server, 1, mib);

    private static Func<Task<double>> DotnetRoundTrip(Libp2pHost client, PeerId server) =>
        () => Libp2pConsole.RoundTripMicrosecondsAsync(client, server, Echo, RoundTrips);

    private static Func<Task<double>> JsPush(JsBenchPeer client, string server, int mib)
    {
        // The peer bounds each command; a slow machine gets at least a second per MiB.
        TimeSpan guard = TimeSpan.FromSeconds(Math.Max(CommandGuard.TotalSeconds, mib));
        return async () =>
        {
            JsonElement pushed = await client.SendAsync("push", new { peer = server, mib }, guard);
            return mib / (pushed.GetProperty("elapsedMs").GetDouble() / 1000);
        };
    }

    private static Func<Task<double>> JsRoundTrip(JsBenchPeer client, string server) => async () =>
    {
        // As RoundTripMicrosecondsAsync: 100 for warm-up, then the timed ones.
        await client.SendAsync("roundTrips", new { peer = server, count = 100, bytes = RequestBytes }, CommandGuard);
        JsonElement timed = await client.SendAsync("roundTrips", new { peer = server, count = RoundTrips, bytes = RequestBytes }, CommandGuard * 2);
        return timed.GetProperty("elapsedMs").GetDouble() * 1000 / RoundTrips;
    };

    private static Clock JsCpu(JsBenchPeer peer) => async () =>
        (await peer.SendAsync("cpu", new { }, CommandGuard)).GetProperty("cpuMs").GetDouble();

    /// <summary>This process's CPU time so far: both .NET hosts, though only one is busy on a path with a JS end.</summary>
    private static double DotnetCpuMilliseconds()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime.TotalMilliseconds;
    }

    private static string Named(string path) => $"{path}, one stream (load average {LoadAverage()})";

    /// <summary>The 1, 5 and 15 minute load averages, where Linux gives them: the figures come from a shared machine.</summary>
    private static string LoadAverage()
    {
        const string Proc = "/proc/loadavg";
        return File.Exists(Proc) ? string.Join(' ', File.ReadAllText(Proc).Split(' ').Take(3)) : "(unknown)";
    }

    private static string JsPackageVersion(string package)
    {
        string manifest = Path.Combine(JsBenchPeer.PeerDirectory, "node_modules", package, "package.json");
        if (!File.Exists(manifest))
        {
            return "(not installed)";
        }

        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(manifest));
        return document.RootElement.GetProperty("version").GetString() ?? "(no version)";
    }

    /// <summary>One end's CPU time so far, in milliseconds.</summary>
    private delegate Task<double> Clock();

    private sealed record Row(string Path, double MibPerSecond, double PusherCpu, double? SinkCpu, double RoundTripMicroseconds);
}
