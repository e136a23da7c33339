using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using Venus.ChainSync.Network;
using Venus.ChainSync.TestSupport;

namespace Venus.ChainSync.Libp2p.Tests.Host;

public sealed class Libp2pHostTests
{
    private const string Echo = "/venus-test/echo/1.0.0";

    [Fact]
    public async Task Two_hosts_connect_and_each_identifies_the_other_with_its_protocols()
    {
        await using var fixture = new HostFixture();
        Libp2pHost a = await fixture.StartHostAsync();
        Libp2pHost b = await fixture.StartHostAsync();
        b.SetStreamHandler(Echo, EchoAsync);
        CancellationToken guard = TestGuard.Token();
        Task<ConnectionEvent> aSeesB = HostFixture.NextAsync(a, b.LocalPeer, ConnectionChange.Identified, guard);
        Task<ConnectionEvent> bSeesA = HostFixture.NextAsync(b, a.LocalPeer, ConnectionChange.Identified, guard);

        PeerId dialled = await a.ConnectAsync(b.ListenAddresses[0], guard);

        Assert.Equal(b.LocalPeer, dialled);
        ConnectionEvent identified = await aSeesB;
        Assert.True(identified.IsOutbound);
        Assert.Contains(Echo, identified.Protocols);
        Assert.Contains("/ipfs/id/1.0.0", identified.Protocols);
        Assert.Contains("/ipfs/ping/1.0.0", identified.Protocols);
        Assert.False((await bSeesA).IsOutbound);
        Assert.Contains(Echo, a.GetPeerProtocols(b.LocalPeer));
        Assert.Equal([b.LocalPeer], a.ConnectedPeers);
        Assert.Equal([a.LocalPeer], b.ConnectedPeers);
    }

    [Fact]
    public async Task A_custom_protocol_echoes_ten_mebibytes_intact()
    {
        await using var fixture = new HostFixture();
        Libp2pHost a = await fixture.StartHostAsync();
        Libp2pHost b = await fixture.StartHostAsync();
        b.SetStreamHandler(Echo, EchoAsync);
        await HostFixture.ConnectAndIdentifyAsync(a, b);
        byte[] payload = RandomNumberGenerator.GetBytes(10 << 20);

        byte[] echoed = await RoundTripAsync(a, b.LocalPeer, payload);

        Assert.Equal(SHA256.HashData(payload), SHA256.HashData(echoed));
    }

    [Fact]
    public async Task A_hundred_concurrent_streams_each_echo_their_own_bytes()
    {
        await using var fixture = new HostFixture();
        Libp2pHost a = await fixture.StartHostAsync();

        // go-libp2p's default, 64 inbound streams per peer and protocol, would reset the last 36.
        Libp2pHost b = await fixture.StartHostAsync(o => o.Limits = new Venus.ChainSync.Libp2p.Connections.ConnectionLimits { MaxInboundStreamsPerProtocol = 128 });
        b.SetStreamHandler(Echo, EchoAsync);
        await HostFixture.ConnectAndIdentifyAsync(a, b);

        byte[][] payloads = [.. Enumerable.Range(0, 100).Select(i => RandomNumberGenerator.GetBytes(16_384 + i))];
        byte[][] echoed = await Task.WhenAll(payloads.Select(p => RoundTripAsync(a, b.LocalPeer, p)));

        for (int i = 0; i < payloads.Length; i++)
        {
            Assert.Equal(payloads[i], echoed[i]);
        }
    }

    [Fact]
    public async Task Streams_past_the_per_protocol_cap_are_reset_and_the_connection_keeps_serving()
    {
        await using var fixture = new HostFixture();
        Libp2pHost a = await fixture.StartHostAsync();
        Libp2pHost b = await fixture.StartHostAsync(o => o.Limits = new Venus.ChainSync.Libp2p.Connections.ConnectionLimits { MaxInboundStreamsPerProtocol = 4 });
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = new CountdownEvent(4);
        b.SetStreamHandler(Echo, async (stream, token) =>
        {
            held.Signal();
            await release.Task.WaitAsync(token);
            await EchoAsync(stream, token);
        });
        await HostFixture.ConnectAndIdentifyAsync(a, b);

        Task<byte[]>[] first = [.. Enumerable.Range(0, 4).Select(i => RoundTripAsync(a, b.LocalPeer, [(byte)i]))];
        await Task.Run(() => held.Wait(TestGuard.Token()));
        await Assert.ThrowsAnyAsync<IOException>(() => RoundTripAsync(a, b.LocalPeer, [99]));
        release.SetResult();

        Assert.Equal([0, 1, 2, 3], (await Task.WhenAll(first)).Select(r => r[0]));

        // Another protocol on the same connection: the echo slots free only once the server's handlers have
        // returned, which can be just after the client saw their answers end.
        await a.PingAsync(b.LocalPeer, TestGuard.Token());
        Assert.Equal([b.LocalPeer], a.ConnectedPeers);
    }

    [Fact]
    public async Task Opening_a_stream_dials_a_peer_whose_address_is_known()
    {
        await using var fixture = new HostFixture();
        Libp2pHost a = await fixture.StartHostAsync();
        Libp2pHost b = await fixture.StartHostAsync();
        b.SetStreamHandler(Echo, EchoAsync);
        a.AddAddress(b.LocalPeer, b.ListenAddresses[0]);

        byte[] echoed = await RoundTripAsync(a, b.LocalPeer, [1, 2, 3]);

        Assert.Equal([1, 2, 3], echoed);
    }

