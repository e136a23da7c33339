using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Primitives.Cbor;
using Venus.ChainSync.Testing;
using Venus.ChainSync.TestSupport;

namespace Venus.ChainSync.Exchange.Tests.Server;

/// <summary>The suite on the in-memory network.</summary>
public sealed class ChainExchangeServerAnswerTests : ChainExchangeServerAnswerSuite
{
    internal override StreamNetworkKit CreateNetwork(TimeProvider time) => new InMemoryStreamNetworkKit(time);
}

/// <summary>The suite again, client and server each a libp2p host on loopback.</summary>
public sealed class ChainExchangeServerAnswerOverLibp2pTests : ChainExchangeServerAnswerSuite
{
    internal override StreamNetworkKit CreateNetwork(TimeProvider time) => new Libp2pStreamNetworkKit();
}

/// <summary>What the server answers: chains, statuses and Lotus's validation, over a built chain. Runs on every <see cref="StreamNetworkKit"/>; the server's clock is always fake.</summary>
public abstract class ChainExchangeServerAnswerSuite
{
    internal abstract StreamNetworkKit CreateNetwork(TimeProvider time);

    private Task<ServerHarness> NewHarnessAsync(IBlockstore store, ExchangeServerOptions? options = null) => ServerHarness.CreateAsync(CreateNetwork, store, options);

    private const ExchangeOptions Both = ExchangeOptions.Headers | ExchangeOptions.Messages;

    [Theory]
    [InlineData(1, ExchangeOptions.Headers)]
    [InlineData(10, ExchangeOptions.Headers)]
    [InlineData(900, ExchangeOptions.Headers)]
    [InlineData(1, ExchangeOptions.Messages)]
    [InlineData(10, ExchangeOptions.Messages)]
    [InlineData(900, ExchangeOptions.Messages)]
    [InlineData(1, Both)]
    [InlineData(10, Both)]
    [InlineData(900, Both)]
    public async Task Walk_back_from_the_head_answers_Ok_with_exactly_what_was_asked(int length, ExchangeOptions options)
    {
        TestChain chain = TestChain.Shared;
        await using ServerHarness harness = await NewHarnessAsync(chain.Store);

        ExchangeResponse response = await harness.RequestAsync(new ExchangeRequest(chain.Head.Key, (ulong)length, options), Wait.Guard());

        Assert.Equal(ExchangeStatus.Ok, response.Status);
        Assert.Equal("", response.ErrorMessage);
        chain.AssertAnswers(response, chain.Back(chain.Head, length), options);
        Assert.Equal(1, harness.Count("ok"));
    }

    [Fact]
    public async Task Messages_shared_by_blocks_are_sent_once_and_each_block_gets_its_exact_list_back()
    {
        TestChain chain = TestChain.Build(seed: 3, count: 2, _ => new TipSetSpec(Blocks: 5, BlsMessages: 3, SecpMessages: 2, SharedMessages: 4));
        await using ServerHarness harness = await NewHarnessAsync(chain.Store);

        ExchangeResponse response = await harness.RequestAsync(new ExchangeRequest(chain.Head.Key, 1, Both), Wait.Guard());

        CompactedMessages messages = Assert.IsType<CompactedMessages>(Assert.Single(response.Chain).Messages);
        Assert.Equal((5 * 3) + 4, messages.Bls.Length);
        Assert.Equal((5 * 2) + 4, messages.Secpk.Length);
        Assert.All(messages.BlsIncludes, block => Assert.Equal(3 + 4, block.Length));
        chain.AssertAnswers(response, [chain.Head], Both);
    }

    [Fact]
    public async Task A_peer_that_does_not_half_close_is_served_once_its_request_is_whole()
    {
        TestChain chain = TestChain.Shared;
        await using ServerHarness harness = await NewHarnessAsync(chain.Store);
        CancellationToken guard = Wait.Guard();

        await using INetworkStream stream = await harness.OpenAsync(guard);
        await stream.Output.WriteAsync(new ExchangeRequest(chain.Head.Key, 3, ExchangeOptions.Headers).Encode(), guard);
        ExchangeResponse response = await RawClient.ReadResponseAsync(stream, harness.Time, guard);

        Assert.Equal(ExchangeStatus.Ok, response.Status);
        chain.AssertAnswers(response, chain.Back(chain.Head, 3), ExchangeOptions.Headers);
    }

