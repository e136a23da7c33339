using System.Collections.Immutable;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Exchange.Tests.Client;

/// <summary>
/// One hostile server per test, asked first; then the same request must succeed from an honest peer, and the
/// tracker must rank the hostile peer last.
/// </summary>
public class HostileServerTests
{
    private const int Count = 3;

    private static readonly TestChain Chain = TestChain.Build(12, seed: 11);

    private static int HeadIndex => Chain.Tipsets.Count - 1;

    private enum Ask
    {
        Blocks,
        Messages,
    }

    // ---- bytes ----

    [Fact]
    public Task Garbage_bytes_are_malformed()
    {
        byte[] garbage = new byte[300];
        new Random(5).NextBytes(garbage);
        return HostileThenHonest(ScriptedPeer.Bytes(_ => garbage), PeerOutcome.Malformed);
    }

    [Fact]
    public Task A_response_cut_in_the_middle_and_closed_is_malformed() =>
        HostileThenHonest(ScriptedPeer.Bytes(request => Honest(request)[..(Honest(request).Length / 2)]), PeerOutcome.Malformed);

    [Fact]
    public Task A_response_cut_in_the_middle_and_reset_is_a_stream_error() =>
        HostileThenHonest(
            async (request, stream, ct) =>
            {
                byte[] bytes = Honest(request);
                await stream.Output.WriteAsync(bytes.AsMemory(0, bytes.Length / 2), ct);
                stream.Abort();
            },
            PeerOutcome.StreamError);

    [Fact]
    public Task A_response_over_the_size_cap_is_too_large() =>
        HostileThenHonest(ScriptedPeer.Bytes(_ => new byte[200 * 1024]), PeerOutcome.TooLarge, configure: o => o.MaxResponseBytes = 64 * 1024);

    [Fact]
    public Task A_response_dripping_below_the_minimum_speed_is_too_slow() =>
        HostileThenHonest(
            async (request, stream, ct) =>
            {
                await stream.Output.WriteAsync(Honest(request).AsMemory(0, 10), ct);
                await Task.Delay(Timeout.Infinite, ct);
            },
            PeerOutcome.TooSlow,
            configure: o =>
            {
                o.FirstByteTimeout = TimeSpan.FromSeconds(3);
                o.MinBytesPerSecond = 1000;
            },
            drive: async h =>
            {
                // The reader re-arms its progress timer past the first-byte allowance once the 10 bytes arrived
                // (3 s + 10 B at 1000 B/s); only then is the peer's silence measured.
                await h.Time.WhenTimerArmed(due => due > TimeSpan.FromSeconds(3) && due < TimeSpan.FromSeconds(4)).WaitAsync(h.Guard);
                h.Time.Advance(TimeSpan.FromSeconds(10));
            });

    [Fact]
    public Task A_peer_that_never_answers_times_out()
    {
        // The clock moves only once the silent peer has received the request, so the request is always recorded
        // (its handler runs on its own task and could otherwise see the stream reset first).
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return HostileThenHonest(
            async (_, _, ct) =>
            {
                received.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
            },
            PeerOutcome.Timeout,
            configure: o => o.FirstByteTimeout = TimeSpan.FromSeconds(3),
            drive: async h =>
            {
                // Watch for the client's timer before anything runs: it may be armed before the peer gets the request.
                Task armed = h.Time.WhenTimerArmed(due => due == TimeSpan.FromSeconds(3));
                await received.Task.WaitAsync(h.Guard);
                await armed.WaitAsync(h.Guard);
                h.Time.Advance(TimeSpan.FromSeconds(3));
            });
    }

    [Fact]
    public Task An_array_header_claiming_2_to_the_62_tipsets_is_malformed() =>
        HostileThenHonest(ScriptedPeer.Bytes(_ => [0x83, 0x00, 0x60, 0x9b, 0x40, 0, 0, 0, 0, 0, 0, 0]), PeerOutcome.Malformed);

    [Fact]
    public Task A_message_list_claiming_2_to_the_62_items_is_malformed() =>
        HostileThenHonest(
            ScriptedPeer.Bytes(_ => [0x83, 0x00, 0x60, 0x81, 0x82, 0x80, 0x84, 0x9b, 0x40, 0, 0, 0, 0, 0, 0, 0]),
            PeerOutcome.Malformed,
            Ask.Messages);

    // ---- status and length ----

    [Fact]
    public Task An_unknown_status_code_is_an_error_status() =>
        HostileThenHonest(ScriptedPeer.Answer(request => Chain.Respond(request) with { Status = (ExchangeStatus)77 }), PeerOutcome.ErrorStatus);

    [Fact]
    public Task Ok_with_fewer_tipsets_than_asked_above_genesis_is_invalid() =>
        HostileThenHonest(ScriptedPeer.Answer(request => Reshape(request, chain => chain.RemoveAt(chain.Length - 1))), PeerOutcome.Invalid);

    [Fact]
    public Task More_tipsets_than_asked_is_refused_by_the_decoder() =>
        HostileThenHonest(
            ScriptedPeer.Answer(request => Reshape(request, chain => chain.Add(TestChain.Bundle(Chain.Tipsets[HeadIndex - Count], request.Options)))),
            PeerOutcome.Malformed);

    // ---- headers ----

    [Fact]
    public Task A_wrong_head_is_invalid() =>
        HostileThenHonest(ScriptedPeer.Answer(request => Chain.Respond(request with { Head = Chain.Tipsets[HeadIndex - 1].Key })), PeerOutcome.Invalid);

    [Fact]
    public Task Unlinked_tipsets_are_invalid() =>
        HostileThenHonest(
            ScriptedPeer.Answer(request => Reshape(request, chain => chain.RemoveAt(1).Add(TestChain.Bundle(Chain.Tipsets[HeadIndex - Count], request.Options)))),
            PeerOutcome.Invalid);

