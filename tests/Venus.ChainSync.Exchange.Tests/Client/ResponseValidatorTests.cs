using System.Collections.Immutable;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Exchange.Tests.Client;

/// <summary>Every rule of <see cref="ResponseValidator"/>, each accepted and refused, without a network.</summary>
public class ResponseValidatorTests
{
    private const ExchangeOptions Headers = ExchangeOptions.Headers;
    private const ExchangeOptions Messages = ExchangeOptions.Messages;
    private const ExchangeOptions Both = ExchangeOptions.Headers | ExchangeOptions.Messages;

    private static readonly TestChain Chain = TestChain.Build(16, seed: 3);

    private static int HeadIndex => Chain.Tipsets.Count - 1;

    /// <summary>Index of a tipset of several blocks that has BLS and secp messages (the seed guarantees one).</summary>
    private static int RichIndex { get; } = Enumerable.Range(1, Chain.Tipsets.Count - 1).Last(i =>
        Chain.Tipsets[i].Blocks.Length > 1 &&
        Chain.Tipsets[i].Blocks.Any(b => b.BlsMessages.Length > 0) &&
        Chain.Tipsets[i].Blocks.Any(b => b.SecpkMessages.Length > 0));

    private static ExchangeRequest Request(int headIndex, int length, ExchangeOptions options) =>
        new(Chain.Tipsets[headIndex].Key, (ulong)length, options);

    private static ExchangeResponse Response(ExchangeStatus status, params TipSetBundle[] bundles) => new(status, "", [.. bundles]);

    private static TipSetBundle[] Bundles(int headIndex, int length, ExchangeOptions options) =>
        [.. Chain.Segment(headIndex, length).Select(t => TestChain.Bundle(t, options))];

    private static void AssertRefused(ResponseValidation result, PeerOutcome outcome)
    {
        Assert.False(result.IsValid);
        Assert.Equal(outcome, result.Outcome);
        Assert.NotEmpty(result.Reason);
    }

    // ---- accepted ----

    [Fact]
    public void Ok_headers_of_the_full_length_give_the_tipsets_head_first()
    {
        ResponseValidation result = ResponseValidator.Validate(Request(HeadIndex, 5, Headers), Response(ExchangeStatus.Ok, Bundles(HeadIndex, 5, Headers)));

        Assert.True(result.IsValid);
        Assert.Equal(PeerOutcome.Success, result.Outcome);
        Assert.Equal(Chain.Headers(HeadIndex, 5), result.Segment.TipSets);
        Assert.Null(result.Segment.FullTipSets);
        Assert.Equal(ExchangeStatus.Ok, result.Segment.Status);
        Assert.False(result.Segment.ReachesGenesis);
    }

    [Fact]
    public void Headers_and_messages_give_full_tipsets_whose_messages_match_their_headers()
    {
        ResponseValidation result = ResponseValidator.Validate(Request(HeadIndex, HeadIndex + 1, Both), Response(ExchangeStatus.Ok, Bundles(HeadIndex, HeadIndex + 1, Both)));

        Assert.True(result.IsValid);
        IReadOnlyList<FullTipSet> full = result.Segment.FullTipSets!;
        Assert.Equal(HeadIndex + 1, full.Count);
        for (int i = 0; i < full.Count; i++)
        {
            FullTipSet expected = Chain.Tipsets[HeadIndex - i];
            Assert.Equal(expected.Key, full[i].Key);
            Assert.True(full[i].Blocks.All(b => b.MessagesMatchHeader()));
            for (int b = 0; b < expected.Blocks.Length; b++)
            {
                Assert.Equal(expected.Blocks[b].BlsMessages.Select(m => m.Cid), full[i].Blocks[b].BlsMessages.Select(m => m.Cid));
                Assert.Equal(expected.Blocks[b].SecpkMessages.Select(m => m.Cid), full[i].Blocks[b].SecpkMessages.Select(m => m.Cid));
            }
        }

        Assert.True(result.Segment.ReachesGenesis);
    }

    [Fact]
    public void Messages_only_are_checked_against_the_known_tipsets()
    {
        IReadOnlyList<TipSet> known = Chain.Headers(RichIndex, 3);

        ResponseValidation result = ResponseValidator.Validate(Request(RichIndex, 3, Messages), Response(ExchangeStatus.Ok, Bundles(RichIndex, 3, Messages)), known);

        Assert.True(result.IsValid);
        Assert.Equal(known, result.Segment.TipSets);
        Assert.All(result.Segment.FullTipSets!, f => Assert.True(f.Blocks.All(b => b.MessagesMatchHeader())));
        Assert.Equal(known.Select(t => t.Key), result.Segment.FullTipSets!.Select(f => f.Key));
    }

