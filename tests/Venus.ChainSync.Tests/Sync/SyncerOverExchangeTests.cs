using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.Exchange;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Tests.Sync;

/// <summary>The syncer over the real exchange client and server on the in-memory network.</summary>
public sealed class SyncerOverExchangeTests : IAsyncLifetime
{
    private readonly InMemoryNetwork _network = new();
    private readonly MemoryBlockstore _served = new();
    private ChainExchangeServer _server = null!;
    private ChainExchangeClient _client = null!;

    public Task InitializeAsync()
    {
        InMemoryHost serverHost = _network.CreateHost("server");
        InMemoryHost clientHost = _network.CreateHost("client");
        _server = new ChainExchangeServer(serverHost, _served, logger: NullLogger<ChainExchangeServer>.Instance);
        _server.Start();
        // A fake clock that stands still: every peer's measured latency is zero, so the ranking depends only on
        // failures and the seeded shuffle, not on how busy the machine is (on the real clock the hostile peer was
        // sometimes never asked when other tests loaded the CPU). The in-memory peers answer at once, so no
        // deadline needs the clock to move.
        _client = new ChainExchangeClient(clientHost, new FakeTimeProvider(), NullLogger<ChainExchangeClient>.Instance, random: new Random(3));
        _client.AddPeer(serverHost.LocalPeer);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _network.DisposeAsync();
    }

    [Fact]
    public async Task Catch_up_from_three_peers_with_one_hostile_completes_and_ranks_the_hostile_peer_last()
    {
        await using var second = new ChainExchangeServer(_network.CreateHost("server-2"), _served, logger: NullLogger<ChainExchangeServer>.Instance);
        second.Start();
        ScriptedPeer hostile = _network.CreateScriptedPeer("hostile").OnStream(ExchangeProtocol.Id, async (stream, ct) =>
        {
            await stream.Output.WriteAsync(new byte[] { 0x83, 0x00, 0x60, 0xff, 0x13, 0x37 }, ct);
            await stream.CompleteWritingAsync(ct);
        });
        _client.AddPeer(PeerId.ForName("server-2"));
        _client.AddPeer(hostile.PeerId);
        var chain = new ChainBuilder(_served, seed: 9);
        TipSet genesis = chain.Genesis();
        IReadOnlyList<TipSet> built = chain.AddChain(genesis, 300, new TipSetSpec(Blocks: 2, BlsMessages: 2, SecpMessages: 1));
        var store = new InMemoryChainStore(genesis, chain.GenesisState);
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 2, 0, 0, 0, TimeSpan.Zero));
        var syncer = new Syncer(store, _client, SyntacticBlockValidator.Instance, new TestTipSetExecutor(), new ParentWeightWeigher(), new BadTipSetCache(), timeProvider: time);

        SyncResult result = await syncer.HandleNewTipSetAsync(SyncerFixture.TargetOf(built[^1]), null, TestGuard.Token(120));

        Assert.Equal(SyncOutcomeKind.Completed, result.Kind);
        Assert.Equal(built[^1], await store.GetHeadAsync(CancellationToken.None));
        PeerStats stats = _client.Tracker.GetStats(hostile.PeerId)!.Value;
        Assert.Equal(0, stats.Successes);
        Assert.True(stats.Failures >= 1);
        Assert.Equal(hostile.PeerId, _client.Tracker.Ranked()[^1]);
    }

    [Theory]
    [InlineData(1_000)]
    [InlineData(5_000)]
    public async Task Tipsets_with_messages_null_rounds_and_wide_tipsets_sync_from_one_peer_over_the_exchange(int length)
    {
        var chain = new ChainBuilder(_served, seed: 5);
        TipSet genesis = chain.Genesis();
        IReadOnlyList<TipSet> built = chain.AddChain(genesis, length, i => new TipSetSpec(
            Blocks: 1 + (i % 4), BlsMessages: i % 3, SecpMessages: i % 2, SharedMessages: i % 7 == 0 ? 1 : 0, NullRoundsBefore: i % 89 == 3 ? 1 : 0));
        var store = new InMemoryChainStore(genesis, chain.GenesisState);
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 2, 0, 0, 0, TimeSpan.Zero));
        var syncer = new Syncer(store, _client, SyntacticBlockValidator.Instance, new TestTipSetExecutor(), new ParentWeightWeigher(), new BadTipSetCache(), timeProvider: time);

        SyncResult result = await syncer.HandleNewTipSetAsync(SyncerFixture.TargetOf(built[^1]), null, TestGuard.Token(120));

        Assert.Equal(SyncOutcomeKind.Completed, result.Kind);
        Assert.Equal(built[^1], await store.GetHeadAsync(CancellationToken.None));
        foreach (TipSet tipSet in built)
        {
            Assert.Equal(chain.StateOf(tipSet), await store.GetStateAsync(tipSet.Key, CancellationToken.None));
        }
    }
}
