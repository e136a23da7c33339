using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Venus.ChainSync.Exchange;
using Venus.ChainSync.Hosting;
using Venus.ChainSync.Interop.Tests.Chain;
using Venus.ChainSync.Interop.Tests.Harness;
using Venus.ChainSync.Libp2p;
using Venus.ChainSync.Libp2p.PubSub;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Interop.Tests.DotnetJs;

/// <summary>
/// Chain sync between the .NET engine and a js-libp2p peer whose hello and exchange answers are encoded by
/// <c>@ipld/dag-cbor</c>: the .NET node is greeted and syncs from the JS peer, and the JS peer syncs headers from the
/// .NET exchange server.
/// </summary>
public sealed class DotnetJsSyncTests(CarChainFixture chain) : IClassFixture<CarChainFixture>
{
    [SkippableFact]
    public async Task A_dotnet_node_is_greeted_by_the_js_peer_and_syncs_its_chain()
    {
        await using JsPeerProcess js = await JsPeerProcess.StartAsync(JsPeerOptions.Serving(chain.Chain, chain.CarPath) with { Greet = true });
        await using var gossip = new InMemoryNetwork();
        var store = new InMemoryChainStore(chain.Chain.Genesis, chain.Chain.Builder.GenesisState);
        var services = new ServiceCollection();
        services.AddInMemoryPorts(gossip.CreateHost("dotnet"), store);
        services.AddLibp2pHost(o => o.ListenAddresses.Add("/ip4/127.0.0.1/tcp/0"));
        services.AddChainSync(o => o.NetworkName = "testnetnet");
        await using ServiceProvider provider = services.BuildServiceProvider();
        IHostedService[] hosted = [.. provider.GetServices<IHostedService>()];
        foreach (IHostedService service in hosted)
        {
            await service.StartAsync(TestGuard.Token());
        }

        try
        {
            ISyncApi api = provider.GetRequiredService<ISyncApi>();
            Libp2pHost host = provider.GetRequiredService<Libp2pHost>();
            Task reached = WaitForHeadAsync(api, chain.Chain.Head);

            await host.ConnectAsync(Multiaddr.Parse(js.Ip4Address), TestGuard.Token());

            await reached;
            Assert.Equal(chain.Chain.Head, await store.GetHeadAsync(CancellationToken.None));
            var greeting = await js.WaitForEventAsync("hello", cancellationToken: TestGuard.Token());
            Assert.Equal(host.LocalPeer.ToString(), greeting.GetProperty("peer").GetString());
        }
        finally
        {
            foreach (IHostedService service in hosted.Reverse())
            {
                await service.StopAsync(TestGuard.Token());
            }
        }
    }