    [Fact]
    public void Partial_shorter_than_asked_is_accepted_anywhere()
    {
        ResponseValidation result = ResponseValidator.Validate(Request(HeadIndex, 8, Headers), Response(ExchangeStatus.Partial, Bundles(HeadIndex, 3, Headers)));

        Assert.True(result.IsValid);
        Assert.Equal(3, result.Segment.Count);
        Assert.Equal(ExchangeStatus.Partial, result.Segment.Status);
    }

    [Fact]
    public void Partial_of_the_full_length_is_accepted_as_Lotus_does()
    {
        ResponseValidation result = ResponseValidator.Validate(Request(HeadIndex, 3, Headers), Response(ExchangeStatus.Partial, Bundles(HeadIndex, 3, Headers)));

        Assert.True(result.IsValid);
        Assert.Equal(3, result.Segment.Count);
    }

    [Fact]
    public void Ok_shorter_than_asked_is_accepted_when_it_ends_at_genesis()
    {
        ResponseValidation result = ResponseValidator.Validate(Request(2, 10, Headers), Response(ExchangeStatus.Ok, Bundles(2, 3, Headers)));

        Assert.True(result.IsValid);
        Assert.True(result.Segment.ReachesGenesis);
    }

    [Fact]
    public void Parts_that_were_not_asked_for_are_ignored()
    {
        ResponseValidation result = ResponseValidator.Validate(Request(HeadIndex, 2, Headers), Response(ExchangeStatus.Ok, Bundles(HeadIndex, 2, Both)));

        Assert.True(result.IsValid);
        Assert.Null(result.Segment.FullTipSets);
    }

    [Fact]
    public void Null_rounds_between_tipsets_are_accepted()
    {
        TestChain gappy = TestChain.Build(12, seed: 5, nullRounds: true);
        Assert.Contains(Enumerable.Range(1, 11), i => gappy.Tipsets[i].Height - gappy.Tipsets[i - 1].Height > 1);
        var request = new ExchangeRequest(gappy.Head.Key, 12, Both);

        Assert.True(ResponseValidator.Validate(request, gappy.Respond(request)).IsValid);
    }

    // ---- status ----

    [Theory]
    [InlineData(ExchangeStatus.NotFound, PeerOutcome.NotFound)]
    [InlineData(ExchangeStatus.GoAway, PeerOutcome.GoAway)]
    [InlineData(ExchangeStatus.InternalError, PeerOutcome.ErrorStatus)]
    [InlineData(ExchangeStatus.BadRequest, PeerOutcome.ErrorStatus)]
    [InlineData((ExchangeStatus)1, PeerOutcome.ErrorStatus)]
    [InlineData((ExchangeStatus)999, PeerOutcome.ErrorStatus)]
    [InlineData((ExchangeStatus)ulong.MaxValue, PeerOutcome.ErrorStatus)]
    public void Error_statuses_are_refused_with_their_outcome_even_with_a_chain(ExchangeStatus status, PeerOutcome outcome)
    {
        var response = new ExchangeResponse(status, "no\nthanks", [.. Bundles(HeadIndex, 2, Headers)]);

        ResponseValidation result = ResponseValidator.Validate(Request(HeadIndex, 2, Headers), response);

        AssertRefused(result, outcome);
        Assert.DoesNotContain('\n', result.Reason);
    }

    [Fact]
    public void A_long_server_error_message_is_shortened_in_the_reason()
    {
        ResponseValidation result = ResponseValidator.Validate(Request(HeadIndex, 1, Headers), ExchangeResponse.Error(ExchangeStatus.InternalError, new string('x', 10_000)));

        Assert.True(result.Reason.Length < ResponseValidator.MaxQuotedErrorLength + 100);
    }

    // ---- length ----

    [Theory]
    [InlineData(ExchangeStatus.Ok)]
    [InlineData(ExchangeStatus.Partial)]
    public void A_successful_status_with_no_tipsets_is_invalid(ExchangeStatus status) =>
        AssertRefused(ResponseValidator.Validate(Request(HeadIndex, 2, Headers), Response(status)), PeerOutcome.Invalid);