    [Theory]
    [InlineData(ExchangeOptions.Headers)]
    [InlineData(Both)]
    public async Task Walk_ends_at_genesis_with_Partial_as_a_Lotus_client_requires(ExchangeOptions options)
    {
        TestChain chain = TestChain.Shared;
        TipSet head = chain.TipSets[5];
        await using ServerHarness harness = await NewHarnessAsync(chain.Store);

        ExchangeResponse response = await harness.RequestAsync(new ExchangeRequest(head.Key, 900, options), Wait.Guard());

        // Lotus's client refuses Ok with fewer tipsets than asked, so reaching genesis early is Partial.
        Assert.Equal(ExchangeStatus.Partial, response.Status);
        chain.AssertAnswers(response, chain.Back(head, 900), options);
        Assert.Equal(6, response.Chain.Length);
        if ((options & ExchangeOptions.Headers) != 0)
        {
            Assert.Equal(0, response.Chain[^1].Blocks[0].Height);
        }
    }

    [Fact]
    public async Task Asking_for_exactly_the_tipsets_down_to_genesis_is_Ok()
    {
        TestChain chain = TestChain.Shared;
        TipSet head = chain.TipSets[5];
        await using ServerHarness harness = await NewHarnessAsync(chain.Store);

        ExchangeResponse response = await harness.RequestAsync(new ExchangeRequest(head.Key, 6, Both), Wait.Guard());

        Assert.Equal(ExchangeStatus.Ok, response.Status);
        chain.AssertAnswers(response, chain.Back(head, 6), Both);
    }

    [Fact]
    public async Task Missing_parent_header_gives_Partial_with_the_tipsets_before_it()
    {
        TestChain chain = TestChain.Shared;
        IReadOnlyList<TipSet> back = chain.Back(chain.Head, 10);
        var store = new FaultyBlockstore(chain.Store);
        store.Hidden.Add(back[3].Blocks[^1].Cid);
        await using ServerHarness harness = await NewHarnessAsync(store);

        ExchangeResponse response = await harness.RequestAsync(new ExchangeRequest(chain.Head.Key, 10, Both), Wait.Guard());

        Assert.Equal(ExchangeStatus.Partial, response.Status);
        chain.AssertAnswers(response, [.. back.Take(3)], Both);
        Assert.Single(harness.Logged(3110));
    }

    [Fact]
    public async Task Missing_messages_of_a_parent_give_Partial_when_messages_are_asked_for_and_do_not_matter_otherwise()
    {
        TestChain chain = TestChain.Shared;
        IReadOnlyList<TipSet> back = chain.Back(chain.Head, 10);
        FullTipSet withMessages = back.Skip(2).Select(chain.Builder.GetFullTipSet).First(f => f.Blocks.Any(b => b.SecpkMessages.Length > 0));
        int at = back.ToList().FindIndex(t => t.Key == withMessages.Key);
        var store = new FaultyBlockstore(chain.Store);
        store.Hidden.Add(withMessages.Blocks.First(b => b.SecpkMessages.Length > 0).SecpkMessages[^1].Cid);
        await using ServerHarness harness = await NewHarnessAsync(store);

        ExchangeResponse messages = await harness.RequestAsync(new ExchangeRequest(chain.Head.Key, 10, ExchangeOptions.Messages), Wait.Guard());
        ExchangeResponse headers = await harness.RequestAsync(new ExchangeRequest(chain.Head.Key, 10, ExchangeOptions.Headers), Wait.Guard());

        Assert.Equal(ExchangeStatus.Partial, messages.Status);
        chain.AssertAnswers(messages, [.. back.Take(at)], ExchangeOptions.Messages);
        Assert.Equal(ExchangeStatus.Ok, headers.Status);
        chain.AssertAnswers(headers, back, ExchangeOptions.Headers);
    }

