using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Testing;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Exchange.Tests.Client;

public class ChainExchangeClientTests
{
    private static readonly TestChain Chain = TestChain.Build(12, seed: 11);

    /// <summary>901 tipsets and a few more, headers and messages: enough for one split.</summary>
    private static readonly Lazy<TestChain> LongChain = new(() => TestChain.Build(905, seed: 2));

    private static int HeadIndex => Chain.Tipsets.Count - 1;

    [Fact]
    public async Task GetBlocks_from_an_honest_peer_returns_the_segment_head_first_and_records_the_success()
    {
        await using var h = new ClientHarness();
        ScriptedPeer peer = h.AddPeer("peer-1", ScriptedPeer.Honest(Chain));

        IReadOnlyList<TipSet> tipsets = await h.Client.GetBlocksAsync(Chain.Head.Key, 5, h.Guard);

        Assert.Equal(Chain.Headers(HeadIndex, 5), tipsets);
        ExchangeRequest request = Assert.Single(peer.Requests);
        Assert.Equal(new ExchangeRequest(Chain.Head.Key, 5, ExchangeOptions.Headers), request);
        Assert.Equal(1, h.Client.Tracker.GetStats(peer.Id)!.Value.Successes);
        Assert.Equal(1, h.Events(3001));
    }

    [Fact]
    public async Task A_count_of_901_is_split_into_900_and_1_and_reassembled()
    {
        TestChain chain = LongChain.Value;
        await using var h = new ClientHarness();
        ScriptedPeer peer = h.AddPeer("peer-1", ScriptedPeer.Honest(chain));

        IReadOnlyList<TipSet> tipsets = await h.Client.GetBlocksAsync(chain.Head.Key, 901, h.Guard);

        Assert.Equal(chain.Headers(chain.Tipsets.Count - 1, 901), tipsets);
        Assert.Equal([900UL, 1UL], peer.Requests.Select(r => r.Length));
        Assert.Equal(tipsets[899].Parents, peer.Requests[1].Head);
    }

    [Fact]
    public async Task GetChainMessages_of_901_tipsets_is_split_and_every_block_matches_its_root()
    {
        TestChain chain = LongChain.Value;
        IReadOnlyList<TipSet> headers = chain.Headers(chain.Tipsets.Count - 1, 901);
        await using var h = new ClientHarness();
        ScriptedPeer peer = h.AddPeer("peer-1", ScriptedPeer.Honest(chain));

        IReadOnlyList<FullTipSet> full = await h.Client.GetChainMessagesAsync(headers, h.Guard);

        Assert.Equal(headers.Select(t => t.Key), full.Select(f => f.Key));
        Assert.All(full, f => Assert.True(f.Blocks.All(b => b.MessagesMatchHeader())));
        Assert.Equal([(900UL, headers[0].Key), (1UL, headers[900].Key)], peer.Requests.Select(r => (r.Length, r.Head)));
        Assert.All(peer.Requests, r => Assert.Equal(ExchangeOptions.Messages, r.Options));
    }

    [Fact]
    public async Task After_a_Partial_answer_the_client_asks_again_from_where_it_stopped()
    {
        await using var h = new ClientHarness();
        ScriptedPeer peer = h.AddPeer("peer-1", ScriptedPeer.Honest(Chain, cap: 4));

        IReadOnlyList<TipSet> tipsets = await h.Client.GetBlocksAsync(Chain.Head.Key, 10, h.Guard);

        Assert.Equal(Chain.Headers(HeadIndex, 10), tipsets);
        Assert.Equal([10UL, 6UL, 2UL], peer.Requests.Select(r => r.Length));
        Assert.Equal([Chain.Tipsets[HeadIndex].Key, Chain.Tipsets[HeadIndex - 4].Key, Chain.Tipsets[HeadIndex - 8].Key], peer.Requests.Select(r => r.Head));
        Assert.Equal(2, h.Events(3004));
    }