    [Fact]
    public void More_tipsets_than_asked_is_invalid() =>
        AssertRefused(ResponseValidator.Validate(Request(HeadIndex, 2, Headers), Response(ExchangeStatus.Ok, Bundles(HeadIndex, 3, Headers))), PeerOutcome.Invalid);

    [Fact]
    public void Ok_shorter_than_asked_above_genesis_is_invalid() =>
        AssertRefused(ResponseValidator.Validate(Request(HeadIndex, 5, Headers), Response(ExchangeStatus.Ok, Bundles(HeadIndex, 4, Headers))), PeerOutcome.Invalid);

    [Fact]
    public void Messages_only_Ok_shorter_than_asked_above_genesis_is_invalid() =>
        AssertRefused(
            ResponseValidator.Validate(Request(2, 3, Messages), Response(ExchangeStatus.Ok, Bundles(2, 2, Messages)), Chain.Headers(2, 3)),
            PeerOutcome.Invalid);

    // ---- headers ----

    [Fact]
    public void A_head_other_than_the_requested_one_is_invalid() =>
        AssertRefused(ResponseValidator.Validate(Request(HeadIndex, 2, Headers), Response(ExchangeStatus.Ok, Bundles(HeadIndex - 1, 2, Headers))), PeerOutcome.Invalid);

    [Fact]
    public void Tipsets_that_skip_a_link_are_invalid()
    {
        TipSetBundle[] bundles = Bundles(HeadIndex, 4, Headers);
        ResponseValidation result = ResponseValidator.Validate(Request(HeadIndex, 3, Headers), Response(ExchangeStatus.Ok, bundles[0], bundles[1], bundles[3]));

        AssertRefused(result, PeerOutcome.Invalid);
    }

    [Fact]
    public void Tipsets_in_the_wrong_direction_are_invalid()
    {
        TipSetBundle[] bundles = Bundles(HeadIndex, 2, Headers);

        ResponseValidation result = ResponseValidator.Validate(Request(HeadIndex, 3, Headers), Response(ExchangeStatus.Partial, bundles[0], bundles[1], bundles[0]));

        AssertRefused(result, PeerOutcome.Invalid);
    }

    [Fact]
    public void A_bundle_mixing_blocks_of_two_heights_is_invalid()
    {
        TipSetBundle[] bundles = Bundles(HeadIndex, 2, Headers);
        var mixed = new TipSetBundle([.. bundles[0].Blocks, bundles[1].Blocks[0]], null);

        AssertRefused(ResponseValidator.Validate(Request(HeadIndex, 2, Headers), Response(ExchangeStatus.Ok, mixed, bundles[1])), PeerOutcome.Invalid);
    }

    [Fact]
    public void A_bundle_mixing_blocks_with_different_parents_is_invalid()
    {
        FullTipSet head = Chain.Head;
        BlockHeader stray = BlockHeader.Create(
            Address.NewId(4242), Chain.Tipsets[0].Key, head.Height, head.TipSet.ParentStateRoot,
            head.TipSet.Blocks[0].ParentMessageReceipts, head.TipSet.Blocks[0].Messages, ticket: new Ticket(new byte[32]));
        var mixed = new TipSetBundle([.. head.TipSet.Blocks, stray], null);

        ResponseValidation result = ResponseValidator.Validate(new ExchangeRequest(head.Key, 1, Headers), Response(ExchangeStatus.Ok, mixed));

        AssertRefused(result, PeerOutcome.Invalid);
    }

    [Fact]
    public void A_bundle_repeating_a_block_is_invalid()
    {
        TipSetBundle bundle = Bundles(HeadIndex, 1, Headers)[0];
        var repeated = new TipSetBundle([.. bundle.Blocks, bundle.Blocks[0]], null);

        AssertRefused(ResponseValidator.Validate(Request(HeadIndex, 1, Headers), Response(ExchangeStatus.Ok, repeated)), PeerOutcome.Invalid);
    }

    [Fact]
    public void Blocks_out_of_canonical_order_are_invalid()
    {
        TipSetBundle bundle = TestChain.Bundle(Chain.Tipsets[RichIndex], Headers);
        var reversed = new TipSetBundle([.. bundle.Blocks.Reverse()], null);

        AssertRefused(ResponseValidator.Validate(Request(RichIndex, 1, Headers), Response(ExchangeStatus.Ok, reversed)), PeerOutcome.Invalid);
    }