    [Fact]
    public Task A_tipset_with_mixed_heights_is_invalid() =>
        HostileThenHonest(
            ScriptedPeer.Answer(request => Reshape(request, chain => chain.SetItem(0, chain[0] with { Blocks = chain[0].Blocks.Add(chain[1].Blocks[0]) }))),
            PeerOutcome.Invalid);

    [Fact]
    public Task A_tipset_with_mixed_parents_is_invalid()
    {
        BlockHeader head = Chain.Head.TipSet.Blocks[0];
        BlockHeader stray = BlockHeader.Create(
            Address.NewId(4242), Chain.Genesis.Key, head.Height, head.ParentStateRoot, head.ParentMessageReceipts, head.Messages, ticket: new Ticket(new byte[32]));
        return HostileThenHonest(
            ScriptedPeer.Answer(request => Reshape(request, chain => chain.SetItem(0, chain[0] with { Blocks = chain[0].Blocks.Add(stray) }))),
            PeerOutcome.Invalid);
    }

    // ---- messages ----

    [Fact]
    public Task An_include_index_out_of_range_is_invalid() =>
        HostileThenHonest(
            ScriptedPeer.Answer(request => ReshapeMessages(request, m => new CompactedMessages(m.Bls, m.BlsIncludes.SetItem(0, m.BlsIncludes[0].Add((ulong)m.Bls.Length)), m.Secpk, m.SecpkIncludes))),
            PeerOutcome.Invalid,
            Ask.Messages);

    [Fact]
    public Task An_include_index_of_2_to_the_63_is_invalid() =>
        HostileThenHonest(
            ScriptedPeer.Answer(request => ReshapeMessages(request, m => new CompactedMessages(m.Bls, m.BlsIncludes, m.Secpk, m.SecpkIncludes.SetItem(0, m.SecpkIncludes[0].Add(1UL << 63))))),
            PeerOutcome.Invalid,
            Ask.Messages);

    [Fact]
    public Task Include_lists_of_the_wrong_count_are_invalid() =>
        HostileThenHonest(
            ScriptedPeer.Answer(request => ReshapeMessages(request, m => new CompactedMessages(m.Bls, m.BlsIncludes.Add([]), m.Secpk, m.SecpkIncludes))),
            PeerOutcome.Invalid,
            Ask.Messages);

    [Fact]
    public Task Messages_that_do_not_match_the_message_root_are_invalid() =>
        HostileThenHonest(
            ScriptedPeer.Answer(request => ReshapeMessages(request, m => new CompactedMessages(
                [.. m.Bls, TestChain.NewMessage(777_777)],
                m.BlsIncludes.SetItem(0, m.BlsIncludes[0].Add((ulong)m.Bls.Length)),
                m.Secpk,
                m.SecpkIncludes))),
            PeerOutcome.Invalid,
            Ask.Messages);

    // ---- helpers ----

    private static byte[] Honest(ExchangeRequest request) => Chain.Respond(request).Encode();

    private static ExchangeResponse Reshape(ExchangeRequest request, Func<ImmutableArray<TipSetBundle>, ImmutableArray<TipSetBundle>> change)
    {
        ExchangeResponse honest = Chain.Respond(request);
        return honest with { Chain = change(honest.Chain) };
    }

    /// <summary>Changes the compacted messages of the first tipset.</summary>
    private static ExchangeResponse ReshapeMessages(ExchangeRequest request, Func<CompactedMessages, CompactedMessages> change) =>
        Reshape(request, chain => chain.SetItem(0, chain[0] with { Messages = change(chain[0].Messages!) }));

    private static async Task HostileThenHonest(
        ServerScript hostile,
        PeerOutcome expected,
        Ask ask = Ask.Blocks,
        Action<ExchangeClientOptions>? configure = null,
        Func<ClientHarness, Task>? drive = null)
    {
        await using var h = new ClientHarness(configure);
        ScriptedPeer bad = h.AddPeer("peer-1", hostile);
        ScriptedPeer good = h.AddPeer("peer-2", ScriptedPeer.Honest(Chain));
        Task driving = drive?.Invoke(h) ?? Task.CompletedTask;

        if (ask == Ask.Blocks)
        {
            Task<IReadOnlyList<TipSet>> call = h.Client.GetBlocksAsync(Chain.Head.Key, Count, h.Guard);
            await driving.WaitAsync(h.Guard);
            Assert.Equal(Chain.Headers(HeadIndex, Count), await call.WaitAsync(h.Guard));
        }
        else
        {
            IReadOnlyList<TipSet> headers = Chain.Headers(HeadIndex, Count);
            Task<IReadOnlyList<FullTipSet>> call = h.Client.GetChainMessagesAsync(headers, h.Guard);
            await driving.WaitAsync(h.Guard);
            IReadOnlyList<FullTipSet> full = await call.WaitAsync(h.Guard);
            Assert.Equal(headers.Select(t => t.Key), full.Select(f => f.Key));
            Assert.All(full, f => Assert.True(f.Blocks.All(b => b.MessagesMatchHeader())));
        }

        Assert.Single(bad.Requests);
        Assert.Single(good.Requests);
        Assert.Equal([expected], h.Failures(bad.Id));
        Assert.Empty(h.Failures(good.Id));
        Assert.Equal(bad.Id, h.Client.Tracker.Ranked()[^1]);
        Assert.Equal(bad.Id, h.Client.Tracker.Ordered()[^1]);
        PeerStats stats = h.Client.Tracker.GetStats(bad.Id)!.Value;
        Assert.Equal((0, 1), (stats.Successes, stats.Failures));
    }
}
