using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.Network;
using Venus.ChainSync.Testing;
using static Venus.ChainSync.Exchange.Tests.Testing.NetworkTestKit;

namespace Venus.ChainSync.Exchange.Tests.Testing;

/// <summary>Closing a connection resets its streams, as a libp2p host closing a connection does.</summary>
public class DisconnectTests
{
    [Fact]
    public async Task Disconnect_resets_the_streams_between_the_two_hosts_plain_or_relayed_and_no_others()
    {
        await using var network = new InMemoryNetwork(new FakeTimeProvider());
        InMemoryHost a = network.CreateHost("a");
        InMemoryHost b = network.CreateHost("b");
        InMemoryHost c = network.CreateHost("c");
        network.Configure(a, b, new LinkFaults { Latency = TimeSpan.FromSeconds(1) });
        (INetworkStream relayed, INetworkStream relayedRemote) = await OpenPairAsync(a, b);
        (INetworkStream plain, INetworkStream plainRemote) = await OpenPairAsync(b, a);
        (INetworkStream other, INetworkStream otherRemote) = await OpenPairAsync(a, c);

        network.Disconnect(a.LocalPeer, b.LocalPeer);

        await Assert.ThrowsAnyAsync<IOException>(async () => await relayed.Input.ReadAsync(Guard()));
        await Assert.ThrowsAnyAsync<IOException>(async () => await relayedRemote.Input.ReadAsync(Guard()));
        await Assert.ThrowsAnyAsync<IOException>(async () => await plain.Input.ReadAsync(Guard()));
        await Assert.ThrowsAnyAsync<IOException>(async () => await plainRemote.Input.ReadAsync(Guard()));
        await other.Output.WriteAsync("still here"u8.ToArray(), Guard());
        Assert.Equal("still here"u8.ToArray(), await ReadExactlyAsync(otherRemote.Input, 10));
    }

    [Fact]
    public async Task After_a_disconnect_the_hosts_may_open_new_streams_at_once()
    {
        await using var network = new InMemoryNetwork();
        InMemoryHost a = network.CreateHost("a");
        InMemoryHost b = network.CreateHost("b");
        (INetworkStream first, _) = await OpenPairAsync(a, b);

        network.Disconnect(a.LocalPeer, b.LocalPeer);
        (INetworkStream second, INetworkStream secondRemote) = await OpenPairAsync(a, b);

        await Assert.ThrowsAnyAsync<IOException>(async () => await first.Input.ReadAsync(Guard()));
        await second.Output.WriteAsync("again"u8.ToArray(), Guard());
        Assert.Equal("again"u8.ToArray(), await ReadExactlyAsync(secondRemote.Input, 5));
    }
}
