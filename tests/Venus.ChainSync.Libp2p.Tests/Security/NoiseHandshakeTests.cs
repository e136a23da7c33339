using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Google.Protobuf;
using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.Libp2p.Protobuf;
using Venus.ChainSync.Libp2p.Security;
using Venus.ChainSync.Libp2p.Tests.Support;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p.Tests.Security;

/// <summary>The noise-libp2p handshake between two ends, and against peers that break it.</summary>
public sealed class NoiseHandshakeTests : IDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);

    private readonly Libp2pIdentity _dialler = Libp2pIdentity.Generate();
    private readonly Libp2pIdentity _listener = Libp2pIdentity.Generate();

    public void Dispose()
    {
        _dialler.Dispose();
        _listener.Dispose();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Both_ends_learn_each_others_peer_id_whichever_end_dials(bool leftDials)
    {
        DuplexPipePair pair = DuplexPipePair.Create();
        (IDuplexPipe dialSide, IDuplexPipe listenSide) = leftDials ? (pair.Left, pair.Right) : (pair.Right, pair.Left);

        Task<SecureChannel> dial = NoiseHandshake.InitiateAsync(dialSide, _dialler, _listener.PeerId, NoiseOptions.Default, TimeProvider.System, default);
        Task<SecureChannel> listen = NoiseHandshake.RespondAsync(listenSide, _listener, NoiseOptions.Default, TimeProvider.System, default);
        await using SecureChannel dialled = await dial.WaitAsync(Guard);
        await using SecureChannel listened = await listen.WaitAsync(Guard);

        Assert.Equal(_listener.PeerId, dialled.RemotePeer);
        Assert.Equal(_dialler.PeerId, listened.RemotePeer);
        Assert.Equal(_dialler.PublicKey.ToArray(), listened.RemoteKey.Encoded.ToArray());
        Assert.Empty(dialled.RemoteStreamMuxers);
    }

    [Fact]
    public async Task Offered_stream_muxers_reach_the_other_end_in_both_directions()
    {
        DuplexPipePair pair = DuplexPipePair.Create();
        var diallerOptions = new NoiseOptions { StreamMuxers = ["/yamux/1.0.0"] };
        var listenerOptions = new NoiseOptions { StreamMuxers = ["/yamux/1.0.0", "/mplex/6.7.0"] };

        (SecureChannel dialled, SecureChannel listened) = await ConnectAsync(pair, diallerOptions, listenerOptions);
        await using (dialled)
        await using (listened)
        {
            Assert.Equal(["/yamux/1.0.0", "/mplex/6.7.0"], dialled.RemoteStreamMuxers);
            Assert.Equal(["/yamux/1.0.0"], listened.RemoteStreamMuxers);
        }
    }

    [Fact]
    public async Task Bytes_already_buffered_after_the_handshake_are_the_first_transport_frame()
    {
        // The dialler's first frame may arrive in the same read as its third handshake message.
        DuplexPipePair pair = DuplexPipePair.Create();
        using var raw = new RawNoiseInitiator(pair.Left);
        Task<SecureChannel> listen = NoiseHandshake.RespondAsync(pair.Right, _listener, NoiseOptions.Default, TimeProvider.System, default);
        await raw.StartAsync().WaitAsync(Guard);
        byte[] third = await ThirdMessageAndFrameAsync(raw, "early"u8.ToArray());

        await using SecureChannel listened = await listen.WaitAsync(Guard);
        ReadResult read = await listened.Input.ReadAsync().AsTask().WaitAsync(Guard);

        Assert.Equal("early"u8.ToArray(), read.Buffer.ToArray());
        Assert.NotEmpty(third);
    }

    [Fact]
    public async Task A_listener_that_is_not_the_peer_dialled_is_refused()
    {
        DuplexPipePair pair = DuplexPipePair.Create();
        using Libp2pIdentity someoneElse = Libp2pIdentity.Generate();

        Task<SecureChannel> dial = NoiseHandshake.InitiateAsync(pair.Left, _dialler, someoneElse.PeerId, NoiseOptions.Default, TimeProvider.System, default);
        Task<SecureChannel> listen = NoiseHandshake.RespondAsync(pair.Right, _listener, NoiseOptions.Default, TimeProvider.System, default);

        var ex = await Assert.ThrowsAsync<Libp2pProtocolException>(() => dial.WaitAsync(Guard));
        Assert.Equal(NoiseHandshake.ProtocolId, ex.Protocol);
        await pair.Left.Output.CompleteAsync(); // the dialler's caller closes the connection
        await Assert.ThrowsAsync<Libp2pProtocolException>(() => listen.WaitAsync(Guard));
    }

    [Fact]
    public async Task Garbage_as_the_first_message_is_refused()
    {
        DuplexPipePair pair = DuplexPipePair.Create();
        Task<SecureChannel> listen = NoiseHandshake.RespondAsync(pair.Right, _listener, NoiseOptions.Default, TimeProvider.System, default);

        await pair.Left.Output.WriteAsync(new byte[] { 0x00, 0x05, 1, 2, 3, 4, 5 });

        await Assert.ThrowsAsync<Libp2pProtocolException>(() => listen.WaitAsync(Guard));
    }

    [Fact]
    public async Task A_65535_byte_first_message_is_refused()
    {
        DuplexPipePair pair = DuplexPipePair.Create();
        Task<SecureChannel> listen = NoiseHandshake.RespondAsync(pair.Right, _listener, NoiseOptions.Default, TimeProvider.System, default);
        byte[] message = new byte[2 + ushort.MaxValue];
        BinaryPrimitives.WriteUInt16BigEndian(message, ushort.MaxValue);
        new Random(5).NextBytes(message.AsSpan(2));

        await pair.Left.Output.WriteAsync(message);

        await Assert.ThrowsAsync<Libp2pProtocolException>(() => listen.WaitAsync(Guard));
    }

    [Fact]
    public async Task Garbage_as_the_second_message_fails_to_decrypt()
    {
        DuplexPipePair pair = DuplexPipePair.Create();
        Task<SecureChannel> dial = NoiseHandshake.InitiateAsync(pair.Left, _dialler, null, NoiseOptions.Default, TimeProvider.System, default);
        await NoiseFraming.ReadMessageAsync(pair.Right.Input, default).AsTask().WaitAsync(Guard);
        byte[] garbage = new byte[2 + 200];
        BinaryPrimitives.WriteUInt16BigEndian(garbage, 200);
        new Random(6).NextBytes(garbage.AsSpan(2));

        await pair.Right.Output.WriteAsync(garbage);

        await Assert.ThrowsAsync<Libp2pProtocolException>(() => dial.WaitAsync(Guard));
    }

    [Fact]
    public async Task A_signature_of_another_static_key_is_refused()
    {
        DuplexPipePair pair = DuplexPipePair.Create();
        using var raw = new RawNoiseInitiator(pair.Left);
        Task<SecureChannel> listen = NoiseHandshake.RespondAsync(pair.Right, _listener, NoiseOptions.Default, TimeProvider.System, default);
        await raw.StartAsync().WaitAsync(Guard);
        byte[] otherStatic = new byte[32];
        otherStatic[0] = 9;

        await raw.FinishAsync(NoisePayload.Create(_dialler, otherStatic, []));

        var ex = await Assert.ThrowsAsync<Libp2pProtocolException>(() => listen.WaitAsync(Guard));
        Assert.Contains("signature", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no identity key")]
    [InlineData("undecodable identity key")]
    [InlineData("not a protobuf")]
    public async Task A_payload_without_a_usable_identity_key_is_refused(string defect)
    {
        DuplexPipePair pair = DuplexPipePair.Create();
        using var raw = new RawNoiseInitiator(pair.Left);
        Task<SecureChannel> listen = NoiseHandshake.RespondAsync(pair.Right, _listener, NoiseOptions.Default, TimeProvider.System, default);
        await raw.StartAsync().WaitAsync(Guard);
        byte[] payload = defect switch
        {
            "no identity key" => new NoiseHandshakePayload { IdentitySig = ByteString.CopyFrom(1, 2, 3) }.ToByteArray(),
            "undecodable identity key" => new NoiseHandshakePayload { IdentityKey = ByteString.CopyFrom(8, 1, 18, 3, 1, 2, 3) }.ToByteArray(),
            _ => [0xff, 0xff, 0xff],
        };

        await raw.FinishAsync(payload);

        await Assert.ThrowsAsync<Libp2pProtocolException>(() => listen.WaitAsync(Guard));
    }

    [Fact]
    public async Task A_stalled_handshake_times_out_on_the_clock_given()
    {
        DuplexPipePair pair = DuplexPipePair.Create();
        var clock = new FakeTimeProvider();
        Task<SecureChannel> dial = NoiseHandshake.InitiateAsync(pair.Left, _dialler, null, NoiseOptions.Default, clock, default);
        await NoiseFraming.ReadMessageAsync(pair.Right.Input, default).AsTask().WaitAsync(Guard); // message 1, then silence

        clock.Advance(NoiseOptions.Default.HandshakeTimeout - TimeSpan.FromMilliseconds(1));
        Assert.False(dial.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(1));

        var ex = await Assert.ThrowsAsync<Libp2pProtocolException>(() => dial.WaitAsync(Guard));
        Assert.Contains("10 s", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_callers_cancellation_is_a_cancellation_not_a_protocol_fault()
    {
        DuplexPipePair pair = DuplexPipePair.Create();
        using var cancel = new CancellationTokenSource();
        Task<SecureChannel> listen = NoiseHandshake.RespondAsync(pair.Right, _listener, NoiseOptions.Default, TimeProvider.System, cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => listen.WaitAsync(Guard));
    }

    [Fact]
    public async Task A_connection_that_ends_mid_handshake_is_a_protocol_fault()
    {
        DuplexPipePair pair = DuplexPipePair.Create();
        Task<SecureChannel> listen = NoiseHandshake.RespondAsync(pair.Right, _listener, NoiseOptions.Default, TimeProvider.System, default);

        await pair.Left.Output.WriteAsync(new byte[] { 0x00, 0x20, 1, 2, 3 });
        await pair.Left.Output.CompleteAsync();

        await Assert.ThrowsAsync<Libp2pProtocolException>(() => listen.WaitAsync(Guard));
    }

    internal static async Task<(SecureChannel Dialled, SecureChannel Listened)> ConnectAsync(
        DuplexPipePair pair, Libp2pIdentity dialler, Libp2pIdentity listener, NoiseOptions? diallerOptions = null, NoiseOptions? listenerOptions = null)
    {
        Task<SecureChannel> dial = NoiseHandshake.InitiateAsync(pair.Left, dialler, listener.PeerId, diallerOptions ?? NoiseOptions.Default, TimeProvider.System, default);
        Task<SecureChannel> listen = NoiseHandshake.RespondAsync(pair.Right, listener, listenerOptions ?? NoiseOptions.Default, TimeProvider.System, default);
        return (await dial.WaitAsync(Guard), await listen.WaitAsync(Guard));
    }

    private Task<(SecureChannel Dialled, SecureChannel Listened)> ConnectAsync(DuplexPipePair pair, NoiseOptions diallerOptions, NoiseOptions listenerOptions) =>
        ConnectAsync(pair, _dialler, _listener, diallerOptions, listenerOptions);

    private async Task<byte[]> ThirdMessageAndFrameAsync(RawNoiseInitiator raw, byte[] plaintext)
    {
        // Message 3 and a frame in one write, through a pipe the test holds back until both are in.
        var holding = new Pipe();
        await raw.FinishAsync(NoisePayload.Create(_dialler, raw.StaticPublicKey, []), holding.Writer);
        await holding.Writer.WriteAsync(raw.Seal(plaintext));
        await holding.Writer.CompleteAsync();
        ReadResult all = await holding.Reader.ReadAsync();
        byte[] bytes = all.Buffer.ToArray();
        await raw.WriteRawAsync(bytes);
        return bytes;
    }
}
