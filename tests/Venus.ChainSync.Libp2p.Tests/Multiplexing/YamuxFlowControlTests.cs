using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.Libp2p.Multiplexing;
using Venus.ChainSync.Libp2p.Tests.Support;

namespace Venus.ChainSync.Libp2p.Tests.Multiplexing;

/// <summary>The receive window as the peer sees it on the wire: when updates go out, how large they are, and the
/// auto-tuning go-yamux does.</summary>
public sealed class YamuxFlowControlTests
{
    private const int Window = (int)YamuxOptions.SpecInitialWindow;

    private static (YamuxSession Server, RawYamuxPeer Peer, FakeTimeProvider Time) Start(YamuxOptions? options = null)
    {
        var pair = DuplexPipePair.Create();
        var time = new FakeTimeProvider();
        var server = YamuxSession.Start(pair.Right, isClient: false, options ?? new YamuxOptions { MeasureRoundTripAtStart = false, KeepAliveEnabled = false }, time);
        return (server, new RawYamuxPeer(pair.Left), time);
    }

    [Fact]
    public async Task Window_is_granted_again_only_once_half_of_it_is_consumed()
    {
        (YamuxSession server, RawYamuxPeer peer, _) = Start();
        await using (server)
        {
            await peer.SendAsync(YamuxFrameType.WindowUpdate, YamuxFlags.Syn, 1, 0);
            YamuxStream stream = await server.AcceptStreamAsync(CancellationToken.None).AsTask().WaitAsync(YamuxTest.Guard);
            (YamuxHeader ack, _) = await peer.ReceiveUntilAsync(YamuxFrameType.WindowUpdate);
            Assert.Equal((YamuxFlags.Ack, 0u), (ack.Flags, ack.Length));

            await peer.SendAsync(YamuxFrameType.Data, YamuxFlags.None, 1, (Window / 2) - 1, new byte[(Window / 2) - 1]);
            await YamuxTest.ReadExactlyAsync(stream.Input, (Window / 2) - 1);
            Assert.DoesNotContain(await peer.RoundTripAsync(), h => h.Type == YamuxFrameType.WindowUpdate);

            await peer.SendAsync(YamuxFrameType.Data, YamuxFlags.None, 1, 1, new byte[1]);
            await YamuxTest.ReadExactlyAsync(stream.Input, 1);
            (YamuxHeader update, _) = await peer.ReceiveUntilAsync(YamuxFrameType.WindowUpdate);

            Assert.Equal((YamuxFlags.None, 1u, (uint)Window / 2), (update.Flags, update.StreamId, update.Length));
        }
    }

    [Fact]
    public async Task Window_used_up_within_four_round_trips_doubles_and_the_peer_may_fill_exactly_that()
    {
        (YamuxSession server, RawYamuxPeer peer, FakeTimeProvider time) = Start();
        await using (server)
        {
            // A measured round trip of 100 ms.
            Task<TimeSpan> ping = server.PingAsync(CancellationToken.None).AsTask();
            (YamuxHeader request, _) = await peer.ReceiveUntilAsync(YamuxFrameType.Ping);
            time.Advance(TimeSpan.FromMilliseconds(100));
            await peer.SendAsync(YamuxFrameType.Ping, YamuxFlags.Ack, 0, request.Length);
            Assert.Equal(TimeSpan.FromMilliseconds(100), await ping.WaitAsync(YamuxTest.Guard));

            await peer.SendAsync(YamuxFrameType.WindowUpdate, YamuxFlags.Syn, 1, 0);
            YamuxStream stream = await server.AcceptStreamAsync(CancellationToken.None).AsTask().WaitAsync(YamuxTest.Guard);
            await peer.SendAsync(YamuxFrameType.Data, YamuxFlags.None, 1, Window / 2, new byte[Window / 2]);
            await YamuxTest.ReadExactlyAsync(stream.Input, Window / 2);
            (YamuxHeader update, _) = await peer.ReceiveUntilAsync(YamuxFrameType.WindowUpdate); // the ACK
            if (update.Flags == YamuxFlags.Ack)
            {
                (update, _) = await peer.ReceiveUntilAsync(YamuxFrameType.WindowUpdate);
            }

            // Half consumed at once, well within 4 × RTT: the window doubles to 512 KiB, so the update grants the
            // consumed half plus the growth (go-yamux Stream.sendWindowUpdate).
            Assert.Equal((uint)(Window / 2) + (uint)Window, update.Length);
            await peer.SendAsync(YamuxFrameType.Data, YamuxFlags.None, 1, 2 * (uint)Window, new byte[2 * Window]);
            await peer.RoundTripAsync();
            Assert.False(server.IsClosed);

            await peer.SendAsync(YamuxFrameType.Data, YamuxFlags.None, 1, 1, new byte[1]);
            await Assert.ThrowsAsync<Libp2pProtocolException>(() => server.Completion.WaitAsync(YamuxTest.Guard));
        }
    }

