using System.IO.Pipelines;
using Venus.ChainSync.Libp2p;
using Venus.ChainSync.Libp2p.Connections;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Interop.Tests.DotnetJs;

/// <summary>.NET hosts for the interop tests: started on IPv4 and IPv6 loopback, with the JS peer's echo protocol.</summary>
internal static class DotnetHosts
{
    public const string Echo = "/venus-interop/echo/1.0.0";

    /// <summary>Starts a host that echoes on <see cref="Echo"/>; up to 128 concurrent inbound streams per protocol.</summary>
    public static async Task<Libp2pHost> StartAsync()
    {
        var options = new Libp2pHostOptions { Limits = new ConnectionLimits { MaxInboundStreamsPerProtocol = 128 } };
        options.ListenAddresses.Add("/ip4/127.0.0.1/tcp/0");
        options.ListenAddresses.Add("/ip6/::1/tcp/0");
        var host = new Libp2pHost(options);
        host.SetStreamHandler(Echo, EchoAsync);
        await host.StartAsync(TestGuard.Token());
        return host;
    }

    /// <summary>Copies the stream's input to its output until the remote half-closes, then half-closes.</summary>
    public static async Task EchoAsync(INetworkStream stream, CancellationToken cancellationToken)
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

    /// <summary>Writes <paramref name="payload"/>, half-closes and reads everything the peer sends back.</summary>
    public static async Task<byte[]> RoundTripAsync(Libp2pHost host, PeerId peer, byte[] payload)
    {
        CancellationToken guard = TestGuard.Token(60);
        INetworkStream stream = await host.OpenStreamAsync(peer, Echo, guard);
        await using (stream)
        {
            Task<byte[]> reading = ReadToEndAsync(stream.Input, guard);
            await stream.Output.WriteAsync(payload, guard);
            await stream.CompleteWritingAsync(guard);
            return await reading;
        }
    }

    private static async Task<byte[]> ReadToEndAsync(PipeReader input, CancellationToken cancellationToken)
    {
        using var received = new MemoryStream();
        while (true)
        {
            ReadResult read = await input.ReadAsync(cancellationToken);
            foreach (ReadOnlyMemory<byte> segment in read.Buffer)
            {
                received.Write(segment.Span);
            }

            input.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                return received.ToArray();
            }
        }
    }

    /// <summary>Subscribes now and completes with the first <paramref name="change"/> event for <paramref name="peer"/>.</summary>
    public static Task<ConnectionEvent> NextAsync(Libp2pHost host, PeerId peer, ConnectionChange change, CancellationToken guard)
    {
        IAsyncEnumerator<ConnectionEvent> events = host.ConnectionEvents(guard).GetAsyncEnumerator(guard);
        ValueTask<bool> first = events.MoveNextAsync();
        return WaitAsync(events, first, peer, change);
    }

    private static async Task<ConnectionEvent> WaitAsync(IAsyncEnumerator<ConnectionEvent> events, ValueTask<bool> first, PeerId peer, ConnectionChange change)
    {
        await using (events)
        {
            for (bool more = await first; more; more = await events.MoveNextAsync())
            {
                if (events.Current.Peer == peer && events.Current.Change == change)
                {
                    return events.Current;
                }
            }
        }

        throw new InvalidOperationException($"the events ended before {change} of {peer}");
    }
}
