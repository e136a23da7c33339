using Google.Protobuf;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Venus.ChainSync.Libp2p.Protobuf;
using Venus.ChainSync.Libp2p.PubSub;
using Venus.ChainSync.Libp2p.Tests.Host;
using Venus.ChainSync.Network;
using Venus.ChainSync.TestSupport;
using static Venus.ChainSync.Libp2p.Tests.PubSub.GossipSubFixture;

namespace Venus.ChainSync.Libp2p.Tests.PubSub;

/// <summary>The router against a peer that writes whatever it likes: each bad RPC costs the peer, never the router.</summary>
public sealed class GossipSubHostileTests : IAsyncLifetime
{
    private readonly GossipSubFixture _fixture = new();
    private readonly HostFixture _rawHosts = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _fixture.DisposeAsync();
        await _rawHosts.DisposeAsync();
    }

    [Fact]
    public async Task Unsigned_tampered_and_forged_messages_are_not_delivered_and_a_signed_one_after_them_is()
    {
        (Libp2pHost routerHost, GossipSub router, Subscription subscription, RawPubSubPeer raw) = await StartWithRawPeerAsync();
        Message unsigned = raw.Signer.Sign(Topic, Data("unsigned"));
        unsigned.ClearSignature();
        Message tampered = raw.Signer.Sign(Topic, Data("tampered"));
        tampered.Data = ByteString.CopyFrom(Data("tampered!"));
        Message forged = raw.Signer.Sign(Topic, Data("forged"));
        forged.From = ByteString.CopyFrom(routerHost.LocalPeer.Bytes); // claims another author

        foreach (Message bad in new[] { unsigned, tampered, forged })
        {
            await raw.SendAsync(routerHost.LocalPeer, RawPubSubPeer.Publish(bad));
        }

        await raw.SendAsync(routerHost.LocalPeer, RawPubSubPeer.Publish(raw.Signer.Sign(Topic, Data("genuine"))));

        // RPCs from one peer are handled in order: the genuine one arriving means the others were turned away.
        PubSubMessage delivered = await subscription.NextAsync();
        Assert.Equal(Data("genuine"), delivered.Data.ToArray());
        Assert.False(subscription.HasMessage);
        Assert.True(await router.ScoreAsync(raw.Host.LocalPeer) < 0, "invalid signatures cost the sender");
    }

    [Fact]
    public async Task A_peer_graylisted_by_six_invalid_signatures_is_not_heard_even_when_it_sends_a_valid_block()
    {
        using var meters = new Venus.ChainSync.Testing.TestMeterFactory();
        using var messages = new MetricCollector<long>(meters, Venus.ChainSync.Diagnostics.ChainSyncDiagnostics.Name, "venus.chainsync.pubsub.messages");
        (Libp2pHost routerHost, GossipSub router, Subscription subscription, RawPubSubPeer raw) = await StartWithRawPeerAsync(meters: meters);

        // Each costs 0.1 × −1000 × n² on the blocks topic: −3 600 after six, below the graylist threshold (−2 500).
        for (int i = 0; i < 6; i++)
        {
            Message tampered = raw.Signer.Sign(Topic, Data($"tampered {i}"));
            tampered.Data = ByteString.CopyFrom(Data($"tampered {i}!"));
            await raw.SendAsync(routerHost.LocalPeer, RawPubSubPeer.Publish(tampered));
        }

        await raw.SendAsync(routerHost.LocalPeer, RawPubSubPeer.Publish(raw.Signer.Sign(Topic, Data("valid, but too late"))));

        await UntilCountedAsync(messages, "graylisted");
        Assert.Equal(6, messages.GetMeasurementSnapshot().Count(m => (string?)m.Tags["verdict"] == "invalid_signature"));
        Assert.True(await router.ScoreAsync(raw.Host.LocalPeer) < Venus.ChainSync.Libp2p.PubSub.Scoring.FilecoinScoring.Thresholds.GraylistThreshold);
        Assert.False(subscription.HasMessage);
    }

    private static async Task UntilCountedAsync(MetricCollector<long> messages, string verdict)
    {
        while (true)
        {
            var snapshot = messages.GetMeasurementSnapshot();
            if (snapshot.Any(m => (string?)m.Tags["verdict"] == verdict))
            {
                return;
            }

            await messages.WaitForMeasurementsAsync(snapshot.Count + 1, TestGuard.Token());
        }
    }

    [Fact]
    public async Task A_frame_over_the_rpc_limit_resets_that_stream_and_the_router_serves_others()
    {
        (Libp2pHost routerHost, GossipSub router, Subscription subscription, RawPubSubPeer raw) = await StartWithRawPeerAsync();
        (Libp2pHost honestHost, GossipSub honest) = await _fixture.StartAsync();
        await using Subscription atHonest = Subscribe(honest);
        await HostFixture.ConnectAndIdentifyAsync(honestHost, routerHost);
        await UntilSubscribedAsync(router, honestHost.LocalPeer);

        // A length prefix of 2 MiB, past the 1 MiB limit: refused from the prefix, before any body is buffered.
        INetworkStream stream = await raw.StreamToAsync(routerHost.LocalPeer);
        await raw.SendRawAsync(routerHost.LocalPeer, [0x80, 0x80, 0x80, 0x01]);
        await Assert.ThrowsAnyAsync<IOException>(async () =>
        {
            while (true)
            {
                await stream.Output.WriteAsync(new byte[1024], TestGuard.Token()); // until the reset arrives
            }
        });

        await router.PublishAsync(Topic, Data("still here"), TestGuard.Token());
        Assert.Equal(Data("still here"), (await atHonest.NextAsync()).Data.ToArray());
    }

    [Fact]
    public async Task More_subscriptions_in_one_rpc_than_the_cap_are_ignored_and_a_normal_one_after_is_heard()
    {
        (Libp2pHost routerHost, GossipSub router, _, RawPubSubPeer raw) = await StartWithRawPeerAsync(subscribe: false);
        var flood = new RPC();
        for (int i = 0; i <= new GossipSubOptions().MaxTopicsPerPeer; i++)
        {
            flood.Subscriptions.Add(new RPC.Types.SubOpts { Subscribe = true, Topicid = i == 0 ? Topic : $"/spam/{i}" });
        }

        await raw.SendAsync(routerHost.LocalPeer, flood);
        Assert.False(await router.KnowsSubscriberAsync(raw.Host.LocalPeer, Topic));

        await raw.SendAsync(routerHost.LocalPeer, RawPubSubPeer.Subscribe(Topic));
        await UntilSubscribedAsync(router, raw.Host.LocalPeer);
    }

    [Fact]
    public async Task A_message_asked_for_again_and_again_is_sent_at_most_three_times()
    {
        (Libp2pHost routerHost, GossipSub router, _, RawPubSubPeer raw) = await StartWithRawPeerAsync();
        await router.PublishAsync(Topic, Data("cached"), TestGuard.Token());
        RPC published = await raw.NextAsync(r => r.Publish.Count > 0);
        ByteString id = ByteString.CopyFrom(MessageIdentity.Of(published.Publish[0]).ToArray());
        var iwant = new RPC { Control = new ControlMessage { Iwant = { new ControlIWant { MessageIDs = { id } } } } };

        for (int i = 0; i < 10; i++)
        {
            await raw.SendAsync(routerHost.LocalPeer, iwant);
        }

        // A marker the router answers after the ten IWANTs: its own publish, sent once the loop has handled them.
        await raw.SendAsync(routerHost.LocalPeer, RawPubSubPeer.Subscribe("/fil/msgs/testnetnet"));
        await UntilAsync(() => router.KnowsSubscriberAsync(raw.Host.LocalPeer, "/fil/msgs/testnetnet"));
        await router.PublishAsync(Topic, Data("marker"), TestGuard.Token());

        int resent = 0;
        while (true)
        {
            RPC rpc = await raw.NextAsync(_ => true);
            if (rpc.Publish.Any(m => m.Data.Span.SequenceEqual(Data("marker"))))
            {
                break;
            }

            resent += rpc.Publish.Count(m => m.Data.Span.SequenceEqual(Data("cached")));
        }

        Assert.Equal(new GossipSubParameters().GossipRetransmission, resent); // go's GossipRetransmission, 3
    }

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        CancellationToken guard = TestGuard.Token();
        while (!await condition().WaitAsync(guard))
        {
            await Task.Yield();
        }
    }

    private async Task<(Libp2pHost RouterHost, GossipSub Router, Subscription Subscription, RawPubSubPeer Raw)> StartWithRawPeerAsync(bool subscribe = true, System.Diagnostics.Metrics.IMeterFactory? meters = null)
    {
        (Libp2pHost routerHost, GossipSub router) = await _fixture.StartAsync(meters: meters);
        Subscription subscription = Subscribe(router);
        Libp2pHost rawHost = await _rawHosts.StartHostAsync();
        var raw = RawPubSubPeer.On(rawHost);
        await HostFixture.ConnectAndIdentifyAsync(rawHost, routerHost);
        if (subscribe)
        {
            await raw.SendAsync(routerHost.LocalPeer, RawPubSubPeer.Subscribe(Topic));
            await UntilSubscribedAsync(router, rawHost.LocalPeer);
        }

        return (routerHost, router, subscription, raw);
    }
}
