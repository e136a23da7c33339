using System.Text;
using Venus.ChainSync.Interop.Tests.Harness;
using Venus.ChainSync.Libp2p;
using Venus.ChainSync.Libp2p.PubSub;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives.Hashing;

namespace Venus.ChainSync.Interop.Tests.DotnetJs;

/// <summary>
/// The .NET gossipsub router against js-libp2p's gossipsub (configured as Lotus configures go-libp2p-pubsub) and
/// floodsub: subscriptions, messages both ways, a line through the .NET node whose validator rejects some blocks, and
/// the JS peer's score of the .NET node. A message that must not arrive is checked for only after a later one that
/// took the same path has arrived.
/// </summary>
public sealed class DotnetJsPubSubTests : IAsyncLifetime
{
    private const string Network = "interop";
    private static readonly string Topic = JsPeerProcess.BlocksTopic(Network);
    private static readonly JsPeerOptions Gossipsub = new() { PubSub = JsPubSub.Gossipsub, Network = Network };
    private static readonly JsPeerOptions Floodsub = new() { PubSub = JsPubSub.Floodsub, Network = Network };

    private readonly List<IAsyncDisposable> _owned = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (IAsyncDisposable owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task Subscriptions_are_seen_both_ways_and_each_side_grafts_the_other()
    {
        JsPeerProcess js = await StartJsAsync(Gossipsub);
        (Libp2pHost host, GossipSub dotnet) = await StartDotnetAsync();
        await SubscribeAsync(dotnet, null);
        await js.SubscribeAsync(Topic, TestGuard.Token());

        await ConnectAsync(host, js);

        await js.WaitForSubscriptionAsync(host.LocalPeer.ToString(), Topic, cancellationToken: TestGuard.Token());
        await UntilAsync(() => dotnet.KnowsSubscriberAsync(PeerId.Parse(js.PeerId), Topic));
        await js.WaitForGraftAsync(host.LocalPeer.ToString(), Topic, TestGuard.Token());
        await UntilAsync(async () => (await dotnet.MeshAsync(Topic)).Contains(PeerId.Parse(js.PeerId)));
        Assert.Contains(host.LocalPeer.ToString(), await js.MeshAsync(Topic, TestGuard.Token()));
    }

    [SkippableFact]
    public async Task A_message_published_by_js_reaches_dotnet_and_one_published_by_dotnet_reaches_js()
    {
        JsPeerProcess js = await StartJsAsync(Gossipsub);
        (Libp2pHost host, GossipSub dotnet) = await StartDotnetAsync();
        DotnetSubscription atDotnet = await SubscribeAsync(dotnet, null);
        await js.SubscribeAsync(Topic, TestGuard.Token());
        await ConnectAsync(host, js);
        await js.WaitForSubscriptionAsync(host.LocalPeer.ToString(), Topic, cancellationToken: TestGuard.Token());
        await UntilAsync(() => dotnet.KnowsSubscriberAsync(PeerId.Parse(js.PeerId), Topic));

        JsPublishResult fromJs = await js.PublishAsync(Topic, Bytes("block from js"), TestGuard.Token());
        PubSubMessage received = await atDotnet.NextAsync();
        await dotnet.PublishAsync(Topic, Bytes("block from dotnet"), TestGuard.Token());
        JsPubSubMessage atJs = await js.WaitForMessageAsync(m => m.Data.Span.SequenceEqual(Bytes("block from dotnet")), TestGuard.Token());

        Assert.Equal(Bytes("block from js"), received.Data.ToArray());
        Assert.Equal(js.PeerId, received.Source.ToString());
        Assert.Equal(Convert.ToHexStringLower(Blake2b256(Bytes("block from js"))), fromJs.MsgId);
        Assert.Equal(host.LocalPeer.ToString(), atJs.From);
        Assert.Equal(Convert.ToHexStringLower(Blake2b256(Bytes("block from dotnet"))), atJs.MsgId);
    }

    [SkippableFact]
    public async Task In_a_line_js_dotnet_js_a_valid_block_crosses_and_one_the_dotnet_validator_rejects_does_not()
    {
        JsPeerProcess producer = await StartJsAsync(Gossipsub);
        JsPeerProcess consumer = await StartJsAsync(Gossipsub);
        (Libp2pHost host, GossipSub dotnet) = await StartDotnetAsync();
        await SubscribeAsync(dotnet, (m, _) => ValueTask.FromResult(m.Data.Span.StartsWith("bad"u8) ? MessageVerdict.Reject : MessageVerdict.Accept));
        await producer.SubscribeAsync(Topic, TestGuard.Token());
        await consumer.SubscribeAsync(Topic, TestGuard.Token());
        await ConnectAsync(host, producer);
        await ConnectAsync(host, consumer);
        await UntilAsync(async () => (await dotnet.MeshAsync(Topic)).Contains(PeerId.Parse(consumer.PeerId)));
        await producer.WaitForSubscriptionAsync(host.LocalPeer.ToString(), Topic, cancellationToken: TestGuard.Token());
        await UntilAsync(() => dotnet.KnowsSubscriberAsync(PeerId.Parse(producer.PeerId), Topic)); // the producer's stream to us is up

        await producer.PublishAsync(Topic, Bytes("bad block"), TestGuard.Token());
        await producer.PublishAsync(Topic, Bytes("good block"), TestGuard.Token());

        JsPubSubMessage arrived = await consumer.WaitForMessageAsync(m => m.Data.Span.SequenceEqual(Bytes("good block")), TestGuard.Token());
        Assert.Equal(producer.PeerId, arrived.From);
        Assert.Equal(host.LocalPeer.ToString(), arrived.ReceivedFrom);
        Assert.DoesNotContain(consumer.MessagesSoFar(), m => m.Data.Span.StartsWith("bad"u8));
        Assert.True(await dotnet.ScoreAsync(PeerId.Parse(producer.PeerId)) < 0, "the rejected block costs the producer at the .NET node");
        JsPeerScore ofDotnet = await consumer.ScoreAsync(host.LocalPeer.ToString(), TestGuard.Token());
        Assert.True(ofDotnet.Score >= 0, $"the consumer scores the .NET node {ofDotnet.Score}");
        Assert.True(ofDotnet.Topics[Topic].FirstMessageDeliveries > 0, "the .NET node delivered the good block first");
    }

    [SkippableFact]
    public async Task A_floodsub_only_js_peer_and_the_dotnet_node_exchange_blocks()
    {
        JsPeerProcess js = await StartJsAsync(Floodsub);
        (Libp2pHost host, GossipSub dotnet) = await StartDotnetAsync();
        DotnetSubscription atDotnet = await SubscribeAsync(dotnet, null);
        await js.SubscribeAsync(Topic, TestGuard.Token());
        await ConnectAsync(host, js);
        await UntilAsync(() => dotnet.KnowsSubscriberAsync(PeerId.Parse(js.PeerId), Topic));
        await js.WaitForSubscriptionAsync(host.LocalPeer.ToString(), Topic, cancellationToken: TestGuard.Token());

        await js.PublishAsync(Topic, Bytes("flooded block"), TestGuard.Token());
        PubSubMessage received = await atDotnet.NextAsync();
        await dotnet.PublishAsync(Topic, Bytes("block for the flooder"), TestGuard.Token());
        JsPubSubMessage atJs = await js.WaitForMessageAsync(m => m.Data.Span.SequenceEqual(Bytes("block for the flooder")), TestGuard.Token());

        Assert.Equal(Bytes("flooded block"), received.Data.ToArray());
        Assert.Equal(js.PeerId, received.Source.ToString());
        Assert.Equal(host.LocalPeer.ToString(), atJs.From);
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Blake2b256(byte[] data)
    {
        byte[] hash = new byte[32];
        Blake2b.Hash256(data, hash);
        return hash;
    }

    private static async Task ConnectAsync(Libp2pHost host, JsPeerProcess js)
    {
        PeerId jsPeer = PeerId.Parse(js.PeerId);
        Task<ConnectionEvent> identified = DotnetHosts.NextAsync(host, jsPeer, ConnectionChange.Identified, TestGuard.Token());
        await host.ConnectAsync(Multiaddr.Parse(js.Ip4Address), TestGuard.Token());
        await identified;
    }

    /// <summary>A bounded poll of the router's own state through its loop (no sleeping).</summary>
    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        CancellationToken guard = TestGuard.Token();
        while (!await condition().WaitAsync(guard))
        {
            await Task.Yield();
        }
    }

    private async Task<JsPeerProcess> StartJsAsync(JsPeerOptions options)
    {
        JsPeerProcess js = await JsPeerProcess.StartAsync(options);
        _owned.Add(js);
        return js;
    }

    private async Task<(Libp2pHost Host, GossipSub PubSub)> StartDotnetAsync()
    {
        Libp2pHost host = await DotnetHosts.StartAsync();
        _owned.Add(host);
        host.Options.PubSub.IPColocationWhitelist.Add(System.Net.IPNetwork.Parse("127.0.0.0/8"));
        var router = new GossipSub(host, host.Options.PubSub);
        _owned.Add(router);
        await router.StartAsync(TestGuard.Token());
        return (host, router);
    }

    /// <summary>Subscribes the .NET node; the subscription is registered when this returns and ends with the test.</summary>
    private Task<DotnetSubscription> SubscribeAsync(GossipSub router, MessageValidator? validator)
    {
        var subscription = new DotnetSubscription(router, validator);
        _owned.Add(subscription);
        return Task.FromResult(subscription);
    }

    /// <summary>One subscription of <see cref="Topic"/>, its first read started at once (that is what subscribes).</summary>
    private sealed class DotnetSubscription : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly IAsyncEnumerator<PubSubMessage> _messages;
        private Task<bool> _next;

        public DotnetSubscription(GossipSub router, MessageValidator? validator)
        {
            _messages = router.SubscribeAsync(Topic, validator, _stop.Token).GetAsyncEnumerator(_stop.Token);
            _next = _messages.MoveNextAsync().AsTask();
        }

        public async Task<PubSubMessage> NextAsync()
        {
            Assert.True(await _next.WaitAsync(TestGuard.Token()), "the subscription ended");
            PubSubMessage message = _messages.Current;
            _next = _messages.MoveNextAsync().AsTask();
            return message;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            try
            {
                await _next;
            }
            catch (OperationCanceledException)
            {
                // Ended by the cancellation.
            }

            await _messages.DisposeAsync();
            _stop.Dispose();
        }
    }
}