    [Fact]
    public async Task Window_growth_past_the_connection_budget_is_not_granted_and_an_ended_stream_gives_its_growth_back()
    {
        // A budget of one doubling: the first fast stream grows to 512 KiB, the second keeps 256 KiB.
        (YamuxSession server, RawYamuxPeer peer, FakeTimeProvider time) = Start(
            new YamuxOptions { MeasureRoundTripAtStart = false, KeepAliveEnabled = false, MaxWindowGrowth = Window });
        await using (server)
        {
            await MeasureRoundTripAsync(server, peer, time);
            Assert.Equal((uint)(Window / 2) + (uint)Window, await ConsumeHalfAsync(server, peer, 1));
            Assert.Equal(Window, server.WindowGrowth);

            Assert.Equal((uint)(Window / 2), await ConsumeHalfAsync(server, peer, 3));
            Assert.Equal(Window, server.WindowGrowth);

            await peer.SendAsync(YamuxFrameType.WindowUpdate, YamuxFlags.Rst, 1, 0);
            await peer.RoundTripAsync();
            Assert.Equal(0, server.WindowGrowth);
            Assert.Equal((uint)(Window / 2) + (uint)Window, await ConsumeHalfAsync(server, peer, 5));
        }
    }

    /// <summary>Answers the server's ping after 100 ms of fake time, so the auto-tuning has a round trip.</summary>
    private static async Task MeasureRoundTripAsync(YamuxSession server, RawYamuxPeer peer, FakeTimeProvider time)
    {
        Task<TimeSpan> ping = server.PingAsync(CancellationToken.None).AsTask();
        (YamuxHeader request, _) = await peer.ReceiveUntilAsync(YamuxFrameType.Ping);
        time.Advance(TimeSpan.FromMilliseconds(100));
        await peer.SendAsync(YamuxFrameType.Ping, YamuxFlags.Ack, 0, request.Length);
        await ping.WaitAsync(YamuxTest.Guard);
    }

    /// <summary>Opens stream <paramref name="id"/> from the peer, sends half a window that the server reads at once,
    /// and returns the window update the server grants for it.</summary>
    private static async Task<uint> ConsumeHalfAsync(YamuxSession server, RawYamuxPeer peer, uint id)
    {
        await peer.SendAsync(YamuxFrameType.WindowUpdate, YamuxFlags.Syn, id, 0);
        YamuxStream stream = await server.AcceptStreamAsync(CancellationToken.None).AsTask().WaitAsync(YamuxTest.Guard);
        await peer.SendAsync(YamuxFrameType.Data, YamuxFlags.None, id, Window / 2, new byte[Window / 2]);
        await YamuxTest.ReadExactlyAsync(stream.Input, Window / 2);
        while (true)
        {
            (YamuxHeader update, _) = await peer.ReceiveUntilAsync(YamuxFrameType.WindowUpdate);
            if (update.StreamId == id && update.Flags == YamuxFlags.None)
            {
                return update.Length;
            }
        }
    }

