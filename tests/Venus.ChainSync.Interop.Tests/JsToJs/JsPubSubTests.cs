using Venus.ChainSync.Interop.Tests.Harness;
using Venus.ChainSync.Primitives.Hashing;

namespace Venus.ChainSync.Interop.Tests.JsToJs;

/// <summary>
/// js-libp2p gossipsub (configured as Lotus configures go-libp2p-pubsub) and floodsub peers against each other:
/// proves peer.mjs's pubsub and the harness before a .NET router takes the place of one of them. Every wait is on an
/// event the peers print; a message that must not arrive is checked for only after a later one that had to take the
/// same path has arrived.
/// </summary>
public sealed class JsPubSubTests
{
    private const string Network = "interop";
    private static readonly string Topic = JsPeerProcess.BlocksTopic(Network);
    private static readonly JsPeerOptions Gossipsub = new() { PubSub = JsPubSub.Gossipsub, Network = Network };
    private static readonly JsPeerOptions Floodsub = new() { PubSub = JsPubSub.Floodsub, Network = Network };

    [SkippableFact]
    public async Task Identify_GossipsubPeer_ListsMeshsubOneTwoOneOneOneZeroAndFloodsub()
    {
        await using JsPeerGroup peers = await JsPeerGroup.StartAsync(Gossipsub, Gossipsub);
        JsPeerProcess a = peers[0], b = peers[1];
        await a.DialAsync(b.Ip4Address, TestGuard.Token());

        JsIdentifyResult seen = await a.IdentifyAsync(b.PeerId, TestGuard.Token());

        Assert.Subset(seen.Protocols.ToHashSet(), new HashSet<string> { "/meshsub/1.2.0", "/meshsub/1.1.0", "/meshsub/1.0.0", "/floodsub/1.0.0" });
    }