    [Fact]
    public async Task GetChainMessages_continues_after_a_Partial_answer()
    {
        IReadOnlyList<TipSet> headers = Chain.Headers(HeadIndex, 7);
        await using var h = new ClientHarness();
        ScriptedPeer peer = h.AddPeer("peer-1", ScriptedPeer.Honest(Chain, cap: 3));

        IReadOnlyList<FullTipSet> full = await h.Client.GetChainMessagesAsync(headers, h.Guard);

        Assert.Equal(headers.Select(t => t.Key), full.Select(f => f.Key));
        Assert.Equal([7UL, 4UL, 1UL], peer.Requests.Select(r => r.Length));
    }

    [Fact]
    public async Task GetBlocks_stops_at_genesis_with_fewer_tipsets_than_asked()
    {
        await using var h = new ClientHarness();
        ScriptedPeer peer = h.AddPeer("peer-1", ScriptedPeer.Honest(Chain, cap: 5));

        IReadOnlyList<TipSet> tipsets = await h.Client.GetBlocksAsync(Chain.Head.Key, 100, h.Guard);

        Assert.Equal(Chain.Headers(HeadIndex, Chain.Tipsets.Count), tipsets);
        Assert.Equal(0, tipsets[^1].Height);
        Assert.Equal(3, peer.Requests.Count);
    }

    [Fact]
    public async Task GetChainMessages_returns_full_tipsets_whose_messages_are_the_blocks_messages()
    {
        IReadOnlyList<TipSet> headers = Chain.Headers(HeadIndex, 6);
        await using var h = new ClientHarness();
        h.AddPeer("peer-1", ScriptedPeer.Honest(Chain));

        IReadOnlyList<FullTipSet> full = await h.Client.GetChainMessagesAsync(headers, h.Guard);

        Assert.Equal(6, full.Count);
        for (int i = 0; i < full.Count; i++)
        {
            FullTipSet expected = Chain.Tipsets[HeadIndex - i];
            Assert.Equal(expected.Key, full[i].Key);
            Assert.True(full[i].Blocks.All(b => b.MessagesMatchHeader()));
            Assert.Equal(
                expected.Blocks.Select(b => (b.Cid, Bls: string.Join(",", b.BlsMessages.Select(m => m.Cid)), Secpk: string.Join(",", b.SecpkMessages.Select(m => m.Cid)))),
                full[i].Blocks.Select(b => (b.Cid, Bls: string.Join(",", b.BlsMessages.Select(m => m.Cid)), Secpk: string.Join(",", b.SecpkMessages.Select(m => m.Cid)))));
        }
    }

    [Fact]
    public async Task GetChainMessages_of_nothing_asks_nobody()
    {
        await using var h = new ClientHarness();
        ScriptedPeer peer = h.AddPeer("peer-1", ScriptedPeer.Honest(Chain));

        Assert.Empty(await h.Client.GetChainMessagesAsync([], h.Guard));
        Assert.Empty(peer.Requests);
    }

    [Fact]
    public async Task GetFullTipSet_asks_only_the_given_peers()
    {
        await using var h = new ClientHarness();
        ScriptedPeer first = h.AddPeer("peer-1", ScriptedPeer.Honest(Chain));
        ScriptedPeer given = h.AddPeer("peer-2", ScriptedPeer.Honest(Chain));
        ScriptedPeer third = h.AddPeer("peer-3", ScriptedPeer.Honest(Chain));

        FullTipSet full = await h.Client.GetFullTipSetAsync([given.Id], Chain.Head.Key, h.Guard);

        Assert.Equal(Chain.Head.Key, full.Key);
        Assert.True(full.Blocks.All(b => b.MessagesMatchHeader()));
        Assert.Equal(new ExchangeRequest(Chain.Head.Key, 1, ExchangeOptions.Headers | ExchangeOptions.Messages), Assert.Single(given.Requests));
        Assert.Empty(first.Requests);
        Assert.Empty(third.Requests);
    }