    [SkippableFact]
    public async Task A_dotnet_node_follows_a_chain_whose_new_heads_arrive_only_by_gossip_from_the_js_producer()
    {
        // The JS peer serves the chain (exchange) but does not greet: the .NET node learns of heads only from the
        // blocks the JS peer publishes on /fil/blocks/testnetnet, and fetches what it lacks from it.
        await using JsPeerProcess js = await JsPeerProcess.StartAsync(
            JsPeerOptions.Serving(chain.Chain, chain.CarPath) with { PubSub = JsPubSub.Gossipsub, Network = "testnetnet" });
        string topic = JsPeerProcess.BlocksTopic("testnetnet");
        await js.SubscribeAsync(topic, TestGuard.Token());
        await using var unused = new InMemoryNetwork();
        var store = new InMemoryChainStore(chain.Chain.Genesis, chain.Chain.Builder.GenesisState);
        var services = new ServiceCollection();
        services.AddInMemoryPorts(unused.CreateHost("dotnet"), store); // its host and pubsub are replaced by the libp2p host's
        services.AddLibp2pHost(o => o.ListenAddresses.Add("/ip4/127.0.0.1/tcp/0"));
        services.AddChainSync(o => o.NetworkName = "testnetnet");
        await using ServiceProvider provider = services.BuildServiceProvider();
        IHostedService[] hosted = [.. provider.GetServices<IHostedService>()];
        foreach (IHostedService service in hosted)
        {
            await service.StartAsync(TestGuard.Token());
        }

        try
        {
            ISyncApi api = provider.GetRequiredService<ISyncApi>();
            Libp2pHost host = provider.GetRequiredService<Libp2pHost>();
            await host.ConnectAsync(Multiaddr.Parse(js.Ip4Address), TestGuard.Token());
            await js.WaitForSubscriptionAsync(host.LocalPeer.ToString(), topic, cancellationToken: TestGuard.Token());

            // And the JS peer's own stream to us is up: its subscription reached us on it. Before that, js gossipsub
            // publishes to nobody (and a message published then is not gossiped to a peer it grafts later).
            GossipSub pubSub = provider.GetRequiredService<GossipSub>();
            CancellationToken guard = TestGuard.Token();
            while (!await pubSub.KnowsSubscriberAsync(PeerId.Parse(js.PeerId), topic).WaitAsync(guard))
            {
                await Task.Yield();
            }

            Assert.Equal(chain.Chain.Genesis, await store.GetHeadAsync(CancellationToken.None)); // nothing without gossip

            // Five heads, oldest first: the first sets off a catch-up from genesis, each later one moves the head by one.
            for (int back = 4; back >= 0; back--)
            {
                TipSet next = chain.Chain.TipSets[back];
                Task reached = WaitForHeadAsync(api, next);
                foreach (FullBlock block in chain.Chain.Builder.GetFullTipSet(next).Blocks)
                {
                    BlockMsg message = BlockMsg.Create(block.Header, block.BlsMessages.Select(m => m.Cid), block.SecpkMessages.Select(m => m.Cid));
                    JsPublishResult published = await js.PublishAsync(topic, message.RawData, TestGuard.Token());
                    Assert.Contains(host.LocalPeer.ToString(), published.Recipients);
                }

                await reached;
            }

            Assert.Equal(chain.Chain.Head, await store.GetHeadAsync(CancellationToken.None));
        }
        finally
        {
            foreach (IHostedService service in hosted.Reverse())
            {
                await service.StopAsync(TestGuard.Token());
            }
        }
    }

    [SkippableFact]
    public async Task The_js_peer_syncs_headers_from_the_dotnet_exchange_server()
    {
        await using JsPeerProcess js = await JsPeerProcess.StartAsync(JsPeerOptions.Serving(chain.Chain, chain.CarPath));
        await using Libp2pHost dotnet = await DotnetHosts.StartAsync();
        var server = new ChainExchangeServer(dotnet, chain.Chain.Builder.Store);
        server.Start();
        try
        {
            await js.DialAsync(dotnet.ListenAddresses[0].ToString(), TestGuard.Token());

            JsSyncResult headers = await js.SyncHeadersAsync(dotnet.LocalPeer.ToString(), chain.Chain.Head.Key, length: 900, TestGuard.Token());
            JsSyncResult messages = await js.SyncMessagesAsync(dotnet.LocalPeer.ToString(), chain.Chain.TipSets[3].Key, length: 10, TestGuard.Token());

            Assert.Equal(101, headers.Status); // Partial: the chain ends at genesis before 900
            Assert.Equal(chain.Chain.TipSets.Select(t => t.Key), headers.TipSets);
            Assert.Equal(chain.Chain.TipSets.Select(t => t.Height), headers.Heights);
            Assert.Equal(0, messages.Status);
            Assert.Equal(chain.Chain.TipSets.Skip(3).Take(10).Select(t => t.Key), messages.TipSets);
        }
        finally
        {
            await server.StopAsync(TestGuard.Token());
        }
    }

    private static async Task WaitForHeadAsync(ISyncApi api, TipSet head)
    {
        CancellationToken guard = TestGuard.Token(120);
        while (true)
        {
            try
            {
                await foreach (IReadOnlyList<HeadChange> moves in api.ChainNotify(guard))
                {
                    if (moves[^1].TipSet.Key == head.Key)
                    {
                        return;
                    }
                }

                throw new InvalidOperationException($"the node stopped before its head reached {head}");
            }
            catch (SlowSubscriberException)
            {
                // A fast catch-up outran this reader's buffer; subscribing again starts from the head as it is now.
            }
        }
    }
}