    [SkippableFact]
    public async Task Identify_FloodsubPeer_ListsFloodsubOnly()
    {
        await using JsPeerGroup peers = await JsPeerGroup.StartAsync(Gossipsub, Floodsub);
        JsPeerProcess a = peers[0], flood = peers[1];
        await a.DialAsync(flood.Ip4Address, TestGuard.Token());

        JsIdentifyResult seen = await a.IdentifyAsync(flood.PeerId, TestGuard.Token());

        Assert.Contains("/floodsub/1.0.0", seen.Protocols);
        Assert.DoesNotContain(seen.Protocols, p => p.StartsWith("/meshsub/", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Subscribe_BothGossipsubPeers_EachListsTheOtherAsSubscriber()
    {
        await using JsPeerGroup peers = await JsPeerGroup.StartAsync(Gossipsub, Gossipsub);
        JsPeerProcess a = peers[0], b = peers[1];

        await SubscribeConnectedAsync(a, b);

        Assert.Equal([b.PeerId], await a.SubscribersAsync(Topic, TestGuard.Token()));
        Assert.Equal([a.PeerId], await b.SubscribersAsync(Topic, TestGuard.Token()));
    }

    [SkippableFact]
    public async Task Publish_BetweenTwoGossipsubPeers_ArrivesSignedWithTheBlake2bOfTheDataAsId()
    {
        await using JsPeerGroup peers = await JsPeerGroup.StartAsync(Gossipsub, Gossipsub);
        JsPeerProcess a = peers[0], b = peers[1];
        await SubscribeConnectedAsync(a, b);
        byte[] data = [0x00, 0x01, 0x02, 0x03];

        JsPublishResult published = await a.PublishAsync(Topic, data, TestGuard.Token());

        JsPubSubMessage received = await b.WaitForMessageAsync(m => m.Data.Span.SequenceEqual(data), TestGuard.Token());
        string blake2b = Convert.ToHexStringLower(Blake2b256(data));
        Assert.Equal(blake2b, published.MsgId);
        Assert.Equal([b.PeerId], published.Recipients);
        Assert.Equal(new[] { Topic, blake2b, a.PeerId, a.PeerId }, new[] { received.Topic, received.MsgId, received.From, received.ReceivedFrom });
        Assert.NotNull(received.Seqno);
    }

    [SkippableFact]
    public async Task Publish_IntoALineWhoseMiddleRejectsAPrefix_DeliversOnlyTheAcceptedMessageToTheEnd()
    {
        await using JsPeerGroup peers = await JsPeerGroup.StartAsync(Gossipsub, Gossipsub, Gossipsub);
        JsPeerProcess a = peers[0], b = peers[1], c = peers[2];
        byte[] rejected = [0xff, 0x01], accepted = [0x01, 0x01];
        await b.SetValidatorAsync(Topic, JsValidatorMode.RejectIfDataPrefix, new byte[] { 0xff }, TestGuard.Token());
        await SubscribeConnectedAsync(a, b);
        await SubscribeConnectedAsync(c, b);
        await b.WaitForGraftAsync(c.PeerId, Topic, TestGuard.Token());

        await a.PublishAsync(Topic, rejected, TestGuard.Token());
        JsValidation verdict = await b.WaitForValidationAsync(v => v.Data.Span.SequenceEqual(rejected), TestGuard.Token());
        await a.PublishAsync(Topic, accepted, TestGuard.Token());

        JsPubSubMessage relayed = await c.WaitForMessageAsync(m => m.Data.Span.SequenceEqual(accepted), TestGuard.Token());
        Assert.Equal((JsVerdict.Reject, a.PeerId), (verdict.Verdict, verdict.ReceivedFrom));
        Assert.Equal((a.PeerId, b.PeerId), (relayed.From, relayed.ReceivedFrom));
        Assert.DoesNotContain(c.MessagesSoFar(), m => m.Data.Span.SequenceEqual(rejected));
        Assert.DoesNotContain(b.MessagesSoFar(), m => m.Data.Span.SequenceEqual(rejected));
    }

    [SkippableFact]
    public async Task Reject_ByTheValidator_CountsAnInvalidDeliveryAgainstTheSender()
    {
        await using JsPeerGroup peers = await JsPeerGroup.StartAsync(Gossipsub, Gossipsub);
        JsPeerProcess a = peers[0], b = peers[1];
        await b.SetValidatorAsync(Topic, JsValidatorMode.RejectIfDataPrefix, new byte[] { 0xff }, TestGuard.Token());
        await SubscribeConnectedAsync(a, b);

        await a.PublishAsync(Topic, new byte[] { 0xff, 0x02 }, TestGuard.Token());
        await b.WaitForValidationAsync(v => v.Verdict == JsVerdict.Reject, TestGuard.Token());

        // The counter decays by 0.01^(1/3600) a second from 1; the score itself is cached for a heartbeat.
        JsPeerScore ofA = await b.ScoreAsync(a.PeerId, TestGuard.Token());
        Assert.InRange(ofA.Topics[Topic].InvalidMessageDeliveries, 0.99, 1.0);
    }

    [SkippableFact]
    public async Task Ignore_ByTheValidator_DropsTheMessageWithoutPenalty()
    {
        await using JsPeerGroup peers = await JsPeerGroup.StartAsync(Gossipsub, Gossipsub);
        JsPeerProcess a = peers[0], b = peers[1];
        byte[] ignored = [0xee, 0x01], accepted = [0x01, 0x02];
        await b.SetValidatorAsync(Topic, JsValidatorMode.IgnoreIfDataPrefix, new byte[] { 0xee }, TestGuard.Token());
        await SubscribeConnectedAsync(a, b);

        await a.PublishAsync(Topic, ignored, TestGuard.Token());
        JsValidation verdict = await b.WaitForValidationAsync(v => v.Data.Span.SequenceEqual(ignored), TestGuard.Token());
        await a.PublishAsync(Topic, accepted, TestGuard.Token());
        await b.WaitForMessageAsync(m => m.Data.Span.SequenceEqual(accepted), TestGuard.Token());

        Assert.Equal(JsVerdict.Ignore, verdict.Verdict);
        Assert.DoesNotContain(b.MessagesSoFar(), m => m.Data.Span.SequenceEqual(ignored));
        JsPeerScore ofA = await b.ScoreAsync(a.PeerId, TestGuard.Token());
        Assert.Equal(0, ofA.Topics[Topic].InvalidMessageDeliveries);
        Assert.True(ofA.Topics[Topic].FirstMessageDeliveries > 0.99, $"first deliveries {ofA.Topics[Topic].FirstMessageDeliveries}");
    }

    [SkippableFact]
    public async Task Score_OfAPeerThatDeliveredValidMessages_IsNotNegative()
    {
        await using JsPeerGroup peers = await JsPeerGroup.StartAsync(Gossipsub, Gossipsub);
        JsPeerProcess a = peers[0], b = peers[1];
        await SubscribeConnectedAsync(a, b);

        for (byte i = 1; i <= 3; i++)
        {
            await b.PublishAsync(Topic, new byte[] { 0x02, i }, TestGuard.Token());
            await a.WaitForMessageAsync(m => m.Data.Span.SequenceEqual(new byte[] { 0x02, i }), TestGuard.Token());
        }

        JsPeerScore ofB = await a.ScoreAsync(b.PeerId, TestGuard.Token());
        Assert.True(ofB.Known);
        Assert.True(ofB.Score >= 0, $"score {ofB.Score}");
        Assert.True(ofB.Topics[Topic].FirstMessageDeliveries > 2.9, $"first deliveries {ofB.Topics[Topic].FirstMessageDeliveries}");
        Assert.Equal(0, ofB.Topics[Topic].InvalidMessageDeliveries);
        Assert.Equal(0, ofB.BehaviourPenalty);
    }

    [SkippableFact]
    public async Task Mesh_TwoSubscribedGossipsubPeers_GraftEachOther()
    {
        await using JsPeerGroup peers = await JsPeerGroup.StartAsync(Gossipsub, Gossipsub);
        JsPeerProcess a = peers[0], b = peers[1];
        await SubscribeConnectedAsync(a, b);

        await a.WaitForGraftAsync(b.PeerId, Topic, TestGuard.Token());
        await b.WaitForGraftAsync(a.PeerId, Topic, TestGuard.Token());

        Assert.Equal([b.PeerId], await a.MeshAsync(Topic, TestGuard.Token()));
    }

    [SkippableFact]
    public async Task Unsubscribe_OneGossipsubPeer_TheOtherSeesItLeaveAndPrunesIt()
    {
        await using JsPeerGroup peers = await JsPeerGroup.StartAsync(Gossipsub, Gossipsub);
        JsPeerProcess a = peers[0], b = peers[1];
        await SubscribeConnectedAsync(a, b);
        await a.WaitForGraftAsync(b.PeerId, Topic, TestGuard.Token());

        Assert.Empty(await b.UnsubscribeAsync(Topic, TestGuard.Token()));

        await a.WaitForSubscriptionAsync(b.PeerId, Topic, subscribe: false, TestGuard.Token());
        await a.WaitForPruneAsync(b.PeerId, Topic, TestGuard.Token());
        Assert.Empty(await a.SubscribersAsync(Topic, TestGuard.Token()));
        Assert.Empty(await a.MeshAsync(Topic, TestGuard.Token()));
    }

    [SkippableFact]
    public async Task Publish_BetweenFloodsubAndGossipsubPeers_ArrivesBothWays()
    {
        await using JsPeerGroup peers = await JsPeerGroup.StartAsync(Gossipsub, Floodsub);
        JsPeerProcess gossip = peers[0], flood = peers[1];
        await SubscribeConnectedAsync(flood, gossip);
        byte[] fromFlood = [0x03, 0x03], fromGossip = [0x04, 0x04];

        await flood.PublishAsync(Topic, fromFlood, TestGuard.Token());
        JsPubSubMessage atGossip = await gossip.WaitForMessageAsync(m => m.Data.Span.SequenceEqual(fromFlood), TestGuard.Token());
        await gossip.PublishAsync(Topic, fromGossip, TestGuard.Token());
        JsPubSubMessage atFlood = await flood.WaitForMessageAsync(m => m.Data.Span.SequenceEqual(fromGossip), TestGuard.Token());

        Assert.Equal((flood.PeerId, flood.PeerId), (atGossip.From, atGossip.ReceivedFrom));
        Assert.Equal((gossip.PeerId, gossip.PeerId), (atFlood.From, atFlood.ReceivedFrom));
        Assert.Equal(Convert.ToHexStringLower(Blake2b256(fromGossip)), atFlood.MsgId);
    }

    [SkippableFact]
    public async Task Subscribe_OutsideLotusTopicAllowlist_Fails()
    {
        await using JsPeerGroup peers = await JsPeerGroup.StartAsync(Gossipsub);

        await Assert.ThrowsAsync<JsPeerCommandException>(() => peers[0].SubscribeAsync("/not/allowed", TestGuard.Token()));
        Assert.Equal([JsPeerProcess.MessagesTopic(Network)], await peers[0].SubscribeAsync(JsPeerProcess.MessagesTopic(Network), TestGuard.Token()));
    }

    /// <summary>Subscribes both to <see cref="Topic"/>, dials <paramref name="to"/> from <paramref name="from"/>, and waits until each has the other's subscription.</summary>
    private static async Task SubscribeConnectedAsync(JsPeerProcess from, JsPeerProcess to)
    {
        await from.SubscribeAsync(Topic, TestGuard.Token());
        await to.SubscribeAsync(Topic, TestGuard.Token());
        await from.DialAsync(to.Ip4Address, TestGuard.Token());
        await from.WaitForSubscriptionAsync(to.PeerId, Topic, cancellationToken: TestGuard.Token());
        await to.WaitForSubscriptionAsync(from.PeerId, Topic, cancellationToken: TestGuard.Token());
    }

    private static byte[] Blake2b256(byte[] data)
    {
        byte[] digest = new byte[32];
        Blake2b.Hash256(data, digest);
        return digest;
    }
}
