using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Runtime;
using Venus.ChainSync.Libp2p;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Benchmarks;

/// <summary>
/// The libp2p host on loopback (<c>dotnet run -c Release -- libp2p [--mib N]</c>), both ends in this process:
/// single-stream throughput through Noise + Yamux against a raw TCP socket pair, many-stream throughput, the round
/// trip of a small request on a new stream, handshakes per second (TCP + multistream + Noise + Yamux + identify),
/// and the managed memory an idle connection holds.
/// </summary>
/// <remarks>
/// Throughput is one writer pushing 64 KiB writes into a reader that drops them, timed from the first write to the
/// reader's end of stream. Each figure is the best of three runs after a warm-up run, to keep a noisy neighbour on the
/// shared VM out of the comparison; all runs are printed.
/// </remarks>
internal static class Libp2pConsole
{
    /// <summary>The throughput protocol; tests/interop/js-peer/sink.mjs serves and pushes the same.</summary>
    internal const string Sink = "/venus-bench/sink/1.0.0";
    private const string Echo = "/venus-bench/echo/1.0.0";
    private const int WriteSize = 64 * 1024;

    public static async Task<int> RunAsync(string[] args)
    {
        int at = Array.IndexOf(args, "--mib");
        int mib = at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : 512;
        Console.WriteLine("# libp2p host on loopback (both ends in one process)");
        Console.WriteLine();
        Console.WriteLine($"- .NET {Environment.Version}, {Environment.ProcessorCount} logical cores, {(GCSettings.IsServerGC ? "server" : "workstation")} GC, {mib} MiB per throughput run");
        Console.WriteLine();

        double raw = await BestOfAsync("raw TCP socket pair", () => RawTcpAsync(mib));
        await using Libp2pHost server = await StartAsync(listen: true);
        await using Libp2pHost client = await StartAsync(listen: false);
        server.SetStreamHandler(Sink, SinkAsync);
        server.SetStreamHandler(Echo, EchoAsync);
        await client.ConnectAsync(server.ListenAddresses[0], CancellationToken.None);

        double single = await BestOfAsync("one stream, Noise + Yamux", () => StreamsAsync(client, server.LocalPeer, 1, mib));
        double many = await BestOfAsync("16 streams at once, Noise + Yamux", () => StreamsAsync(client, server.LocalPeer, 16, mib));
        Console.WriteLine();
        Console.WriteLine($"| path | MiB/s | vs raw TCP |");
        Console.WriteLine($"|---|---:|---:|");
        Console.WriteLine($"| raw TCP | {raw:F0} | 100 % |");
        Console.WriteLine($"| 1 stream | {single:F0} | {100 * single / raw:F0} % |");
        Console.WriteLine($"| 16 streams | {many:F0} | {100 * many / raw:F0} % |");
        Console.WriteLine();

        await RoundTripsAsync(client, server.LocalPeer, 2_000);
        await HandshakesAsync(server, 200);
        await IdleMemoryAsync(server, 200);
        return 0;
    }

    internal static async Task<Libp2pHost> StartAsync(bool listen)
    {
        var options = new Libp2pHostOptions { HighWater = 10_000, LowWater = 9_000 };
        if (listen)
        {
            options.ListenAddresses.Add("/ip4/127.0.0.1/tcp/0");
        }

        var host = new Libp2pHost(options);
        await host.StartAsync(CancellationToken.None);
        return host;
    }

    internal static async Task<double> BestOfAsync(string name, Func<Task<double>> run)
    {
        await run(); // warm-up: JIT, pools, TCP windows
        var results = new List<double>();
        for (int i = 0; i < 3; i++)
        {
            results.Add(await run());
        }

        Console.WriteLine($"- {name}: {string.Join(", ", results.Select(r => r.ToString("F0", CultureInfo.InvariantCulture)))} MiB/s");
        return results.Max();
    }

    private static async Task<double> RawTcpAsync(int mib)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Task<Socket> accepting = listener.AcceptAsync();
        await sender.ConnectAsync(listener.LocalEndPoint!);
        using Socket receiver = await accepting;
        byte[] chunk = new byte[WriteSize];
        long total = (long)mib << 20;
        var watch = Stopwatch.StartNew();
        Task reading = Task.Run(async () =>
        {
            byte[] buffer = new byte[WriteSize];
            long received = 0;
            while (received < total)
            {
                received += await receiver.ReceiveAsync(buffer, SocketFlags.None);
            }
        });
        for (long sent = 0; sent < total; sent += WriteSize)
        {
            await sender.SendAsync(chunk, SocketFlags.None);
        }

