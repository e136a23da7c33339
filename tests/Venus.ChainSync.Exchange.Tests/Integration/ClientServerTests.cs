using Microsoft.Extensions.Logging.Abstractions;
using Venus.ChainSync.Exchange;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Network;
using Venus.ChainSync.Testing;
using Venus.ChainSync.TestSupport;

namespace Venus.ChainSync.Exchange.Tests.Integration;

/// <summary>The suite over the in-memory network.</summary>
public sealed class ClientServerTests : ClientServerSuite
{
    internal override StreamNetworkKit CreateNetwork() => new InMemoryStreamNetworkKit();
}

/// <summary>The suite again, client and server each a libp2p host on loopback.</summary>
public sealed class ClientServerOverLibp2pTests : ClientServerSuite
{
    internal override StreamNetworkKit CreateNetwork() => new Libp2pStreamNetworkKit();
}

/// <summary>The real client against the real server, on every <see cref="StreamNetworkKit"/>.</summary>
public abstract class ClientServerSuite : IAsyncLifetime
{
    private readonly MemoryBlockstore _store = new();
    private StreamNetworkKit _network = null!;
    private ChainExchangeServer _server = null!;
    private ChainExchangeClient _client = null!;
    private ChainBuilder _chain = null!;

    internal abstract StreamNetworkKit CreateNetwork();

    public async Task InitializeAsync()
    {
        _network = CreateNetwork();
        IStreamHost serverHost = await _network.CreateHostAsync("server");
        IStreamHost clientHost = await _network.CreateHostAsync("client");
        _server = new ChainExchangeServer(serverHost, _store, logger: NullLogger<ChainExchangeServer>.Instance);
        _server.Start();
        await _network.ConnectAsync(clientHost, serverHost); // the client asks only peers whose identify lists the exchange, as Lotus's
        _client = new ChainExchangeClient(clientHost, TimeProvider.System, NullLogger<ChainExchangeClient>.Instance, random: new Random(7));
        _client.AddPeer(serverHost.LocalPeer);
        _chain = new ChainBuilder(_store, seed: 11);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _network.DisposeAsync();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(900)]
    [InlineData(901)]
    public async Task Headers_of_a_chain_with_null_rounds_and_wide_tipsets_come_back_linked(int count)
    {
        IReadOnlyList<TipSet> built = _chain.AddChain(_chain.Genesis(), count + 5, i => new TipSetSpec(Blocks: 1 + (i % 5), NullRoundsBefore: i % 7 == 3 ? 2 : 0));
        TipSet head = built[^1];

        IReadOnlyList<TipSet> fetched = await _client.GetBlocksAsync(head.Key, count, Guard());

        Assert.Equal(count, fetched.Count);
        Assert.Equal(built.Reverse().Take(count).Select(t => t.Key), fetched.Select(t => t.Key));
        for (int i = 0; i + 1 < fetched.Count; i++)
        {
            Assert.True(fetched[i].IsChildOf(fetched[i + 1]));
        }
    }

    [Fact]
    public async Task Five_thousand_tipsets_arrive_in_six_requests_down_to_genesis()
    {
        IReadOnlyList<TipSet> built = _chain.AddChain(_chain.Genesis(), 4_999);
        TipSet head = built[^1];

        IReadOnlyList<TipSet> fetched = await _client.GetBlocksAsync(head.Key, 5_000, Guard());

        Assert.Equal(5_000, fetched.Count);
        Assert.Equal(0, fetched[^1].Height);
        Assert.Equal(_chain.Genesis().Key, fetched[^1].Key);
    }

    [Fact]
    public async Task Asking_past_genesis_returns_the_chain_down_to_genesis()
    {
        IReadOnlyList<TipSet> built = _chain.AddChain(_chain.Genesis(), 9);

        IReadOnlyList<TipSet> fetched = await _client.GetBlocksAsync(built[^1].Key, 50, Guard());

        Assert.Equal(10, fetched.Count);
        Assert.Equal(0, fetched[^1].Height);
    }

    [Fact]
    public async Task Messages_only_for_known_headers_match_every_block_including_shared_messages()
    {
        IReadOnlyList<TipSet> built = _chain.AddChain(
            _chain.Genesis(), 30, i => new TipSetSpec(Blocks: 1 + (i % 5), BlsMessages: 3, SecpMessages: 2, SharedMessages: 2, NullRoundsBefore: i % 9 == 4 ? 1 : 0));
        TipSet[] segment = [.. built.Reverse().Take(20)];

        IReadOnlyList<FullTipSet> full = await _client.GetChainMessagesAsync(segment, Guard());

        Assert.Equal(segment.Select(t => t.Key), full.Select(f => f.Key));
        foreach (FullTipSet tipSet in full)
        {
            Assert.True(tipSet.Blocks.All(b => b.MessagesMatchHeader()));
            FullTipSet expected = _chain.GetFullTipSet(tipSet.Key);
            for (int b = 0; b < tipSet.Blocks.Length; b++)
            {
                Assert.Equal(expected.Blocks[b].BlsMessages.Select(m => m.Cid), tipSet.Blocks[b].BlsMessages.Select(m => m.Cid));
                Assert.Equal(expected.Blocks[b].SecpkMessages.Select(m => m.Cid), tipSet.Blocks[b].SecpkMessages.Select(m => m.Cid));
            }
        }
    }

    [Fact]
    public async Task Full_tipset_with_headers_and_messages_comes_from_the_named_peer()
    {
        IReadOnlyList<TipSet> built = _chain.AddChain(_chain.Genesis(), 3, new TipSetSpec(Blocks: 5, BlsMessages: 4, SecpMessages: 4, SharedMessages: 3));
        TipSet head = built[^1];

        FullTipSet full = await _client.GetFullTipSetAsync([.. _client.Tracker.Ranked()], head.Key, Guard());

        Assert.Equal(head.Key, full.Key);
        Assert.Equal(5, full.Blocks.Length);
        Assert.True(full.Blocks.All(b => b.MessagesMatchHeader()));
    }

    private static CancellationToken Guard() => TestGuard.Token(60);
}