    [Fact]
    public void A_bundle_without_blocks_when_headers_were_asked_is_invalid() =>
        AssertRefused(ResponseValidator.Validate(Request(HeadIndex, 1, Both), Response(ExchangeStatus.Ok, Bundles(HeadIndex, 1, Messages))), PeerOutcome.Invalid);

    [Fact]
    public void A_negative_height_is_invalid()
    {
        BlockHeader block = Chain.Genesis.TipSet.Blocks[0];
        BlockHeader below = BlockHeader.Create(block.Miner, block.Parents, -1, block.ParentStateRoot, block.ParentMessageReceipts, block.Messages);

        ResponseValidation result = ResponseValidator.Validate(
            new ExchangeRequest(TipSetKey.Create(below.Cid), 1, Headers), Response(ExchangeStatus.Ok, new TipSetBundle([below], null)));

        AssertRefused(result, PeerOutcome.Invalid);
    }

    [Fact]
    public void A_tipset_above_genesis_without_parents_is_invalid()
    {
        BlockHeader block = Chain.Genesis.TipSet.Blocks[0];
        BlockHeader orphan = BlockHeader.Create(block.Miner, TipSetKey.Empty, 7, block.ParentStateRoot, block.ParentMessageReceipts, block.Messages);

        ResponseValidation result = ResponseValidator.Validate(
            new ExchangeRequest(TipSetKey.Create(orphan.Cid), 1, Headers), Response(ExchangeStatus.Ok, new TipSetBundle([orphan], null)));

        AssertRefused(result, PeerOutcome.Invalid);
    }

    // ---- cost: cheap facts before expensive ones ----

    [Fact]
    public void A_tipset_wider_than_a_tipset_may_be_is_refused()
    {
        FullTipSet head = Chain.Head;
        BlockHeader[] wide = [.. Enumerable.Range(0, TipSet.MaxBlocks + 1).Select(i => BlockHeader.Create(
            Address.NewId(5000 + (ulong)i), head.TipSet.Parents, head.Height, head.TipSet.ParentStateRoot,
            head.TipSet.Blocks[0].ParentMessageReceipts, head.TipSet.Blocks[0].Messages, ticket: new Ticket(new byte[] { (byte)i })))];
        var request = new ExchangeRequest(TipSetKey.Create(wide.Select(b => b.Cid)), 1, Headers);

        ResponseValidation result = ResponseValidator.Validate(request, Response(ExchangeStatus.Ok, new TipSetBundle([.. wide], null)));

        AssertRefused(result, PeerOutcome.Invalid);
        Assert.Equal(ResponseFault.TooWide, result.Fault);
    }

    [Fact]
    public void A_wrong_head_is_found_before_any_later_tipset_is_built()
    {
        // The second bundle could not be built (two heights), so the head's failure shows the head came first.
        TipSetBundle[] bundles = Bundles(HeadIndex - 1, 3, Headers);
        var unbuildable = new TipSetBundle([.. bundles[1].Blocks, bundles[2].Blocks[0]], null);

        ResponseValidation result = ResponseValidator.Validate(Request(HeadIndex, 3, Headers), Response(ExchangeStatus.Ok, bundles[0], unbuildable, bundles[2]));

        AssertRefused(result, PeerOutcome.Invalid);
        Assert.Equal(ResponseFault.WrongHead, result.Fault);
    }

    [Fact]
    public void A_broken_link_is_found_before_any_tipset_is_built()
    {
        // Tipset 2 repeats a block (which only building finds); the link from tipset 0 to 1 is broken as sent.
        TipSetBundle[] bundles = Bundles(HeadIndex, 4, Headers);
        var repeating = new TipSetBundle([.. bundles[3].Blocks, bundles[3].Blocks[0]], null);

        ResponseValidation result = ResponseValidator.Validate(Request(HeadIndex, 3, Headers), Response(ExchangeStatus.Ok, bundles[0], bundles[2], repeating));

        AssertRefused(result, PeerOutcome.Invalid);
        Assert.Equal(ResponseFault.BrokenLink, result.Fault);
    }