        await reading;
        return mib / watch.Elapsed.TotalSeconds;
    }

    internal static async Task<double> StreamsAsync(Libp2pHost client, PeerId server, int streams, int mib)
    {
        long perStream = ((long)mib << 20) / streams;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, streams).Select(_ => PushAsync(client, server, perStream)));
        return mib / watch.Elapsed.TotalSeconds;
    }

    private static async Task PushAsync(Libp2pHost client, PeerId server, long bytes)
    {
        INetworkStream stream = await client.OpenStreamAsync(server, Sink, CancellationToken.None);
        await using (stream)
        {
            byte[] chunk = new byte[WriteSize];
            for (long sent = 0; sent < bytes; sent += WriteSize)
            {
                await stream.Output.WriteAsync(chunk);
            }

            await stream.CompleteWritingAsync();

            // The sink answers one byte once it has read everything: the time covers delivery, not just sending.
            ReadResult done = await stream.Input.ReadAsync();
            stream.Input.AdvanceTo(done.Buffer.End);
        }
    }

    private static async Task RoundTripsAsync(Libp2pHost client, PeerId server, int count)
    {
        double micros = await RoundTripMicrosecondsAsync(client, server, Echo, count);
        Console.WriteLine($"- small request/response on a new stream each (100 B each way): {micros:F0} µs per round trip ({count} sequential)");
    }

    /// <summary>
    /// Microseconds per round trip of a 100-byte request on a new <paramref name="protocol"/> stream each (write,
    /// half-close, read the echo to its end), over <paramref name="count"/> sequential ones after 100 for warm-up.
    /// </summary>
    internal static async Task<double> RoundTripMicrosecondsAsync(Libp2pHost client, PeerId server, string protocol, int count)
    {
        byte[] request = new byte[100];
        for (int i = 0; i < 100; i++)
        {
            await RequestAsync(client, server, protocol, request);
        }

        var watch = Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            await RequestAsync(client, server, protocol, request);
        }

        return watch.Elapsed.TotalMicroseconds / count;
    }

    private static async Task RequestAsync(Libp2pHost client, PeerId server, string protocol, byte[] request)
    {
        INetworkStream stream = await client.OpenStreamAsync(server, protocol, CancellationToken.None);
        await using (stream)
        {
            await stream.Output.WriteAsync(request);
            await stream.CompleteWritingAsync();
            long received = 0;
            while (true)
            {
                ReadResult read = await stream.Input.ReadAsync();
                received += read.Buffer.Length;
                stream.Input.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted)
                {
                    break;
                }
            }

            if (received != request.Length)
            {
                throw new InvalidOperationException($"echo returned {received} bytes, not {request.Length}");
            }
        }
    }

    private static async Task HandshakesAsync(Libp2pHost server, int count)
    {
        await using Libp2pHost dialer = await StartAsync(listen: false);
        for (int i = 0; i < 10; i++)
        {
            await ConnectOnceAsync(dialer, server);
        }

        var watch = Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            await ConnectOnceAsync(dialer, server);
        }

        Console.WriteLine($"- connection set-ups (TCP + Noise XX + Yamux, then disconnect), sequential: {count / watch.Elapsed.TotalSeconds:F0} per second ({watch.Elapsed.TotalMilliseconds / count:F2} ms each)");
    }

    private static async Task ConnectOnceAsync(Libp2pHost dialer, Libp2pHost server)
    {
        await dialer.ConnectAsync(server.ListenAddresses[0], CancellationToken.None);
        await dialer.DisconnectAsync(server.LocalPeer, CancellationToken.None);
    }

    private static async Task IdleMemoryAsync(Libp2pHost server, int count)
    {
        var dialers = new List<Libp2pHost>();
        for (int i = 0; i < count; i++)
        {
            dialers.Add(await StartAsync(listen: false));
        }

        long before = Settle();
        foreach (Libp2pHost dialer in dialers)
        {
            await dialer.ConnectAsync(server.ListenAddresses[0], CancellationToken.None);
        }

        long after = Settle();
        Console.WriteLine($"- managed memory per idle connection (both ends in this process, after identify, full GC): {(after - before) / count / 1024.0:F1} KiB ({count} connections)");
        foreach (Libp2pHost dialer in dialers)
        {
            await dialer.DisposeAsync();
        }
    }

    private static long Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    internal static async Task SinkAsync(INetworkStream stream, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult read = await stream.Input.ReadAsync(cancellationToken);
            stream.Input.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                break;
            }
        }

        await stream.Output.WriteAsync(new byte[] { 1 }, cancellationToken);
        await stream.CompleteWritingAsync(cancellationToken);
    }

    internal static async Task EchoAsync(INetworkStream stream, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult read = await stream.Input.ReadAsync(cancellationToken);
            foreach (ReadOnlyMemory<byte> segment in read.Buffer)
            {
                await stream.Output.WriteAsync(segment, cancellationToken);
            }

            stream.Input.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                break;
            }
        }

        await stream.CompleteWritingAsync(cancellationToken);
    }
}