    [Fact]
    public async Task A_protocol_the_peer_does_not_speak_fails_the_open_and_keeps_the_connection()
    {
        await using var fixture = new HostFixture();
        Libp2pHost a = await fixture.StartHostAsync();
        Libp2pHost b = await fixture.StartHostAsync();
        await HostFixture.ConnectAndIdentifyAsync(a, b);

        await Assert.ThrowsAnyAsync<IOException>(async () => await a.OpenStreamAsync(b.LocalPeer, "/not/spoken/1.0.0", TestGuard.Token()));

        Assert.Equal([b.LocalPeer], a.ConnectedPeers);
    }

    [Fact]
    public async Task Ping_answers_with_a_round_trip()
    {
        await using var fixture = new HostFixture();
        Libp2pHost a = await fixture.StartHostAsync();
        Libp2pHost b = await fixture.StartHostAsync();
        await HostFixture.ConnectAndIdentifyAsync(a, b);

        TimeSpan roundTrip = await a.PingAsync(b.LocalPeer, TestGuard.Token());

        Assert.True(roundTrip >= TimeSpan.Zero);
    }

    [Fact]
    public async Task A_handler_added_after_connecting_reaches_the_peer_by_identify_push()
    {
        await using var fixture = new HostFixture();
        Libp2pHost a = await fixture.StartHostAsync();
        Libp2pHost b = await fixture.StartHostAsync();
        await HostFixture.ConnectAndIdentifyAsync(a, b);
        Assert.DoesNotContain(Echo, a.GetPeerProtocols(b.LocalPeer));

        b.SetStreamHandler(Echo, EchoAsync);
        await fixture.WaitForLogAsync(4009);

        Assert.Contains(Echo, a.GetPeerProtocols(b.LocalPeer));
    }

    [Fact]
    public async Task Dialling_each_other_at_once_leaves_one_connection_on_each_side()
    {
        await using var fixture = new HostFixture();
        Libp2pHost a = await fixture.StartHostAsync();
        Libp2pHost b = await fixture.StartHostAsync();
        b.SetStreamHandler(Echo, EchoAsync);
        a.SetStreamHandler(Echo, EchoAsync);
        CancellationToken guard = TestGuard.Token();

        await Task.WhenAll(a.ConnectAsync(b.ListenAddresses[0], guard).AsTask(), b.ConnectAsync(a.ListenAddresses[0], guard).AsTask());

        // Whichever connection each side kept, streams work both ways and each side counts one peer.
        Assert.Equal([9], await RoundTripAsync(a, b.LocalPeer, [9]));
        Assert.Equal([8], await RoundTripAsync(b, a.LocalPeer, [8]));
        Assert.Equal([b.LocalPeer], a.ConnectedPeers);
        Assert.Equal([a.LocalPeer], b.ConnectedPeers);
    }

    [Fact]
    public async Task Disconnecting_raises_disconnected_on_both_sides()
    {
        await using var fixture = new HostFixture();
        Libp2pHost a = await fixture.StartHostAsync();
        Libp2pHost b = await fixture.StartHostAsync();
        await HostFixture.ConnectAndIdentifyAsync(a, b);
        CancellationToken guard = TestGuard.Token();
        Task<ConnectionEvent> atA = HostFixture.NextAsync(a, b.LocalPeer, ConnectionChange.Disconnected, guard);
        Task<ConnectionEvent> atB = HostFixture.NextAsync(b, a.LocalPeer, ConnectionChange.Disconnected, guard);

        await a.DisconnectAsync(b.LocalPeer, guard);

        await Task.WhenAll(atA, atB);
        Assert.Empty(a.ConnectedPeers);
        Assert.Empty(b.ConnectedPeers);
    }

    [Fact]
    public async Task An_address_naming_another_peer_id_is_refused_by_the_handshake()
    {
        await using var fixture = new HostFixture();
        Libp2pHost a = await fixture.StartHostAsync();
        Libp2pHost b = await fixture.StartHostAsync();
        using var impostor = Libp2pIdentity.Generate();
        Multiaddr wrong = Multiaddr.Parse(b.ListenAddresses[0].ToString().Replace(b.LocalPeer.ToString(), impostor.PeerId.ToString(), StringComparison.Ordinal));

        await Assert.ThrowsAnyAsync<IOException>(async () => await a.ConnectAsync(wrong, TestGuard.Token()));

        Assert.Empty(a.ConnectedPeers);
    }

    [Fact]
    public async Task The_identity_key_file_is_created_once_and_reused()
    {
        string path = Path.Combine(Path.GetTempPath(), $"venus-libp2p-{Guid.NewGuid():N}.key");
        try
        {
            await using var fixture = new HostFixture();
            Libp2pHost first = await fixture.StartHostAsync(o => o.IdentityKeyFile = path);
            Libp2pHost second = await fixture.StartHostAsync(o => o.IdentityKeyFile = path);

            Assert.True(File.Exists(path));
            Assert.Equal(first.LocalPeer, second.LocalPeer);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Invalid_options_are_listed_at_construction()
    {
        var options = new Libp2pHostOptions { LowWater = 10, HighWater = 5, DialTimeout = TimeSpan.Zero };
        options.ListenAddresses.Add("/ip4/999.0.0.1/tcp/1");
        options.BootstrapPeers.Add("/ip4/127.0.0.1/tcp/1");

        ArgumentException error = Assert.Throws<ArgumentException>(() => new Libp2pHost(options));

        Assert.Equal(4, options.Validate().Count);
        Assert.Contains("BootstrapPeers", error.Message, StringComparison.Ordinal);
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

    internal static async Task<byte[]> RoundTripAsync(Libp2pHost from, PeerId to, byte[] payload)
    {
        CancellationToken guard = TestGuard.Token(60);
        INetworkStream stream = await from.OpenStreamAsync(to, Echo, guard);
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
        var received = new ArrayBufferWriter<byte>();
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
                return received.WrittenSpan.ToArray();
            }
        }
    }
}
