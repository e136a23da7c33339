using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.Libp2p.Protocols;
using Venus.ChainSync.Libp2p.Tests.Negotiation;
using Venus.ChainSync.Libp2p.Tests.Support;

namespace Venus.ChainSync.Libp2p.Tests.Protocols;

/// <summary>Ping between our two ends and against scripted peers.</summary>
public sealed class PingProtocolTests
{
    private static readonly TimeSpan Guard = PipeBytes.Guard;

    [Fact]
    public async Task Pings_on_one_stream_are_echoed_until_the_dialler_closes()
    {
        DuplexPipePair pair = DuplexPipePair.Create();

        Task serving = PingProtocol.ServeAsync(pair.Right, TimeProvider.System, CancellationToken.None);
        for (int i = 0; i < 3; i++)
        {
            await PingProtocol.PingAsync(pair.Left, TimeProvider.System, CancellationToken.None).AsTask().WaitAsync(Guard);
        }

        await pair.Left.Output.CompleteAsync();
        await serving.WaitAsync(Guard);
        Assert.Empty(await PipeBytes.ReadToEndAsync(pair.Left.Input));
    }

    [Fact]
    public async Task Round_trip_is_measured_on_the_time_provider()
    {
        var time = new FakeTimeProvider();
        DuplexPipePair pair = DuplexPipePair.Create();

        Task<TimeSpan> pinging = PingProtocol.PingAsync(pair.Left, time, CancellationToken.None).AsTask();
        byte[] payload = await PipeBytes.ReadExactlyAsync(pair.Right.Input, PingProtocol.PayloadLength);
        time.Advance(TimeSpan.FromMilliseconds(5));
        await PipeBytes.WriteAsync(pair.Right.Output, payload);

        Assert.Equal(TimeSpan.FromMilliseconds(5), await pinging.WaitAsync(Guard));
    }

    [Fact]
    public async Task Payloads_are_random()
    {
        DuplexPipePair pair = DuplexPipePair.Create();

        Task<TimeSpan> first = PingProtocol.PingAsync(pair.Left, TimeProvider.System, CancellationToken.None).AsTask();
        byte[] one = await PipeBytes.ReadExactlyAsync(pair.Right.Input, PingProtocol.PayloadLength);
        await PipeBytes.WriteAsync(pair.Right.Output, one);
        await first.WaitAsync(Guard);
        Task<TimeSpan> second = PingProtocol.PingAsync(pair.Left, TimeProvider.System, CancellationToken.None).AsTask();
        byte[] two = await PipeBytes.ReadExactlyAsync(pair.Right.Input, PingProtocol.PayloadLength);
        await PipeBytes.WriteAsync(pair.Right.Output, two);
        await second.WaitAsync(Guard);

        Assert.NotEqual(one, two);
    }

    [Fact]
    public async Task Wrong_echo_is_a_protocol_violation()
    {
        DuplexPipePair pair = DuplexPipePair.Create();

        Task<TimeSpan> pinging = PingProtocol.PingAsync(pair.Left, TimeProvider.System, CancellationToken.None).AsTask();
        byte[] payload = await PipeBytes.ReadExactlyAsync(pair.Right.Input, PingProtocol.PayloadLength);
        payload[0] ^= 1;
        await PipeBytes.WriteAsync(pair.Right.Output, payload);

        await Assert.ThrowsAsync<Libp2pProtocolException>(() => pinging.WaitAsync(Guard));
    }

    [Fact]
    public async Task Echo_cut_short_is_a_protocol_violation()
    {
        DuplexPipePair pair = DuplexPipePair.Create();

        Task<TimeSpan> pinging = PingProtocol.PingAsync(pair.Left, TimeProvider.System, CancellationToken.None).AsTask();
        byte[] payload = await PipeBytes.ReadExactlyAsync(pair.Right.Input, PingProtocol.PayloadLength);
        await PipeBytes.WriteAsync(pair.Right.Output, payload[..10]);
        await pair.Right.Output.CompleteAsync();

        await Assert.ThrowsAsync<Libp2pProtocolException>(() => pinging.WaitAsync(Guard));
    }

    [Fact]
    public async Task Missing_echo_times_out()
    {
        var time = new FakeTimeProvider();
        DuplexPipePair pair = DuplexPipePair.Create();

        Task<TimeSpan> pinging = PingProtocol.PingAsync(pair.Left, time, CancellationToken.None).AsTask();
        await PipeBytes.ReadExactlyAsync(pair.Right.Input, PingProtocol.PayloadLength);
        time.Advance(PingProtocol.PayloadTimeout);

        await Assert.ThrowsAsync<Libp2pProtocolException>(() => pinging.WaitAsync(Guard));
    }

    [Fact]
    public async Task Dialler_closing_inside_a_payload_is_a_protocol_violation()
    {
        DuplexPipePair pair = DuplexPipePair.Create();

        Task serving = PingProtocol.ServeAsync(pair.Right, TimeProvider.System, CancellationToken.None);
        await PipeBytes.WriteAsync(pair.Left.Output, new byte[10]);
        await pair.Left.Output.CompleteAsync();

        await Assert.ThrowsAsync<Libp2pProtocolException>(() => serving.WaitAsync(Guard));
    }

    [Fact]
    public async Task Dialler_stalling_inside_a_payload_is_dropped()
    {
        var time = new FakeTimeProvider();
        DuplexPipePair pair = DuplexPipePair.Create();

        Task serving = PingProtocol.ServeAsync(pair.Right, time, CancellationToken.None);
        await PipeBytes.WriteAsync(pair.Left.Output, new byte[10]);
        time.Advance(PingProtocol.PayloadTimeout);

        await Assert.ThrowsAsync<Libp2pProtocolException>(() => serving.WaitAsync(Guard));
    }

    [Fact]
    public async Task Silent_dialler_gets_the_stream_closed_quietly()
    {
        var time = new FakeTimeProvider();
        DuplexPipePair pair = DuplexPipePair.Create();

        Task serving = PingProtocol.ServeAsync(pair.Right, time, CancellationToken.None);
        time.Advance(PingProtocol.PayloadTimeout);

        await serving.WaitAsync(Guard);
        Assert.Empty(await PipeBytes.ReadToEndAsync(pair.Left.Input));
    }

    [Fact]
    public async Task Caller_cancellation_stops_serving_with_a_cancellation()
    {
        using var cts = new CancellationTokenSource();
        DuplexPipePair pair = DuplexPipePair.Create();

        Task serving = PingProtocol.ServeAsync(pair.Right, TimeProvider.System, cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => serving.WaitAsync(Guard));
    }
}