    [Fact]
    public async Task GetFullTipSet_asks_the_given_peers_in_order_until_one_answers_even_if_untracked()
    {
        await using var h = new ClientHarness();
        ScriptedPeer notFound = h.AddPeer("peer-9", ScriptedPeer.Answer(_ => ExchangeResponse.Error(ExchangeStatus.NotFound, "no")), track: false);
        ScriptedPeer good = h.AddPeer("peer-1", ScriptedPeer.Honest(Chain), track: false);

        FullTipSet full = await h.Client.GetFullTipSetAsync([notFound.Id, good.Id], Chain.Head.Key, h.Guard);

        Assert.Equal(Chain.Head.Key, full.Key);
        Assert.Single(notFound.Requests);
        Assert.Single(good.Requests);
        Assert.Equal([PeerOutcome.NotFound], h.Failures(notFound.Id));
        Assert.Equal(0, h.Client.Tracker.Count);
    }

    [Fact]
    public async Task InternalError_for_a_missing_head_fails_that_peer_and_the_next_peer_is_asked()
    {
        // Lotus, Venus and this library's server answer 203 when they cannot load the requested head.
        await using var h = new ClientHarness();
        ScriptedPeer lacking = h.AddPeer("peer-1", ScriptedPeer.Answer(_ => ExchangeResponse.Error(ExchangeStatus.InternalError, "failed loading tipset")));
        ScriptedPeer good = h.AddPeer("peer-2", ScriptedPeer.Honest(Chain));

        IReadOnlyList<TipSet> blocks = await h.Client.GetBlocksAsync(Chain.Head.Key, 3, h.Guard);

        Assert.Equal(Chain.Head.Key, blocks[0].Key);
        Assert.Single(lacking.Requests);
        Assert.Single(good.Requests);
        Assert.Equal([PeerOutcome.ErrorStatus], h.Failures(lacking.Id));
        Assert.Empty(h.Failures(good.Id));
    }

    [Fact]
    public async Task When_every_peer_fails_the_exception_lists_each_peer_and_why()
    {
        await using var h = new ClientHarness();
        ScriptedPeer garbage = h.AddPeer("peer-1", ScriptedPeer.Bytes(_ => [0xff, 0xff]));
        ScriptedPeer notFound = h.AddPeer("peer-2", ScriptedPeer.Answer(_ => ExchangeResponse.Error(ExchangeStatus.NotFound, "unknown tipset")));
        ScriptedPeer busy = h.AddPeer("peer-3", ScriptedPeer.Answer(_ => ExchangeResponse.Error(ExchangeStatus.GoAway, "busy")));

        ExchangeFailedException ex = await Assert.ThrowsAsync<ExchangeFailedException>(() => h.Client.GetBlocksAsync(Chain.Head.Key, 3, h.Guard));

        Assert.Equal([garbage.Id, notFound.Id, busy.Id], ex.PeerFailures.Select(f => f.Key));
        Assert.StartsWith(nameof(PeerOutcome.Malformed), ex.PeerFailures[0].Value, StringComparison.Ordinal);
        Assert.StartsWith(nameof(PeerOutcome.NotFound), ex.PeerFailures[1].Value, StringComparison.Ordinal);
        Assert.StartsWith(nameof(PeerOutcome.GoAway), ex.PeerFailures[2].Value, StringComparison.Ordinal);
        Assert.Equal(1, h.Events(3003));
    }

    [Fact]
    public async Task With_no_peers_the_request_fails_without_peer_reasons()
    {
        await using var h = new ClientHarness();

        ExchangeFailedException ex = await Assert.ThrowsAsync<ExchangeFailedException>(() => h.Client.GetBlocksAsync(Chain.Head.Key, 3, h.Guard));

        Assert.Empty(ex.PeerFailures);
    }

