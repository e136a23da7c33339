using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.TestSupport;

namespace Venus.ChainSync.Libp2p.Tests.Host;

/// <summary>Peers that misbehave at each stage of the upgrade: each is cut off, and the host goes on serving others.</summary>
public sealed class HostilePeerTests
{
    private static readonly byte[] MultistreamNoise = Encode("/multistream/1.0.0\n", "/noise\n");

    [Theory]
    [InlineData("garbage before multistream")]
    [InlineData("a multistream line far past its bound")]
    [InlineData("garbage noise message")]
    [InlineData("a 65535-byte noise message")]
    public async Task Garbage_at_a_stage_of_the_upgrade_closes_that_connection_only(string stage)
    {
        await using var fixture = new HostFixture();
        Libp2pHost target = await fixture.StartHostAsync();
        Libp2pHost honest = await fixture.StartHostAsync();

        using Socket attacker = await ConnectRawAsync(target);
        await attacker.SendAsync(Hostile(stage), SocketFlags.None, TestGuard.Token());

        await ReadUntilClosedAsync(attacker);
        await HostFixture.ConnectAndIdentifyAsync(honest, target);
        Assert.Equal([honest.LocalPeer], target.ConnectedPeers);
    }

    [Fact]
    public async Task A_handshake_that_stalls_is_cut_at_the_upgrade_deadline()
    {
        var time = new FakeTimeProvider();
        await using var fixture = new HostFixture();
        Libp2pHost target = await fixture.StartHostAsync(o => o.UpgradeTimeout = TimeSpan.FromSeconds(15), time);
        using Socket attacker = await ConnectRawAsync(target);
        await attacker.SendAsync(MultistreamNoise, SocketFlags.None, TestGuard.Token());

        // The host has the connection in an upgrade now: its multistream answer proves it read our proposal.
        await ReadAtLeastAsync(attacker, MultistreamNoise.Length);
        time.Advance(TimeSpan.FromSeconds(16));

        await ReadUntilClosedAsync(attacker);
        Assert.Empty(target.ConnectedPeers);
    }

    [Fact]
    public async Task A_connection_flood_past_the_inbound_cap_is_refused_and_the_slots_free_when_it_ends()
    {
        await using var fixture = new HostFixture();
        Libp2pHost target = await fixture.StartHostAsync(o => o.Limits = new Venus.ChainSync.Libp2p.Connections.ConnectionLimits { MaxInboundConnections = 4, MaxInboundPerIp = 4, MaxInboundPerIpv6Slash48 = 4, MaxPendingUpgrades = 4 });
        Libp2pHost honest = await fixture.StartHostAsync();
        var flood = new List<Socket>();
        try
        {
            // Four sockets that say nothing hold every inbound slot (each is in its upgrade, waiting for multistream).
            for (int i = 0; i < 4; i++)
            {
                Socket held = await ConnectRawAsync(target);
                flood.Add(held);
                await held.SendAsync(MultistreamNoise, SocketFlags.None, TestGuard.Token());
                await ReadAtLeastAsync(held, MultistreamNoise.Length);
            }

            // The host resets the fifth at once; the reset may even reach us before our connect call returns.
            await ConnectThenReadUntilClosedAsync(target);
            await fixture.WaitForLogAsync(4003);
        }
        finally
        {
            foreach (Socket socket in flood)
            {
                socket.Dispose();
            }
        }

        // The upgrades of the closed sockets fail, which frees their slots.
        await HostFixture.ConnectAndIdentifyAsync(honest, target);
        Assert.Equal([honest.LocalPeer], target.ConnectedPeers);
    }

    private static byte[] Hostile(string stage) => stage switch
    {
        "garbage before multistream" => [0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3],
        "a multistream line far past its bound" => [0x80, 0x80, 0x04, .. new byte[64]],
        "garbage noise message" => [.. MultistreamNoise, 0x00, 0x20, .. new byte[32]],
        "a 65535-byte noise message" => [.. MultistreamNoise, 0xff, 0xff, .. new byte[65535]],
        _ => throw new ArgumentOutOfRangeException(nameof(stage)),
    };

    private static byte[] Encode(params string[] lines)
    {
        var bytes = new List<byte>();
        foreach (string line in lines)
        {
            byte[] utf8 = System.Text.Encoding.UTF8.GetBytes(line);
            bytes.Add((byte)utf8.Length); // every line here is shorter than 128 bytes: a one-byte varint
            bytes.AddRange(utf8);
        }

        return [.. bytes];
    }

    private static async Task<Socket> ConnectRawAsync(Libp2pHost host)
    {
        int port = int.Parse(host.ListenAddresses[0].ToString().Split('/')[4], System.Globalization.CultureInfo.InvariantCulture);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), TestGuard.Token());
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task ConnectThenReadUntilClosedAsync(Libp2pHost host)
    {
        Socket socket;
        try
        {
            socket = await ConnectRawAsync(host);
        }
        catch (SocketException)
        {
            return;
        }

        using (socket)
        {
            await ReadUntilClosedAsync(socket);
        }
    }

    private static async Task ReadAtLeastAsync(Socket socket, int count)
    {
        var buffer = new byte[count];
        int read = 0;
        CancellationToken guard = TestGuard.Token();
        while (read < count)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, guard);
            Assert.NotEqual(0, n);
            read += n;
        }
    }

    /// <summary>Reads and drops whatever the host sends until it closes or resets the connection.</summary>
    private static async Task ReadUntilClosedAsync(Socket socket)
    {
        var buffer = new byte[4096];
        CancellationToken guard = TestGuard.Token();
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, guard) > 0)
            {
            }
        }
        catch (SocketException)
        {
            // A reset is a close too.
        }
    }
}
