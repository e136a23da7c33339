using System.Text;
using Venus.ChainSync.Libp2p.PubSub;
using Venus.ChainSync.Libp2p.Tests.Host;
using Venus.ChainSync.Network;
using Venus.ChainSync.TestSupport;

namespace Venus.ChainSync.Libp2p.Tests.PubSub;

/// <summary>libp2p hosts on loopback, each with a started gossipsub router; disposed together.</summary>
internal sealed class GossipSubFixture : IAsyncDisposable
{
    public const string Topic = "/fil/blocks/testnetnet";

    private readonly HostFixture _hosts = new();
    private readonly List<GossipSub> _routers = [];

    public async Task<(Libp2pHost Host, GossipSub PubSub)> StartAsync(Action<GossipSubOptions>? configure = null, System.Diagnostics.Metrics.IMeterFactory? meters = null)
    {
        Libp2pHost host = await _hosts.StartHostAsync();
        configure?.Invoke(host.Options.PubSub);
        var router = new GossipSub(host, host.Options.PubSub, meterFactory: meters);
        _routers.Add(router);
        await router.StartAsync(TestGuard.Token());
        return (host, router);
    }

    /// <summary>Subscribes to <see cref="Topic"/> and returns the enumerator, already subscribed (its first
    /// <c>MoveNextAsync</c> is in flight).</summary>
    public static Subscription Subscribe(GossipSub router, MessageValidator? validator = null) => new(router, validator);

    /// <summary>Waits until <paramref name="router"/> knows <paramref name="peer"/> subscribes to the topic (a
    /// bounded poll of the router's own state through its loop; no sleeping).</summary>
    public static async Task UntilSubscribedAsync(GossipSub router, PeerId peer)
    {
        CancellationToken guard = TestGuard.Token();
        while (!await router.KnowsSubscriberAsync(peer, Topic).WaitAsync(guard))
        {
            await Task.Yield();
        }
    }

    /// <summary>Waits until <paramref name="peer"/> is in <paramref name="router"/>'s mesh (grafted on join or by a
    /// heartbeat): forwarded messages go along the mesh only.</summary>
    /// <remarks>With <paramref name="orHeartbeats"/>, also ends three heartbeats after the call: by then the mesh
    /// is what it will be, and a full mesh may rightly leave a peer out.</remarks>
    public static async Task UntilInMeshAsync(GossipSub router, PeerId peer, bool orHeartbeats = false)
    {
        CancellationToken guard = TestGuard.Token();
        int start = await router.HeartbeatsAsync().WaitAsync(guard);
        while (!(await router.MeshAsync(Topic).WaitAsync(guard)).Contains(peer))
        {
            if (orHeartbeats && await router.HeartbeatsAsync().WaitAsync(guard) >= start + 3)
            {
                return;
            }

            await Task.Yield();
        }
    }

    public static byte[] Data(string text) => Encoding.UTF8.GetBytes(text);

    public async ValueTask DisposeAsync()
    {
        foreach (GossipSub router in _routers)
        {
            await router.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        }

        await _hosts.DisposeAsync();
    }

    /// <summary>One subscription of <see cref="Topic"/>.</summary>
    internal sealed class Subscription : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly IAsyncEnumerator<PubSubMessage> _messages;
        private Task<bool> _next;

        public Subscription(GossipSub router, MessageValidator? validator)
        {
            _messages = router.SubscribeAsync(Topic, validator, _stop.Token).GetAsyncEnumerator(_stop.Token);
            _next = _messages.MoveNextAsync().AsTask(); // registers the subscription
        }

        public async Task<PubSubMessage> NextAsync()
        {
            Assert.True(await _next.WaitAsync(TestGuard.Token()), "the subscription ended");
            PubSubMessage message = _messages.Current;
            _next = _messages.MoveNextAsync().AsTask();
            return message;
        }

        /// <summary>Whether a message is waiting now.</summary>
        public bool HasMessage => _next.IsCompleted;

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
