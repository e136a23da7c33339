using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.Libp2p.Multiplexing;
using Venus.ChainSync.Libp2p.Tests.Support;

namespace Venus.ChainSync.Libp2p.Tests.Multiplexing;

/// <summary>A server session fed raw frames by a hostile client: every bad frame ends the session the way go-yamux
/// does, and floods are capped without ending it.</summary>
public sealed class YamuxHostileTests
{
    private static (YamuxSession Server, RawYamuxPeer Peer) Start(YamuxOptions? options = null)
    {
        var pair = DuplexPipePair.Create();
        var server = YamuxSession.Start(pair.Right, isClient: false, options ?? new YamuxOptions { MeasureRoundTripAtStart = false, KeepAliveEnabled = false }, new FakeTimeProvider());
        return (server, new RawYamuxPeer(pair.Left));
    }

    private static async Task AssertProtocolErrorAsync(YamuxSession server, RawYamuxPeer peer)
    {
        await Assert.ThrowsAsync<Libp2pProtocolException>(() => server.Completion.WaitAsync(YamuxTest.Guard));
        (YamuxHeader goAway, _) = await peer.ReceiveUntilAsync(YamuxFrameType.GoAway);
        Assert.Equal((uint)YamuxGoAwayCode.ProtocolError, goAway.Length);
        Assert.True(server.IsClosed);
    }

    [Fact]
    public async Task Data_frame_claiming_2_GiB_for_an_unknown_stream_is_refused_before_any_payload()
    {
        (YamuxSession server, RawYamuxPeer peer) = Start();

        await peer.SendAsync(YamuxFrameType.Data, YamuxFlags.None, 1, 1u << 31);

        await AssertProtocolErrorAsync(server, peer);
    }

    [Fact]
    public async Task Data_frame_claiming_2_GiB_on_an_open_stream_is_refused_before_any_payload()
    {
        (YamuxSession server, RawYamuxPeer peer) = Start();

        await peer.SendAsync(YamuxFrameType.WindowUpdate, YamuxFlags.Syn, 1, 0);
        await peer.SendAsync(YamuxFrameType.Data, YamuxFlags.None, 1, 1u << 31);

        await AssertProtocolErrorAsync(server, peer);
    }

    [Fact]
    public async Task Data_one_byte_past_the_window_ends_the_session_with_a_protocol_error_GoAway()
    {
        (YamuxSession server, RawYamuxPeer peer) = Start();
        await peer.SendAsync(YamuxFrameType.WindowUpdate, YamuxFlags.Syn, 1, 0);
        await peer.SendAsync(YamuxFrameType.Data, YamuxFlags.None, 1, YamuxOptions.SpecInitialWindow, new byte[YamuxOptions.SpecInitialWindow]);
        await peer.RoundTripAsync(); // the full window is fine

        await peer.SendAsync(YamuxFrameType.Data, YamuxFlags.None, 1, 1, new byte[1]);

        await AssertProtocolErrorAsync(server, peer);
    }