    [Fact]
    public async Task Unknown_head_is_an_InternalError_as_Lotus_answers_it()
    {
        await using ServerHarness harness = await NewHarnessAsync(TestChain.Shared.Store);
        var unknown = TipSetKey.Create(Cid.ComputeDagCbor([0x01]));

        ExchangeResponse response = await harness.RequestAsync(new ExchangeRequest(unknown, 10, Both), Wait.Guard());

        Assert.Equal(ExchangeStatus.InternalError, response.Status);
        Assert.Empty(response.Chain);
        Assert.Equal(1, harness.Count("internal_error"));
        Assert.Equal(0, harness.Count("not_found"));
    }

    [Fact]
    public async Task Head_whose_messages_are_missing_is_an_InternalError_when_messages_are_asked_for()
    {
        TestChain chain = TestChain.Shared;
        var store = new FaultyBlockstore(chain.Store);
        store.Hidden.Add(chain.Head.Blocks[0].Messages);
        await using ServerHarness harness = await NewHarnessAsync(store);

        ExchangeResponse response = await harness.RequestAsync(new ExchangeRequest(chain.Head.Key, 10, Both), Wait.Guard());

        Assert.Equal(ExchangeStatus.InternalError, response.Status);
    }

    [Fact]
    public async Task Head_cids_that_are_not_one_tipset_are_a_BadRequest()
    {
        TestChain chain = TestChain.Shared;
        var mixed = TipSetKey.Create(chain.Head.Blocks[0].Cid, chain.TipSets[^2].Blocks[0].Cid);
        await using ServerHarness harness = await NewHarnessAsync(chain.Store);

        ExchangeResponse response = await harness.RequestAsync(new ExchangeRequest(mixed, 1, Both), Wait.Guard());

        Assert.Equal(ExchangeStatus.BadRequest, response.Status);
    }

    [Theory]
    [InlineData(ExchangeOptions.None, 10UL, false, "no options set")]
    [InlineData((ExchangeOptions)4, 10UL, false, "no options set")]
    [InlineData(Both, 0UL, false, "invalid request length of zero")]
    [InlineData(Both, 901UL, false, "request length over maximum allowed (900)")]
    [InlineData(Both, 10UL, true, "no cids in request")]
    public async Task Invalid_request_is_a_BadRequest_in_Lotus_words(ExchangeOptions options, ulong length, bool emptyHead, string message)
    {
        TestChain chain = TestChain.Shared;
        await using ServerHarness harness = await NewHarnessAsync(chain.Store);

        ExchangeResponse response = await harness.RequestAsync(new ExchangeRequest(emptyHead ? TipSetKey.Empty : chain.Head.Key, length, options), Wait.Guard());

        Assert.Equal(ExchangeStatus.BadRequest, response.Status);
        Assert.Equal(message, response.ErrorMessage);
        Assert.Empty(response.Chain);
        Assert.Equal(1, harness.Count("bad_request"));
        Assert.All(harness.Logged(3104), r => Assert.Equal(LogLevel.Debug, r.Level));
    }

    [Theory]
    [InlineData(new byte[] { 0x01, 0x02, 0x03 }, true)]
    [InlineData(new byte[] { 0xff }, false)]
    [InlineData(new byte[] { 0x83, 0x01, 0x02, 0x03 }, true)]
    [InlineData(new byte[] { 0x83, 0x80, 0x01 }, true)]
    public async Task Garbage_is_answered_BadRequest(byte[] garbage, bool halfClose)
    {
        await using ServerHarness harness = await NewHarnessAsync(TestChain.Shared.Store);
        CancellationToken guard = Wait.Guard();

        await using INetworkStream stream = await harness.OpenAsync(guard);
        await stream.Output.WriteAsync(garbage, guard);
        if (halfClose)
        {
            await stream.CompleteWritingAsync(guard);
        }
        else
        {
            await stream.Output.FlushAsync(guard);
        }

        ExchangeResponse response = await RawClient.ReadResponseAsync(stream, harness.Time, guard);

        Assert.Equal(ExchangeStatus.BadRequest, response.Status);
    }