    [Fact]
    public async Task A_peer_nobody_identified_is_skipped_uncharged_as_lotus_skips_it()
    {
        await using var h = new ClientHarness();
        var ghost = PeerId.ForName("peer-0");
        h.Client.AddPeer(ghost);
        ScriptedPeer good = h.AddPeer("peer-1", ScriptedPeer.Honest(Chain));

        Assert.Equal(3, (await h.Client.GetBlocksAsync(Chain.Head.Key, 3, h.Guard)).Count);

        Assert.Empty(h.Failures(ghost));
        Assert.Single(good.Requests);
    }

    [Fact]
    public async Task A_peer_whose_identify_does_not_list_the_exchange_is_not_asked()
    {
        await using var h = new ClientHarness();
        InMemoryHost greeterOnly = h.Network.CreateHost("greeter-only");
        greeterOnly.SetStreamHandler(Venus.ChainSync.Hello.HelloMessage.ProtocolId, (_, _) => Task.CompletedTask);
        h.Client.AddPeer(greeterOnly.LocalPeer);

        ExchangeFailedException failed = await Assert.ThrowsAsync<ExchangeFailedException>(() => h.Client.GetBlocksAsync(Chain.Head.Key, 3, h.Guard));

        Assert.Equal(greeterOnly.LocalPeer, Assert.Single(failed.PeerFailures).Key);
        Assert.Empty(h.Failures(greeterOnly.LocalPeer));
    }

    [Fact]
    public async Task An_unreachable_peer_is_skipped_and_ranked_last()
    {
        await using var h = new ClientHarness();
        ScriptedPeer unreachable = h.AddPeer("peer-0", ScriptedPeer.Honest(Chain));
        ScriptedPeer good = h.AddPeer("peer-1", ScriptedPeer.Honest(Chain));
        h.Network.Partition([unreachable.Host], [h.Local, good.Host]);

        Assert.Equal(3, (await h.Client.GetBlocksAsync(Chain.Head.Key, 3, h.Guard)).Count);

        Assert.Equal([PeerOutcome.Unreachable], h.Failures(unreachable.Id));
        Assert.Equal([good.Id, unreachable.Id], h.Client.Tracker.Ranked());
    }

    [Fact]
    public async Task A_removed_peer_is_not_asked()
    {
        await using var h = new ClientHarness();
        ScriptedPeer removed = h.AddPeer("peer-1", ScriptedPeer.Honest(Chain));
        ScriptedPeer kept = h.AddPeer("peer-2", ScriptedPeer.Honest(Chain));

        h.Client.RemovePeer(removed.Id);
        await h.Client.GetBlocksAsync(Chain.Head.Key, 2, h.Guard);

        Assert.Empty(removed.Requests);
        Assert.Single(kept.Requests);
    }