    [Fact]
    public async Task Larger_initial_window_is_announced_with_the_syn()
    {
        var options = new YamuxOptions { MeasureRoundTripAtStart = false, KeepAliveEnabled = false, InitialWindow = 1 << 20 };
        var pair = DuplexPipePair.Create();
        await using var client = YamuxSession.Start(pair.Left, isClient: true, options, new FakeTimeProvider());
        var peer = new RawYamuxPeer(pair.Right);

        YamuxStream stream = await client.OpenStreamAsync(CancellationToken.None).AsTask().WaitAsync(YamuxTest.Guard);
        (YamuxHeader syn, _) = await peer.ReceiveUntilAsync(YamuxFrameType.WindowUpdate);

        Assert.Equal((YamuxFlags.Syn, stream.Id, (1u << 20) - YamuxOptions.SpecInitialWindow), (syn.Flags, syn.StreamId, syn.Length));
    }

    [Fact]
    public async Task Data_is_sent_in_frames_no_larger_than_the_frame_cap_and_never_past_the_window()
    {
        var pair = DuplexPipePair.Create();
        await using var client = YamuxSession.Start(pair.Left, isClient: true, new YamuxOptions { MeasureRoundTripAtStart = false, KeepAliveEnabled = false }, new FakeTimeProvider());
        var peer = new RawYamuxPeer(pair.Right);
        YamuxStream stream = await client.OpenStreamAsync(CancellationToken.None).AsTask().WaitAsync(YamuxTest.Guard);

        Task writing = stream.Output.WriteAsync(new byte[Window + 10]).AsTask();
        long sent = 0;
        var sizes = new List<uint>();
        while (sent < Window)
        {
            (YamuxHeader data, _) = await peer.ReceiveUntilAsync(YamuxFrameType.Data);
            sizes.Add(data.Length);
            sent += data.Length;
        }

        Assert.Equal(Window, sent);
        Assert.All(sizes, size => Assert.True(size <= new YamuxOptions().MaxFramePayload));
        Assert.False(writing.IsCompleted);
        await peer.SendAsync(YamuxFrameType.WindowUpdate, YamuxFlags.Ack, stream.Id, 10);
        (YamuxHeader last, _) = await peer.ReceiveUntilAsync(YamuxFrameType.Data);
        Assert.Equal(10u, last.Length);
        await writing.WaitAsync(YamuxTest.Guard);
    }

    [Fact]
    public async Task Disposing_a_stream_whose_data_never_fits_the_window_resets_it_after_the_close_timeout()
    {
        var pair = DuplexPipePair.Create();
        var time = new FakeTimeProvider();
        var options = new YamuxOptions { MeasureRoundTripAtStart = false, KeepAliveEnabled = false };
        await using var client = YamuxSession.Start(pair.Left, isClient: true, options, time);
        var peer = new RawYamuxPeer(pair.Right);
        YamuxStream stream = await client.OpenStreamAsync(CancellationToken.None).AsTask().WaitAsync(YamuxTest.Guard);
        stream.Output.GetSpan(Window + 1);
        stream.Output.Advance(Window + 1); // unflushed: disposing must send it, and the peer grants nothing more

        Task disposing = stream.DisposeAsync().AsTask();
        long sent = 0;
        while (sent < Window)
        {
            (YamuxHeader data, _) = await peer.ReceiveUntilAsync(YamuxFrameType.Data);
            sent += data.Length;
        }

        Assert.False(disposing.IsCompleted);
        time.Advance(options.StreamCloseTimeout);
        await disposing.WaitAsync(YamuxTest.Guard);
        (YamuxHeader reset, _) = await peer.ReceiveUntilAsync(YamuxFrameType.WindowUpdate);

        Assert.Equal((YamuxFlags.Rst, stream.Id), (reset.Flags, reset.StreamId));
        Assert.Equal(0, client.ActiveStreams);
    }
}
