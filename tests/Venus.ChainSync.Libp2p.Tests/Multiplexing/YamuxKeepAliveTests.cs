using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.Libp2p.Multiplexing;
using Venus.ChainSync.Libp2p.Tests.Support;

namespace Venus.ChainSync.Libp2p.Tests.Multiplexing;

/// <summary>Keep-alive pings on a fake clock: sent after a silent interval, and fatal when unanswered.</summary>
public sealed class YamuxKeepAliveTests
{
    // No start-up ping: these tests count the keep-alive pings alone.
    private static readonly YamuxOptions Options = new() { MeasureRoundTripAtStart = false };

    [Fact]
    public async Task Silent_session_pings_after_the_keep_alive_interval_and_survives_when_answered()
    {
        var pair = DuplexPipePair.Create();
        var time = new FakeTimeProvider();
        await using var session = YamuxSession.Start(pair.Right, isClient: false, Options, time);
        var peer = new RawYamuxPeer(pair.Left);

        time.Advance(Options.KeepAliveInterval);
        (YamuxHeader ping, _) = await peer.ReceiveUntilAsync(YamuxFrameType.Ping);
        Assert.Equal(YamuxFlags.Syn, ping.Flags);
        await peer.SendAsync(YamuxFrameType.Ping, YamuxFlags.Ack, 0, ping.Length);
        await peer.RoundTripAsync();
        time.Advance(Options.WriteTimeout);

        await peer.RoundTripAsync();
        Assert.False(session.IsClosed);
    }

    [Fact]
    public async Task Unanswered_keep_alive_ping_closes_the_session_after_the_write_timeout()
    {
        var pair = DuplexPipePair.Create();
        var time = new FakeTimeProvider();
        await using var session = YamuxSession.Start(pair.Right, isClient: false, Options, time);
        var peer = new RawYamuxPeer(pair.Left);

        time.Advance(Options.KeepAliveInterval);
        (YamuxHeader ping, _) = await peer.ReceiveUntilAsync(YamuxFrameType.Ping);
        Assert.Equal(YamuxFlags.Syn, ping.Flags);
        time.Advance(Options.WriteTimeout);

        await Assert.ThrowsAsync<IOException>(() => session.Completion.WaitAsync(YamuxTest.Guard));
        Assert.True(session.IsClosed);
    }

    [Fact]
    public async Task Session_that_hears_from_its_peer_does_not_ping()
    {
        var pair = DuplexPipePair.Create();
        var time = new FakeTimeProvider();
        await using var session = YamuxSession.Start(pair.Right, isClient: false, Options, time);
        var peer = new RawYamuxPeer(pair.Left);

        await peer.RoundTripAsync(1);
        time.Advance(Options.KeepAliveInterval);
        List<YamuxHeader> before = await peer.RoundTripAsync(2);

        Assert.DoesNotContain(before, h => h.Type == YamuxFrameType.Ping);
        Assert.False(session.IsClosed);
    }

    [Fact]
    public async Task Two_sessions_keep_each_other_alive()
    {
        await using var pair = YamuxSessionPair.Start(Options);

        // Both sides ping at once; each answers the other's. (The clock is not moved on while a ping may be in
        // flight: that would be a peer too slow to answer, which the raw-peer test covers.)
        pair.Time.Advance(pair.Client.Options.KeepAliveInterval);

        await pair.Client.PingAsync(CancellationToken.None).AsTask().WaitAsync(YamuxTest.Guard);
        await pair.Server.PingAsync(CancellationToken.None).AsTask().WaitAsync(YamuxTest.Guard);
        Assert.False(pair.Client.IsClosed);
        Assert.False(pair.Server.IsClosed);
    }
}
