using Google.Protobuf;
using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.Libp2p.Protobuf;
using Venus.ChainSync.Libp2p.PubSub;
using Venus.ChainSync.Libp2p.Tests.Host;
using Venus.ChainSync.Network;
using Venus.ChainSync.TestSupport;
using static Venus.ChainSync.Libp2p.Tests.PubSub.GossipSubFixture;

namespace Venus.ChainSync.Libp2p.Tests.PubSub;

/// <summary>
/// The router's caches on a fake clock (heartbeats run when the test says): IWANT served while a message is cached and
/// not after, duplicates dropped by id, GRAFTs for topics we did not join leaving nothing behind.
/// </summary>
public sealed class GossipSubCacheTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly HostFixture _hosts = new();
    private readonly List<GossipSub> _routers = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (GossipSub router in _routers)
        {
            await router.DisposeAsync();
        }

        await _hosts.DisposeAsync();
    }

    [Fact]
    public async Task Iwant_is_answered_from_the_cache_and_not_once_the_message_has_left_it()
    {
        (Libp2pHost routerHost, GossipSub router, RawPubSubPeer raw) = await StartAsync();
        await router.PublishAsync(Topic, Data("cached"), TestGuard.Token());
        RPC published = await raw.NextAsync(r => r.Publish.Count > 0);
        RPC iwant = IWant(MessageIdentity.Of(published.Publish[0]));

        await raw.SendAsync(routerHost.LocalPeer, iwant);
        Assert.Equal(Data("cached"), (await raw.NextAsync(r => r.Publish.Count > 0)).Publish[0].Data.ToByteArray());

        for (int i = 0; i < GossipSubParameters.Lotus.HistoryLength; i++)
        {
            await router.HeartbeatNowAsync();
        }

        await raw.SendAsync(routerHost.LocalPeer, iwant);
        await MarkerAsync(router, raw);
        Assert.DoesNotContain(raw.Drain(), r => r.Publish.Any(m => m.Data.Span.SequenceEqual(Data("cached"))));
    }

    [Fact]
    public async Task A_flood_of_one_valid_message_is_delivered_once_and_costs_the_sender_nothing()
    {
        (Libp2pHost routerHost, GossipSub router, RawPubSubPeer raw) = await StartAsync();
        await using Subscription subscription = Subscribe(router);
        RPC flood = RawPubSubPeer.Publish(raw.Signer.Sign(Topic, Data("again and again")));

        for (int i = 0; i < 1_000; i++)
        {
            await raw.SendAsync(routerHost.LocalPeer, flood);
        }

        await raw.SendAsync(routerHost.LocalPeer, RawPubSubPeer.Publish(raw.Signer.Sign(Topic, Data("the end"))));

        Assert.Equal(Data("again and again"), (await subscription.NextAsync()).Data.ToArray());
        Assert.Equal(Data("the end"), (await subscription.NextAsync()).Data.ToArray());
        Assert.True(await router.ScoreAsync(raw.Host.LocalPeer) >= 0, "duplicates are not penalised (P3 is off in Lotus)");
    }

    [Fact]
    public async Task Grafts_for_topics_we_did_not_join_get_no_answer_and_leave_no_mesh()
    {
        (Libp2pHost routerHost, GossipSub router, RawPubSubPeer raw) = await StartAsync();
        var spam = new RPC { Control = new ControlMessage() };
        for (int i = 0; i < 1_000; i++)
        {
            spam.Control.Graft.Add(new ControlGraft { TopicID = $"/spam/{i}" });
        }

        await raw.SendAsync(routerHost.LocalPeer, spam);
        await MarkerAsync(router, raw);

        Assert.DoesNotContain(raw.Drain(), r => r.Control is { Prune.Count: > 0 });
        Assert.Empty(await router.MeshAsync("/spam/7"));
        Assert.True(await router.ScoreAsync(raw.Host.LocalPeer) >= 0);
    }

    private static RPC IWant(MessageId id) =>
        new() { Control = new ControlMessage { Iwant = { new ControlIWant { MessageIDs = { ByteString.CopyFrom(id.ToArray()) } } } } };

    /// <summary>Makes sure the router has handled everything the raw peer sent so far: a subscription sent after it is
    /// seen (RPCs from one peer are handled in order), then a message the router publishes reaches the raw peer after
    /// anything it sent back before.</summary>
    private static async Task MarkerAsync(GossipSub router, RawPubSubPeer raw)
    {
        string marker = $"/fil/msgs/marker-{Guid.NewGuid():N}";
        await raw.SendAsync(default, RawPubSubPeer.Subscribe(marker));
        CancellationToken guard = TestGuard.Token();
        while (!await router.KnowsSubscriberAsync(raw.Host.LocalPeer, marker).WaitAsync(guard))
        {
            await Task.Yield();
        }

        await router.PublishAsync(Topic, Data("marker"), TestGuard.Token());
        List<RPC> before = [];
        while (true)
        {
            RPC rpc = await raw.NextAsync(_ => true);
            if (rpc.Publish.Any(m => m.Data.Span.SequenceEqual(Data("marker"))))
            {
                break;
            }

            before.Add(rpc);
        }

        raw.PutBack(before);
    }

    private async Task<(Libp2pHost RouterHost, GossipSub Router, RawPubSubPeer Raw)> StartAsync()
    {
        Libp2pHost routerHost = await _hosts.StartHostAsync(time: _time);
        var router = new GossipSub(routerHost, routerHost.Options.PubSub);
        _routers.Add(router);
        await router.StartAsync(TestGuard.Token());
        Libp2pHost rawHost = await _hosts.StartHostAsync();
        var raw = RawPubSubPeer.On(rawHost);
        await HostFixture.ConnectAndIdentifyAsync(rawHost, routerHost);
        await raw.SendAsync(routerHost.LocalPeer, RawPubSubPeer.Subscribe(Topic));
        await UntilSubscribedAsync(router, rawHost.LocalPeer);
        return (routerHost, router, raw);
    }
}
