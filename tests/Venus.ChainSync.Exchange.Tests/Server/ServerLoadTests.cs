using Venus.ChainSync.Network;

namespace Venus.ChainSync.Exchange.Tests.Server;

/// <summary>The admission control alone: request slots and byte reservations, per peer and in total.</summary>
public class ServerLoadTests
{
    private static readonly PeerId A = PeerId.ForName("a");
    private static readonly PeerId B = PeerId.ForName("b");

    [Fact]
    public void A_head_is_granted_over_the_peer_byte_cap_but_later_tipsets_are_not()
    {
        var load = new ServerLoad(new ExchangeServerOptions { MaxBytesInFlightPerPeer = 100, MaxBytesInFlight = 1000 });
        Assert.Null(load.TryAdmit(A, out ServerLoad.Lease? first));
        Assert.Null(load.TryAdmit(A, out ServerLoad.Lease? second));

        Assert.Equal(ServerLoad.Grant.Granted, first!.TryReserve(100, atHead: true));
        Assert.Equal(ServerLoad.Grant.Granted, second!.TryReserve(80, atHead: true));
        Assert.Equal(ServerLoad.Grant.OverPeerCap, second.TryReserve(1, atHead: false));
        Assert.Equal(180, load.Bytes);
    }

    [Fact]
    public void The_total_byte_cap_refuses_even_a_head_and_other_peers_keep_their_own_budget()
    {
        var load = new ServerLoad(new ExchangeServerOptions { MaxBytesInFlightPerPeer = 100, MaxBytesInFlight = 150 });
        Assert.Null(load.TryAdmit(A, out ServerLoad.Lease? a));
        Assert.Null(load.TryAdmit(B, out ServerLoad.Lease? b));

        Assert.Equal(ServerLoad.Grant.Granted, a!.TryReserve(100, atHead: true));
        Assert.Equal(ServerLoad.Grant.OverTotalCap, b!.TryReserve(51, atHead: true));
        Assert.Equal(ServerLoad.Grant.Granted, b.TryReserve(50, atHead: true));
        Assert.Equal(ServerLoad.Grant.OverTotalCap, b.TryReserve(1, atHead: false));
    }

    [Fact]
    public void Disposing_a_lease_gives_back_its_slot_and_every_byte_once()
    {
        var load = new ServerLoad(new ExchangeServerOptions { MaxConcurrentRequestsPerPeer = 1 });
        Assert.Null(load.TryAdmit(A, out ServerLoad.Lease? lease));
        Assert.NotNull(load.TryAdmit(A, out ServerLoad.Lease? refused));
        Assert.Null(refused);
        lease!.TryReserve(500, atHead: true);
        lease.TryReserve(700, atHead: false);

        lease.Dispose();
        lease.Dispose();

        Assert.Equal(0, load.Requests);
        Assert.Equal(0, load.Bytes);
        Assert.Null(load.TryAdmit(A, out _));
    }
}
