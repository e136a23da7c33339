using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.Network;
using Venus.ChainSync.Testing;
using static Venus.ChainSync.Exchange.Tests.Testing.NetworkTestKit;

namespace Venus.ChainSync.Exchange.Tests.Testing;

public class PartitionTests
{
    [Fact]
    public async Task Partition_refuses_new_streams_both_ways_until_healed()
    {
        await using var network = new InMemoryNetwork();
        InMemoryHost a = network.CreateHost("a");
        InMemoryHost b = network.CreateHost("b");
        a.SetStreamHandler("/p", (_, _) => Task.CompletedTask);
        b.SetStreamHandler("/p", (_, _) => Task.CompletedTask);

        network.Partition([a], [b]);

        await Assert.ThrowsAsync<IOException>(async () => await a.OpenStreamAsync(b.LocalPeer, "/p", Guard()));
        await Assert.ThrowsAsync<IOException>(async () => await b.OpenStreamAsync(a.LocalPeer, "/p", Guard()));
        Assert.Throws<InvalidOperationException>(() => network.Connect(a, b));

        network.Heal();

        await using INetworkStream stream = await a.OpenStreamAsync(b.LocalPeer, "/p", Guard());
        Assert.Equal(b.LocalPeer, stream.RemotePeer);
    }

    [Fact]
    public async Task Partition_resets_open_streams_across_it_whether_plain_or_relayed()
    {
        await using var network = new InMemoryNetwork(new FakeTimeProvider());
        InMemoryHost a = network.CreateHost("a");
        InMemoryHost b = network.CreateHost("b");
        InMemoryHost c = network.CreateHost("c");
        network.Configure(a, c, new LinkFaults { Latency = TimeSpan.FromSeconds(1) });
        (INetworkStream plain, INetworkStream plainRemote) = await OpenPairAsync(a, b);
        (INetworkStream relayed, INetworkStream relayedRemote) = await OpenPairAsync(a, c);
        await relayed.Output.WriteAsync("in flight"u8.ToArray(), Guard());

        network.Partition([a], [b, c]);

        await Assert.ThrowsAnyAsync<IOException>(async () => await plain.Input.ReadAsync(Guard()));
        await Assert.ThrowsAnyAsync<IOException>(async () => await plainRemote.Input.ReadAsync(Guard()));
        await Assert.ThrowsAnyAsync<IOException>(async () => await relayed.Input.ReadAsync(Guard()));
        await Assert.ThrowsAnyAsync<IOException>(async () => await relayedRemote.Input.ReadAsync(Guard()));
        await Assert.ThrowsAnyAsync<IOException>(async () => await relayed.Output.WriteAsync("more"u8.ToArray(), Guard()));
    }

    [Fact]
    public async Task Partition_leaves_streams_within_a_side_alone()
    {
        await using var network = new InMemoryNetwork();
        InMemoryHost a = network.CreateHost("a");
        InMemoryHost b = network.CreateHost("b");
        InMemoryHost c = network.CreateHost("c");
        (INetworkStream local, INetworkStream remote) = await OpenPairAsync(a, b);

        network.Partition([a, b], [c]);

        await local.Output.WriteAsync("still here"u8.ToArray(), Guard());
        Assert.Equal("still here"u8.ToArray(), await ReadExactlyAsync(remote.Input, 10));
    }

    [Fact]
    public async Task Partition_disconnects_with_events_and_heal_reconnects_the_same_way_round()
    {
        await using var network = new InMemoryNetwork();
        InMemoryHost a = network.CreateHost("a");
        InMemoryHost b = network.CreateHost("b");
        network.Connect(a, b);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Guard());
        await using IAsyncEnumerator<ConnectionEvent> atA = a.ConnectionEvents(cts.Token).GetAsyncEnumerator(cts.Token);
        await using IAsyncEnumerator<ConnectionEvent> atB = b.ConnectionEvents(cts.Token).GetAsyncEnumerator(cts.Token);
        Task<bool> nextA = atA.MoveNextAsync().AsTask();
        Task<bool> nextB = atB.MoveNextAsync().AsTask();