    [Fact]
    public void A_wire_bundle_wider_than_a_tipset_may_be_fails_to_decode()
    {
        BlockHeader block = Chain.Head.TipSet.Blocks[0];
        var wide = new TipSetBundle([.. Enumerable.Repeat(block, TipSet.MaxBlocks + 1)], null);
        byte[] encoded = new ExchangeResponse(ExchangeStatus.Ok, "", [wide]).Encode();

        Assert.Throws<Primitives.Cbor.DagCborException>(() => ExchangeResponse.Decode(encoded, 1));
    }

    // ---- messages ----

    [Fact]
    public void A_bundle_without_messages_when_messages_were_asked_is_invalid() =>
        AssertRefused(ResponseValidator.Validate(Request(HeadIndex, 2, Both), Response(ExchangeStatus.Ok, Bundles(HeadIndex, 2, Headers))), PeerOutcome.Invalid);

    [Fact]
    public void Messages_only_without_messages_is_invalid() =>
        AssertRefused(
            ResponseValidator.Validate(Request(HeadIndex, 1, Messages), Response(ExchangeStatus.Ok, new TipSetBundle([], null)), Chain.Headers(HeadIndex, 1)),
            PeerOutcome.Invalid);

    [Theory]
    [InlineData(true, -1)]
    [InlineData(true, 1)]
    [InlineData(false, -1)]
    [InlineData(false, 1)]
    public void Include_lists_not_one_per_block_are_invalid(bool bls, int delta)
    {
        CompactedMessages m = TestChain.Compact(Chain.Tipsets[RichIndex]);
        ImmutableArray<ImmutableArray<ulong>> Resize(ImmutableArray<ImmutableArray<ulong>> lists) =>
            delta < 0 ? lists.RemoveAt(lists.Length - 1) : lists.Add([]);
        CompactedMessages bad = bls
            ? new CompactedMessages(m.Bls, Resize(m.BlsIncludes), m.Secpk, m.SecpkIncludes)
            : new CompactedMessages(m.Bls, m.BlsIncludes, m.Secpk, Resize(m.SecpkIncludes));

        AssertRefused(ValidateRich(bad), PeerOutcome.Invalid);
    }

    [Theory]
    [InlineData(true, 0UL)]
    [InlineData(true, 1UL << 31)]
    [InlineData(true, 1UL << 63)]
    [InlineData(true, ulong.MaxValue)]
    [InlineData(false, 0UL)]
    [InlineData(false, 1UL << 63)]
    [InlineData(false, ulong.MaxValue)]
    public void An_include_index_out_of_range_is_invalid(bool bls, ulong beyondEnd)
    {
        CompactedMessages m = TestChain.Compact(Chain.Tipsets[RichIndex]);
        ulong index = beyondEnd == 0 ? (ulong)(bls ? m.Bls.Length : m.Secpk.Length) : beyondEnd;
        CompactedMessages bad = bls
            ? new CompactedMessages(m.Bls, m.BlsIncludes.SetItem(0, m.BlsIncludes[0].Add(index)), m.Secpk, m.SecpkIncludes)
            : new CompactedMessages(m.Bls, m.BlsIncludes, m.Secpk, m.SecpkIncludes.SetItem(0, m.SecpkIncludes[0].Add(index)));

        AssertRefused(ValidateRich(bad), PeerOutcome.Invalid);
    }

    [Fact]
    public void A_replaced_message_does_not_match_the_message_root()
    {
        CompactedMessages m = TestChain.Compact(Chain.Tipsets[RichIndex]);
        var bad = new CompactedMessages(m.Bls.SetItem(0, TestChain.NewMessage(999_999)), m.BlsIncludes, m.Secpk, m.SecpkIncludes);

        AssertRefused(ValidateRich(bad), PeerOutcome.Invalid);
    }

    [Fact]
    public void Messages_moved_between_the_lists_do_not_match_the_message_root()
    {
        CompactedMessages m = TestChain.Compact(Chain.Tipsets[RichIndex]);
        var bad = new CompactedMessages(m.Bls, m.BlsIncludes, m.Secpk, [.. m.SecpkIncludes.Select(_ => ImmutableArray<ulong>.Empty)]);

        AssertRefused(ValidateRich(bad), PeerOutcome.Invalid);
    }

