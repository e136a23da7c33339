using Microsoft.Extensions.Logging.Abstractions;
using Venus.ChainSync.Exchange;
using Venus.ChainSync.Libp2p.Tests.Host;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Testing;
using Venus.ChainSync.TestSupport;

namespace Venus.ChainSync.Libp2p.Tests.Integration;

/// <summary>The exchange, hello and a whole node's catch-up, over two libp2p hosts on loopback.</summary>
public sealed class ChainSyncOverLibp2pTests : IAsyncLifetime
{
    private readonly InMemoryNetwork _gossip = new();
    private readonly ChainBuilder _chain = new(new MemoryBlockstore(), seed: 11);
    private TipSet _genesis = null!;

    public Task InitializeAsync()
    {
        _genesis = _chain.Genesis();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _gossip.DisposeAsync();

    [Fact]
    public async Task A_new_node_is_greeted_after_identify_and_catches_up_over_libp2p()
    {
        IReadOnlyList<TipSet> history = _chain.AddChain(_genesis, 120, i => new TipSetSpec(Blocks: 1 + (i % 3), BlsMessages: i % 2, SecpMessages: 1));
        await using Libp2pNode producer = Libp2pNode.Create(_gossip, "producer", _genesis, _chain.GenesisState, _chain.Store);
        await producer.AdoptAsync(_chain, history);
        await using Libp2pNode follower = Libp2pNode.Create(_gossip, "follower", _genesis, _chain.GenesisState);
        await producer.StartAsync();
        await follower.StartAsync();

        await follower.Host.ConnectAsync(producer.Host.ListenAddresses[0], TestGuard.Token());

        await follower.WaitForHeadAsync(history[^1]);
        Assert.Equal(history[^1], await follower.Store.GetHeadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task The_exchange_client_fetches_headers_and_messages_from_a_libp2p_server()
    {
        IReadOnlyList<TipSet> history = _chain.AddChain(_genesis, 60, i => new TipSetSpec(Blocks: 2, BlsMessages: 2, SecpMessages: 1));
        await using var fixture = new HostFixture();
        Libp2pHost server = await fixture.StartHostAsync();
        Libp2pHost clientHost = await fixture.StartHostAsync();
        var exchangeServer = new ChainExchangeServer(server, _chain.Store);
        exchangeServer.Start();
        try
        {
            await HostFixture.ConnectAndIdentifyAsync(clientHost, server);
            var client = new ChainExchangeClient(clientHost, TimeProvider.System, NullLogger<ChainExchangeClient>.Instance);
            client.AddPeer(server.LocalPeer);

            IReadOnlyList<TipSet> headers = await client.GetBlocksAsync(history[^1].Key, 61, TestGuard.Token());
            IReadOnlyList<FullTipSet> full = await client.GetChainMessagesAsync(headers.Take(20).ToList(), TestGuard.Token());

            Assert.Equal([.. history.Reverse(), _genesis], headers);
            Assert.Equal(20, full.Count);
            Assert.Equal(_chain.GetFullTipSet(history[^1]).Blocks.Sum(b => b.BlsMessages.Length), full[0].Blocks.Sum(b => b.BlsMessages.Length));
        }
        finally
        {
            await exchangeServer.StopAsync(TestGuard.Token());
        }
    }
}