        network.Partition([a], [b]);

        Assert.True(await nextA.WaitAsync(Guard()));
        Assert.Equal(new ConnectionEvent(b.LocalPeer, ConnectionChange.Disconnected, IsOutbound: true), atA.Current);
        Assert.True(await nextB.WaitAsync(Guard()));
        Assert.Equal(new ConnectionEvent(a.LocalPeer, ConnectionChange.Disconnected, IsOutbound: false), atB.Current);
        Assert.Empty(a.ConnectedPeers);
        Assert.Empty(b.ConnectedPeers);

        nextA = atA.MoveNextAsync().AsTask();
        nextB = atB.MoveNextAsync().AsTask();
        network.Heal();

        Assert.True(await nextA.WaitAsync(Guard()));
        Assert.Equal(new ConnectionEvent(b.LocalPeer, ConnectionChange.Connected, IsOutbound: true), atA.Current);
        Assert.True(await nextB.WaitAsync(Guard()));
        Assert.Equal(new ConnectionEvent(a.LocalPeer, ConnectionChange.Connected, IsOutbound: false), atB.Current);
        await cts.CancelAsync();
    }

    [Fact]
    public async Task Partition_blocks_gossip_across_but_not_within_a_side_and_heal_restores_it()
    {
        await using var network = new InMemoryNetwork();
        InMemoryHost a = network.CreateHost("a");
        InMemoryHost b = network.CreateHost("b");
        InMemoryHost c = network.CreateHost("c");
        network.Connect(a, b);
        network.Connect(c, b);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Guard());
        await using IAsyncEnumerator<PubSubMessage> atB = b.SubscribeAsync("/t", null, cts.Token).GetAsyncEnumerator(cts.Token);
        Task<bool> next = atB.MoveNextAsync().AsTask();
        network.Partition([a], [b, c]);

        // Delivery without latency is synchronous, so c's message coming first shows a's never came.
        await a.PublishAsync("/t", new byte[] { 1 }, Guard());
        await c.PublishAsync("/t", new byte[] { 2 }, Guard());
        Assert.True(await next.WaitAsync(Guard()));
        Assert.Equal(c.LocalPeer, atB.Current.Source);

        network.Heal();
        network.Connect(a, b);
        await a.PublishAsync("/t", new byte[] { 3 }, Guard());
        Assert.True(await atB.MoveNextAsync().AsTask().WaitAsync(Guard()));
        Assert.Equal(a.LocalPeer, atB.Current.Source);
        Assert.Equal(new byte[] { 3 }, atB.Current.Data.ToArray());
        await cts.CancelAsync();
    }

    [Fact]
    public async Task Partition_drops_gossip_already_in_flight()
    {
        await using var hosts = new TwoHosts();
        (FakeTimeProvider time, InMemoryNetwork network, InMemoryHost a, InMemoryHost b) = hosts;
        network.Configure(a, b, new LinkFaults { Latency = TimeSpan.FromSeconds(1) });
        network.Connect(a, b);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Guard());
        await using IAsyncEnumerator<PubSubMessage> atB = b.SubscribeAsync("/t", null, cts.Token).GetAsyncEnumerator(cts.Token);
        Task<bool> next = atB.MoveNextAsync().AsTask();

        await a.PublishAsync("/t", new byte[] { 1 }, Guard());
        network.Partition([a], [b]);
        time.Advance(TimeSpan.FromSeconds(1));
        network.Heal();
        network.Connect(a, b);
        await a.PublishAsync("/t", new byte[] { 2 }, Guard());
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.True(await next.WaitAsync(Guard()));
        Assert.Equal(new byte[] { 2 }, atB.Current.Data.ToArray());
        await cts.CancelAsync();
    }

    [Fact]
    public async Task Partition_rejects_a_host_on_both_sides()
    {
        await using var network = new InMemoryNetwork();
        InMemoryHost a = network.CreateHost("a");
        InMemoryHost b = network.CreateHost("b");

        Assert.Throws<ArgumentException>(() => network.Partition([a, b], [b]));
    }
}
