using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Venus.ChainSync.Libp2p.PubSub;
using Venus.ChainSync.Libp2p.Tests.Host;
using Venus.ChainSync.Network;
using Venus.ChainSync.TestSupport;
using static Venus.ChainSync.Libp2p.Tests.PubSub.GossipSubFixture;

namespace Venus.ChainSync.Libp2p.Tests.PubSub;

/// <summary>The router between libp2p hosts on loopback: subscriptions, publishing, forwarding and validation.</summary>
public sealed class GossipSubRouterTests : IAsyncLifetime
{
    private readonly GossipSubFixture _fixture = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _fixture.DisposeAsync();

    [Fact]
    public async Task A_published_message_reaches_the_subscribed_peer_signed_by_its_author_and_not_its_publisher()
    {
        (Libp2pHost aHost, GossipSub a) = await _fixture.StartAsync();
        (Libp2pHost bHost, GossipSub b) = await _fixture.StartAsync();
        await using Subscription atA = Subscribe(a);
        await using Subscription atB = Subscribe(b);
        await HostFixture.ConnectAndIdentifyAsync(aHost, bHost);
        await UntilSubscribedAsync(a, bHost.LocalPeer);

        await a.PublishAsync(Topic, Data("block 1"), TestGuard.Token());
        PubSubMessage received = await atB.NextAsync();

        Assert.Equal(Data("block 1"), received.Data.ToArray());
        Assert.Equal(aHost.LocalPeer, received.Source);
        Assert.Equal(aHost.LocalPeer, received.ReceivedFrom);
        Assert.False(atA.HasMessage);
    }

    [Fact]
    public async Task Joining_grafts_the_peers_already_subscribed_into_both_meshes()
    {
        (Libp2pHost aHost, GossipSub a) = await _fixture.StartAsync();
        (Libp2pHost bHost, GossipSub b) = await _fixture.StartAsync();
        await HostFixture.ConnectAndIdentifyAsync(aHost, bHost);
        await using Subscription atB = Subscribe(b);
        await UntilSubscribedAsync(a, bHost.LocalPeer);

        await using Subscription atA = Subscribe(a); // A joins knowing B: it grafts B, and B accepts
        await UntilInMeshAsync(b, aHost.LocalPeer);

        Assert.Contains(bHost.LocalPeer, await a.MeshAsync(Topic));
    }

    [Fact]
    public async Task In_a_line_an_accepted_message_is_forwarded_and_a_rejected_one_is_not_and_costs_its_sender()
    {
        (Libp2pHost aHost, GossipSub a) = await _fixture.StartAsync();
        (Libp2pHost bHost, GossipSub b) = await _fixture.StartAsync();
        (Libp2pHost cHost, GossipSub c) = await _fixture.StartAsync();
        await using Subscription atA = Subscribe(a);
        await using Subscription atB = Subscribe(b, (m, _) => ValueTask.FromResult(m.Data.Span.StartsWith("bad"u8) ? MessageVerdict.Reject : MessageVerdict.Accept));
        await using Subscription atC = Subscribe(c);
        await HostFixture.ConnectAndIdentifyAsync(aHost, bHost);
        await HostFixture.ConnectAndIdentifyAsync(bHost, cHost);
        await UntilSubscribedAsync(a, bHost.LocalPeer);
        await UntilInMeshAsync(b, cHost.LocalPeer); // B forwards along its mesh, which a heartbeat forms

        await a.PublishAsync(Topic, Data("bad block"), TestGuard.Token());
        await a.PublishAsync(Topic, Data("good block"), TestGuard.Token());

        // Messages from one peer are handled in order, so the good one arriving at C means the bad one was judged.
        PubSubMessage atCFirst = await atC.NextAsync();
        Assert.Equal(Data("good block"), atCFirst.Data.ToArray());
        Assert.Equal(aHost.LocalPeer, atCFirst.Source);
        Assert.Equal(bHost.LocalPeer, atCFirst.ReceivedFrom);
        Assert.Equal(Data("good block"), (await atB.NextAsync()).Data.ToArray());
        Assert.True(await b.ScoreAsync(aHost.LocalPeer) < 0, "an invalid block costs its sender at B");
        Assert.True(bHost.PeerValue(aHost.LocalPeer) < 0, "and makes it the first connection B trims");
        Assert.True(await c.ScoreAsync(bHost.LocalPeer) >= 0, "B forwarded only valid blocks");
    }