    [Theory]
    [InlineData(new byte[] { 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0 })] // version 1
    [InlineData(new byte[] { 0, 4, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0 })] // type 4
    [InlineData(new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff })]
    [InlineData(new byte[] { 0x47, 0x45, 0x54, 0x20, 0x2f, 0x20, 0x48, 0x54, 0x54, 0x50, 0x2f, 0x31 })] // "GET / HTTP/1"
    public async Task Header_of_unknown_version_or_type_is_a_protocol_error(byte[] header)
    {
        (YamuxSession server, RawYamuxPeer peer) = Start();

        await peer.SendRawAsync(header);

        await AssertProtocolErrorAsync(server, peer);
    }

    [Fact]
    public async Task Window_update_overflowing_32_bits_is_a_protocol_error()
    {
        (YamuxSession server, RawYamuxPeer peer) = Start();
        await peer.SendAsync(YamuxFrameType.WindowUpdate, YamuxFlags.Syn, 1, 0);

        await peer.SendAsync(YamuxFrameType.WindowUpdate, YamuxFlags.None, 1, uint.MaxValue);

        await AssertProtocolErrorAsync(server, peer);
    }

    [Fact]
    public async Task Stream_opened_with_this_sides_id_parity_is_a_protocol_error()
    {
        (YamuxSession server, RawYamuxPeer peer) = Start();

        await peer.SendAsync(YamuxFrameType.WindowUpdate, YamuxFlags.Syn, 2, 0);

        await AssertProtocolErrorAsync(server, peer);
    }

    [Fact]
    public async Task Stream_opened_twice_is_a_protocol_error()
    {
        (YamuxSession server, RawYamuxPeer peer) = Start();

        await peer.SendAsync(YamuxFrameType.WindowUpdate, YamuxFlags.Syn, 1, 0);
        await peer.SendAsync(YamuxFrameType.WindowUpdate, YamuxFlags.Syn, 1, 0);

        await AssertProtocolErrorAsync(server, peer);
    }

    [Fact]
    public async Task Data_for_an_unknown_stream_is_discarded_and_the_session_carries_on()
    {
        (YamuxSession server, RawYamuxPeer peer) = Start();

        await peer.SendAsync(YamuxFrameType.Data, YamuxFlags.None, 7, 1000, new byte[1000]);
        await peer.SendAsync(YamuxFrameType.WindowUpdate, YamuxFlags.None, 9, 1000);
        await peer.RoundTripAsync();

        Assert.False(server.IsClosed);
        Assert.Equal(0, server.ActiveStreams);
    }

    [Fact]
    public async Task Syn_flood_past_the_accept_backlog_is_reset_and_the_session_still_works()
    {
        (YamuxSession server, RawYamuxPeer peer) = Start(new YamuxOptions { MeasureRoundTripAtStart = false, KeepAliveEnabled = false, MaxUnacknowledgedInbound = 4 });

        for (uint id = 1; id <= 19; id += 2)
        {
            await peer.SendAsync(YamuxFrameType.WindowUpdate, YamuxFlags.Syn, id, 0);
        }

        List<YamuxHeader> answers = await peer.RoundTripAsync();

        Assert.Equal([9u, 11u, 13u, 15u, 17u, 19u], answers.Where(h => h.Flags == YamuxFlags.Rst).Select(h => h.StreamId));
        Assert.Equal(4, server.ActiveStreams);
        YamuxStream first = await server.AcceptStreamAsync(CancellationToken.None).AsTask().WaitAsync(YamuxTest.Guard);
        Assert.Equal(1u, first.Id);
        (YamuxHeader ack, _) = await peer.ReceiveUntilAsync(YamuxFrameType.WindowUpdate);
        Assert.Equal((YamuxFlags.Ack, 1u), (ack.Flags, ack.StreamId));
        Assert.False(server.IsClosed);
    }

    [Fact]
    public async Task Ten_thousand_streams_from_one_peer_are_capped_and_the_session_survives()
    {
        (YamuxSession server, RawYamuxPeer peer) = Start();
        var accepted = new List<YamuxStream>();
        using var stopAccepting = new CancellationTokenSource();
        Task accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    accepted.Add(await server.AcceptStreamAsync(stopAccepting.Token));
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        var flood = new byte[10_000 * YamuxHeader.Size];
        for (int i = 0; i < 10_000; i++)
        {
            RawYamuxPeer.Header(YamuxFrameType.WindowUpdate, YamuxFlags.Syn, (uint)((2 * i) + 1), 0).CopyTo(flood, i * YamuxHeader.Size);
        }

        await peer.SendRawAsync(flood);
        List<YamuxHeader> answers = await peer.RoundTripAsync();
        stopAccepting.Cancel();
        await accepting.WaitAsync(YamuxTest.Guard);

        int resets = answers.Count(h => h.Flags == YamuxFlags.Rst);
        Assert.True(server.ActiveStreams <= new YamuxOptions().MaxStreams, $"{server.ActiveStreams} streams open");
        Assert.True(resets >= 10_000 - new YamuxOptions().MaxStreams, $"{resets} resets");
        Assert.Equal(10_000, resets + server.ActiveStreams);
        Assert.False(server.IsClosed);
    }
}