    [Fact]
    public async Task Request_over_the_size_limit_is_a_BadRequest_without_waiting_for_the_rest()
    {
        await using ServerHarness harness = await NewHarnessAsync(TestChain.Shared.Store);
        CancellationToken guard = Wait.Guard();
        byte[] huge = new byte[70 * 1024];
        huge[0] = 0x83;
        huge[1] = 0x99;
        huge[2] = 0x10;

        await using INetworkStream stream = await harness.OpenAsync(guard);
        await stream.Output.WriteAsync(huge, guard);
        await stream.Output.FlushAsync(guard);
        ExchangeResponse response = await RawClient.ReadResponseAsync(stream, harness.Time, guard);

        Assert.Equal(ExchangeStatus.BadRequest, response.Status);
    }

    [Fact]
    public async Task Store_failure_is_an_InternalError_logged_as_a_local_fault()
    {
        TestChain chain = TestChain.Shared;
        var store = new FaultyBlockstore(chain.Store);
        store.Failing.Add(chain.Back(chain.Head, 5)[4].Blocks[0].Cid);
        await using ServerHarness harness = await NewHarnessAsync(store);

        ExchangeResponse response = await harness.RequestAsync(new ExchangeRequest(chain.Head.Key, 10, ExchangeOptions.Headers), Wait.Guard());

        Assert.Equal(ExchangeStatus.InternalError, response.Status);
        Assert.Empty(response.Chain);
        FakeLogRecordAssert.Single(harness.Logged(3109), LogLevel.Error);
        Assert.Equal(1, harness.Count("internal_error"));
    }

    [Fact]
    public async Task Corrupt_stored_parent_is_an_InternalError()
    {
        TestChain chain = TestChain.Shared;
        var store = new FaultyBlockstore(chain.Store);
        store.Replaced.Add(chain.Back(chain.Head, 5)[2].Blocks[0].Cid, [0x82, 0x01, 0x02]);
        await using ServerHarness harness = await NewHarnessAsync(store);

        ExchangeResponse response = await harness.RequestAsync(new ExchangeRequest(chain.Head.Key, 10, ExchangeOptions.Headers), Wait.Guard());

        Assert.Equal(ExchangeStatus.InternalError, response.Status);
        FakeLogRecordAssert.Single(harness.Logged(3109), LogLevel.Error);
    }

    [Fact]
    public void Measured_size_is_the_exact_encoded_size()
    {
        TestChain chain = TestChain.Build(seed: 11, count: 4, _ => new TipSetSpec(Blocks: 3, BlsMessages: 30, SecpMessages: 20, SharedMessages: 5));
        foreach (TipSet tipSet in chain.TipSets)
        {
            FullTipSet full = chain.Builder.GetFullTipSet(tipSet);
            var bundles = new[]
            {
                new TipSetBundle(tipSet.Blocks, null),
                new TipSetBundle([], Compact(full)),
                new TipSetBundle(tipSet.Blocks, Compact(full)),
            };
            foreach (TipSetBundle bundle in bundles)
            {
                Assert.Equal(DagCbor.Encode(bundle, static (w, b) => b.WriteTo(w)).Length, ResponseEncoding.MeasureBundle(bundle));
            }
        }

        var response = new ExchangeResponse(ExchangeStatus.Partial, "ünïcode", []);
        Assert.Equal(response.Encode().Length, ResponseEncoding.MeasureHead(response.Status, response.ErrorMessage, 0));
    }

    private static CompactedMessages Compact(FullTipSet full)
    {
        Message[] bls = [.. full.Blocks.SelectMany(b => b.BlsMessages).DistinctBy(m => m.Cid)];
        SignedMessage[] secpk = [.. full.Blocks.SelectMany(b => b.SecpkMessages).DistinctBy(m => m.Cid)];
        return new CompactedMessages(
            [.. bls],
            [.. full.Blocks.Select(b => b.BlsMessages.Select(m => (ulong)Array.FindIndex(bls, x => x.Cid == m.Cid)).ToImmutableArray())],
            [.. secpk],
            [.. full.Blocks.Select(b => b.SecpkMessages.Select(m => (ulong)Array.FindIndex(secpk, x => x.Cid == m.Cid)).ToImmutableArray())]);
    }
}

internal static class FakeLogRecordAssert
{
    public static void Single(IReadOnlyList<Microsoft.Extensions.Logging.Testing.FakeLogRecord> records, LogLevel level) =>
        Assert.Equal(level, Assert.Single(records).Level);
}