    [Fact]
    public async Task A_message_is_delivered_once_though_it_arrives_from_two_peers()
    {
        (Libp2pHost aHost, GossipSub a) = await _fixture.StartAsync();
        (Libp2pHost bHost, GossipSub b) = await _fixture.StartAsync();
        (Libp2pHost cHost, GossipSub c) = await _fixture.StartAsync();
        await using Subscription atA = Subscribe(a);
        await using Subscription atB = Subscribe(b);
        await using Subscription atC = Subscribe(c);
        await HostFixture.ConnectAndIdentifyAsync(aHost, bHost);
        await HostFixture.ConnectAndIdentifyAsync(aHost, cHost);
        await HostFixture.ConnectAndIdentifyAsync(bHost, cHost);
        await UntilSubscribedAsync(a, bHost.LocalPeer);
        await UntilSubscribedAsync(a, cHost.LocalPeer);
        await UntilSubscribedAsync(b, cHost.LocalPeer);

        await a.PublishAsync(Topic, Data("one"), TestGuard.Token());
        await a.PublishAsync(Topic, Data("two"), TestGuard.Token());

        Assert.Equal(Data("one"), (await atC.NextAsync()).Data.ToArray());
        Assert.Equal(Data("two"), (await atC.NextAsync()).Data.ToArray()); // not "one" again, forwarded by B
    }

    [Fact]
    public async Task Messages_are_counted_by_topic_kind_and_verdict_and_the_mesh_size_by_topic_kind()
    {
        using var meters = new Venus.ChainSync.Testing.TestMeterFactory();
        using var messages = new MetricCollector<long>(meters, Venus.ChainSync.Diagnostics.ChainSyncDiagnostics.Name, "venus.chainsync.pubsub.messages");
        using var mesh = new MetricCollector<int>(meters, Venus.ChainSync.Diagnostics.ChainSyncDiagnostics.Name, "venus.chainsync.pubsub.mesh_peers");
        (Libp2pHost aHost, GossipSub a) = await _fixture.StartAsync();
        (Libp2pHost bHost, GossipSub b) = await _fixture.StartAsync(meters: meters);
        await using Subscription atA = Subscribe(a);
        await using Subscription atB = Subscribe(b, (m, _) => ValueTask.FromResult(m.Data.Span.StartsWith("bad"u8) ? MessageVerdict.Reject : MessageVerdict.Accept));
        await HostFixture.ConnectAndIdentifyAsync(aHost, bHost);
        await UntilSubscribedAsync(a, bHost.LocalPeer);
        await UntilInMeshAsync(b, aHost.LocalPeer);
        await b.HeartbeatNowAsync();
        mesh.RecordObservableInstruments(); // before the bad block: a peer scoring below zero leaves the mesh

        await a.PublishAsync(Topic, Data("bad"), TestGuard.Token());
        await a.PublishAsync(Topic, Data("good"), TestGuard.Token());
        await atB.NextAsync();

        Assert.Contains(messages.GetMeasurementSnapshot(), m => (string?)m.Tags["topic_kind"] == "blocks" && (string?)m.Tags["verdict"] == "accepted");
        Assert.Contains(messages.GetMeasurementSnapshot(), m => (string?)m.Tags["topic_kind"] == "blocks" && (string?)m.Tags["verdict"] == "rejected");
        Assert.Contains(mesh.GetMeasurementSnapshot(), m => (string?)m.Tags["topic_kind"] == "blocks" && m.Value == 1);
    }

    [Fact]
    public async Task A_direct_peer_is_never_in_the_mesh_yet_gets_every_forwarded_message()
    {
        (Libp2pHost aHost, GossipSub a) = await _fixture.StartAsync();
        (Libp2pHost bHost, GossipSub b) = await _fixture.StartAsync(o => o.DirectPeers.Add(aHost.LocalPeer));
        (Libp2pHost cHost, GossipSub c) = await _fixture.StartAsync();
        await using Subscription atA = Subscribe(a);
        await using Subscription atB = Subscribe(b);
        await using Subscription atC = Subscribe(c);
        await HostFixture.ConnectAndIdentifyAsync(aHost, bHost);
        await HostFixture.ConnectAndIdentifyAsync(cHost, bHost);
        await UntilSubscribedAsync(b, aHost.LocalPeer);
        await UntilSubscribedAsync(c, bHost.LocalPeer);

        await c.PublishAsync(Topic, Data("via b"), TestGuard.Token());

        PubSubMessage atADelivered = await atA.NextAsync();
        Assert.Equal(bHost.LocalPeer, atADelivered.ReceivedFrom);
        Assert.Equal(cHost.LocalPeer, atADelivered.Source);
        Assert.DoesNotContain(aHost.LocalPeer, await b.MeshAsync(Topic));
    }

    [Fact]
    public async Task Stopping_ends_the_subscriptions_and_publishing_after_it_is_refused()
    {
        (_, GossipSub a) = await _fixture.StartAsync();
        Subscription atA = Subscribe(a);

        await a.StopAsync(TestGuard.Token());

        await Assert.ThrowsAsync<Xunit.Sdk.TrueException>(atA.NextAsync);
        await Assert.ThrowsAsync<InvalidOperationException>(() => a.PublishAsync(Topic, Data("late"), TestGuard.Token()).AsTask());
        await atA.DisposeAsync();
    }
}