    [Fact]
    public void Includes_in_another_order_do_not_match_the_message_root()
    {
        FullTipSet rich = Chain.Tipsets[RichIndex];
        int block = rich.Blocks.Select((b, i) => (b, i)).First(x => x.b.BlsMessages.Length + x.b.SecpkMessages.Length > 1).i;
        CompactedMessages m = TestChain.Compact(rich);
        CompactedMessages bad = m.BlsIncludes[block].Length > 1
            ? new CompactedMessages(m.Bls, m.BlsIncludes.SetItem(block, [.. m.BlsIncludes[block].Reverse()]), m.Secpk, m.SecpkIncludes)
            : m.SecpkIncludes[block].Length > 1
                ? new CompactedMessages(m.Bls, m.BlsIncludes, m.Secpk, m.SecpkIncludes.SetItem(block, [.. m.SecpkIncludes[block].Reverse()]))
                : new CompactedMessages(m.Bls, m.BlsIncludes.SetItem(block, m.BlsIncludes[block].AddRange(m.BlsIncludes[block])), m.Secpk, m.SecpkIncludes);

        AssertRefused(ValidateRich(bad), PeerOutcome.Invalid);
    }

    [Fact]
    public void Messages_of_another_tipset_do_not_match_the_message_root()
    {
        var request = Request(RichIndex, 1, Both);
        var swapped = new TipSetBundle(Chain.Tipsets[RichIndex].TipSet.Blocks, TestChain.Compact(Chain.Tipsets[RichIndex - 1]));

        AssertRefused(ResponseValidator.Validate(request, Response(ExchangeStatus.Ok, swapped)), PeerOutcome.Invalid);
    }

    [Fact]
    public void Messages_only_that_do_not_match_the_known_headers_are_invalid()
    {
        ResponseValidation result = ResponseValidator.Validate(
            Request(RichIndex, 2, Messages),
            Response(ExchangeStatus.Ok, Bundles(RichIndex - 1, 2, Messages)),
            Chain.Headers(RichIndex, 2));

        AssertRefused(result, PeerOutcome.Invalid);
    }

    [Fact]
    public void A_block_including_more_than_the_block_message_limit_is_invalid()
    {
        FullTipSet rich = Chain.Tipsets[RichIndex];
        CompactedMessages m = TestChain.Compact(rich);
        ImmutableArray<ulong> many = [.. Enumerable.Repeat(0UL, ExchangeProtocol.BlockMessageLimit)];
        int block = rich.Blocks.Select((b, i) => (b, i)).First(x => x.b.SecpkMessages.Length > 0).i;
        var bad = new CompactedMessages(m.Bls.IsEmpty ? [TestChain.NewMessage(1)] : m.Bls, m.BlsIncludes.SetItem(block, many), m.Secpk, m.SecpkIncludes);

        AssertRefused(ValidateRich(bad), PeerOutcome.Invalid);
    }

    // ---- caller mistakes ----

    [Theory]
    [InlineData(0UL, ExchangeOptions.Headers)]
    [InlineData(901UL, ExchangeOptions.Headers)]
    [InlineData(1UL, ExchangeOptions.None)]
    public void A_malformed_request_is_the_callers_mistake(ulong length, ExchangeOptions options) =>
        Assert.Throws<ArgumentException>(() => ResponseValidator.Validate(
            new ExchangeRequest(Chain.Head.Key, length, options), Response(ExchangeStatus.Ok, Bundles(HeadIndex, 1, Headers))));

    [Fact]
    public void A_request_with_an_empty_head_is_the_callers_mistake() =>
        Assert.Throws<ArgumentException>(() => ResponseValidator.Validate(new ExchangeRequest(TipSetKey.Empty, 1, Headers), Response(ExchangeStatus.Ok)));

    [Fact]
    public void Messages_only_without_known_tipsets_is_the_callers_mistake()
    {
        ExchangeResponse response = Response(ExchangeStatus.Ok, Bundles(HeadIndex, 2, Messages));

        Assert.Throws<ArgumentException>(() => ResponseValidator.Validate(Request(HeadIndex, 2, Messages), response));
        Assert.Throws<ArgumentException>(() => ResponseValidator.Validate(Request(HeadIndex, 2, Messages), response, Chain.Headers(HeadIndex, 1)));
        Assert.Throws<ArgumentException>(() => ResponseValidator.Validate(Request(HeadIndex, 2, Messages), response, Chain.Headers(HeadIndex - 1, 2)));
    }

    private static ResponseValidation ValidateRich(CompactedMessages messages) =>
        ResponseValidator.Validate(Request(RichIndex, 1, Both), Response(ExchangeStatus.Ok, new TipSetBundle(Chain.Tipsets[RichIndex].TipSet.Blocks, messages)));
}