    [Fact]
    public async Task Cancelling_the_call_propagates_and_charges_no_peer()
    {
        await using var h = new ClientHarness();
        ScriptedPeer silent = h.AddPeer("peer-1", async (_, _, ct) => await Task.Delay(Timeout.Infinite, ct));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(h.Guard);

        Task<IReadOnlyList<TipSet>> call = h.Client.GetBlocksAsync(Chain.Head.Key, 3, cts.Token);
        await silent.RequestReceived.Task.WaitAsync(h.Guard);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(h.Guard));
        Assert.Equal(0, h.Client.Tracker.GetStats(silent.Id)!.Value.Failures);
        Assert.Empty(h.Failures(silent.Id));
    }

    [Fact]
    public async Task A_segment_whose_last_tipset_claims_a_higher_parent_is_charged_to_the_peer_that_sent_it()
    {
        // peer-1 answers Partial with one forged tipset at height 1 whose parents are the chain's tipset at a
        // greater height; peer-2 honestly serves that parent when asked next.
        TipSet parent = Chain.Tipsets[5].TipSet;
        BlockHeader template = Chain.Tipsets[1].TipSet.Blocks[0];
        BlockHeader forged = BlockHeader.Create(template.Miner, parent.Key, 1, template.ParentStateRoot, template.ParentMessageReceipts, template.Messages, ticket: template.Ticket);
        await using var h = new ClientHarness();
        ScriptedPeer liar = h.AddPeer("peer-1", ScriptedPeer.Answer(_ => new ExchangeResponse(ExchangeStatus.Partial, "", [new TipSetBundle([forged], null)])));
        ScriptedPeer honest = h.AddPeer("peer-2", ScriptedPeer.Honest(Chain));

        ExchangeFailedException ex = await Assert.ThrowsAsync<ExchangeFailedException>(
            () => h.Client.GetBlocksAsync(TipSetKey.Create(forged.Cid), 3, h.Guard));

        Assert.Equal(liar.Id, Assert.Single(ex.PeerFailures).Key);
        Assert.Equal(parent.Key, Assert.Single(honest.Requests).Head);
        Assert.Equal(liar.Id, h.Client.Tracker.Ranked()[^1]);
        Assert.Equal(1, h.Events(3007));
    }

    [Fact]
    public async Task Each_attempt_is_counted_with_its_direction_and_outcome()
    {
        await using var h = new ClientHarness();
        using var requests = new MetricCollector<long>(h.Meters, ClientMetricNames.Meter, ClientMetricNames.Requests);
        h.AddPeer("peer-1", ScriptedPeer.Bytes(_ => [0x00]));
        h.AddPeer("peer-2", ScriptedPeer.Answer(_ => ExchangeResponse.Error(ExchangeStatus.GoAway, "busy")));
        h.AddPeer("peer-3", ScriptedPeer.Honest(Chain, cap: 2));

        await h.Client.GetBlocksAsync(Chain.Head.Key, 3, h.Guard);

        Assert.Equal(
            ["malformed", "go_away", "partial", "ok"],
            requests.GetMeasurementSnapshot().Select(m => (string)m.Tags["status"]!));
        Assert.All(requests.GetMeasurementSnapshot(), m => Assert.Equal("outbound", m.Tags["direction"]));
    }

    [Fact]
    public async Task Argument_mistakes_are_argument_exceptions()
    {
        await using var h = new ClientHarness();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => h.Client.GetBlocksAsync(Chain.Head.Key, 0, h.Guard));
        await Assert.ThrowsAsync<ArgumentException>(() => h.Client.GetBlocksAsync(TipSetKey.Empty, 1, h.Guard));
        await Assert.ThrowsAsync<ArgumentException>(() => h.Client.GetChainMessagesAsync([Chain.Tipsets[1].TipSet, Chain.Tipsets[2].TipSet], h.Guard));
        await Assert.ThrowsAsync<ArgumentException>(() => h.Client.GetFullTipSetAsync([], Chain.Head.Key, h.Guard));
        await Assert.ThrowsAsync<ArgumentException>(() => h.Client.GetFullTipSetAsync([PeerId.ForName("x")], TipSetKey.Empty, h.Guard));
    }

    [Fact]
    public async Task Options_out_of_range_are_refused_at_construction()
    {
        await using var network = new InMemoryNetwork();
        InMemoryHost host = network.CreateHost("client");

        Assert.Throws<ArgumentOutOfRangeException>(() => new ChainExchangeClient(
            host, TimeProvider.System, new FakeLogger<ChainExchangeClient>(), new ExchangeClientOptions { MaxResponseBytes = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ChainExchangeClient(
            host, TimeProvider.System, new FakeLogger<ChainExchangeClient>(), new ExchangeClientOptions { WriteRequestTimeout = TimeSpan.Zero }));
    }

    [Fact]
    public void Defaults_are_Lotus_numbers()
    {
        var options = new ExchangeClientOptions();

        Assert.Equal(120L * 1024 * 1024, options.MaxResponseBytes);
        Assert.Equal(50L * 1024, options.MinBytesPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(5), options.FirstByteTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), options.WriteRequestTimeout);
        Assert.Equal(TimeSpan.FromMinutes(1), options.OpenStreamTimeout);
        Assert.Equal(16, options.ShufflePeersPrefix);
    }
}
