using System.Runtime.InteropServices;
using System.Collections.Immutable;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Exchange;

/// <summary>
/// Turns a decoded exchange response into a <see cref="ValidatedSegment"/>, or into the <see cref="PeerOutcome"/>
/// to charge the peer with. Every rule a response must meet lives here and nowhere else; the function is pure
/// (no clock, no I/O, no state) and never throws for anything the peer sent.
/// </summary>
/// <remarks>
/// <para>Rules, in the order they are checked:</para>
/// <list type="number">
/// <item>Status: <see cref="ExchangeStatus.Ok"/> and <see cref="ExchangeStatus.Partial"/> go on;
/// <see cref="ExchangeStatus.NotFound"/> → <see cref="PeerOutcome.NotFound"/>; <see cref="ExchangeStatus.GoAway"/> →
/// <see cref="PeerOutcome.GoAway"/>; internal error, bad request and unknown codes → <see cref="PeerOutcome.ErrorStatus"/>.</item>
/// <item>Length: at least one tipset, no more than asked.</item>
/// <item>Header shape (when headers were asked), none of which sorts or hashes: every bundle has 1 to
/// <see cref="TipSet.MaxBlocks"/> blocks; the first bundle's blocks are the requested head; heights are not
/// negative; each tipset above genesis names parents, and they are the next bundle's blocks, which are lower.</item>
/// <item>Message shape (when messages were asked): every bundle has them; there is one include list per block in each
/// of <c>BlsIncludes</c> and <c>SecpkIncludes</c>; a block includes at most
/// <see cref="ExchangeProtocol.BlockMessageLimit"/> messages; every index is in range (compared as <c>ulong</c>, never
/// narrowed).</item>
/// <item>Tipsets (when headers were asked): each bundle's blocks form a valid <see cref="TipSet"/> (one height, one
/// parent set, no duplicates, each with a ticket) and arrive in canonical order.</item>
/// <item>Short answers: fewer tipsets than asked with <see cref="ExchangeStatus.Ok"/> only when the last one is the
/// genesis (height 0). <see cref="ExchangeStatus.Partial"/> may be shorter anywhere; a Partial answer of full
/// length is accepted as it is by Lotus, since nothing is missing.</item>
/// <item>Message roots (when messages were asked): each block's messages, in include order, hash to its header's
/// <see cref="BlockHeader.Messages"/> root.</item>
/// </list>
/// <para>Why canonical order is required rather than restored by sorting: include lists are indexed by block
/// position, and every honest server (Lotus, Venus, Forest) writes blocks in tipset order. Lotus sorts the blocks it
/// receives and then applies the includes to the sorted order, which silently re-pairs a reordered response; this
/// validator refuses the ambiguity instead.</para>
/// <para>What it does not check: signatures, consensus rules, parent weights or state roots (the syncer's job);
/// messages that no block includes (harmless, as in Lotus); bundle parts that were not asked for (ignored).</para>
/// </remarks>
internal static class ResponseValidator
{
    /// <summary>Longest server error message quoted in a reason; the rest is cut.</summary>
    public const int MaxQuotedErrorLength = 200;

    /// <summary>Validates <paramref name="response"/> as the answer to <paramref name="request"/>.</summary>
    /// <param name="request">What was asked; must be a well-formed request (length 1 to 900, options set, head non-empty).</param>
    /// <param name="response">What the peer answered, decoded.</param>
    /// <param name="knownTipSets">
    /// For a messages-only request, the tipsets the messages belong to, head first, starting at the request's head
    /// and at least as many as asked; they are trusted (already validated) and used to check the message roots.
    /// Ignored when headers were asked.
    /// </param>
    /// <exception cref="ArgumentException">The request is malformed, or a messages-only request comes without
    /// matching known tipsets (a caller mistake, not the peer's).</exception>
    public static ResponseValidation Validate(ExchangeRequest request, ExchangeResponse response, IReadOnlyList<TipSet>? knownTipSets = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        bool headers = request.Options.HasFlag(ExchangeOptions.Headers);
        bool messages = request.Options.HasFlag(ExchangeOptions.Messages);
        CheckRequest(request, headers, messages, knownTipSets);

        if (StatusFailure(response) is { } statusFailure)
        {
            return statusFailure;
        }

        int count = response.Chain.Length;
        if (count == 0)
        {
            return Invalid(ResponseFault.NoTipSets, $"status {response.Status} with no tipsets");
        }

        if ((ulong)count > request.Length)
        {
            return Invalid(ResponseFault.TooManyTipSets, $"{count} tipsets, more than the {request.Length} asked");
        }

        // Cheap facts first, over the whole response: widths, the head, links and heights in the order sent, include
        // counts and ranges. None of them sorts or hashes (beyond the block CIDs decoding produced), so a response
        // that fails them costs no more than its decoding; building tipsets and hashing message roots come after.
        if (headers && CheckHeaderShape(request, response.Chain) is { } headerShapeFailure)
        {
            return headerShapeFailure;
        }

        if (messages && CheckMessageShape(response.Chain, headers ? null : knownTipSets) is { } messageShapeFailure)
        {
            return messageShapeFailure;
        }

        TipSet[] tipsets;
        if (headers)
        {
            var built = new TipSet[count];
            if (BuildTipSets(response.Chain, built) is { } headerFailure)
            {
                return headerFailure;
            }

            tipsets = built;
        }
        else
        {
            tipsets = Slice(knownTipSets!, count);
        }

        if ((ulong)count < request.Length && response.Status == ExchangeStatus.Ok && tipsets[^1].Height != 0)
        {
            return Invalid(ResponseFault.ShortWithoutGenesis, $"status Ok with {count} of {request.Length} tipsets, and the last (height {tipsets[^1].Height}) is not genesis");
        }

        FullTipSet[]? full = null;
        if (messages)
        {
            full = new FullTipSet[count];
            for (int i = 0; i < count; i++)
            {
                if (Assemble(tipsets[i], response.Chain[i].Messages!, i, out full[i]) is { } messageFailure)
                {
                    return messageFailure;
                }
            }
        }

        return ResponseValidation.Valid(new ValidatedSegment(response.Status, tipsets, full));
    }

    private static void CheckRequest(ExchangeRequest request, bool headers, bool messages, IReadOnlyList<TipSet>? knownTipSets)
    {
        if (!headers && !messages)
        {
            throw new ArgumentException("The request asks for neither headers nor messages.", nameof(request));
        }

        if (request.Length is 0 or > ExchangeProtocol.MaxRequestLength)
        {
            throw new ArgumentException($"A request asks for 1 to {ExchangeProtocol.MaxRequestLength} tipsets, not {request.Length}.", nameof(request));
        }

        if (request.Head.IsEmpty)
        {
            throw new ArgumentException("The request has an empty head.", nameof(request));
        }

        if (!headers)
        {
            if (knownTipSets is null || (ulong)knownTipSets.Count < request.Length)
            {
                throw new ArgumentException("A messages-only request is validated against the known tipsets it asks about.", nameof(knownTipSets));
            }

            if (knownTipSets[0].Key != request.Head)
            {
                throw new ArgumentException("The known tipsets must start at the request's head.", nameof(knownTipSets));
            }
        }
    }

    private static ResponseValidation? StatusFailure(ExchangeResponse response) => response.Status switch
    {
        ExchangeStatus.Ok or ExchangeStatus.Partial => null,
        ExchangeStatus.NotFound => ResponseValidation.Failed(PeerOutcome.NotFound, ResponseFault.ErrorStatus, $"not found: {Quote(response.ErrorMessage)}"),
        ExchangeStatus.GoAway => ResponseValidation.Failed(PeerOutcome.GoAway, ResponseFault.ErrorStatus, $"go away: {Quote(response.ErrorMessage)}"),
        ExchangeStatus.InternalError => ResponseValidation.Failed(PeerOutcome.ErrorStatus, ResponseFault.ErrorStatus, $"internal error: {Quote(response.ErrorMessage)}"),
        ExchangeStatus.BadRequest => ResponseValidation.Failed(PeerOutcome.ErrorStatus, ResponseFault.ErrorStatus, $"bad request: {Quote(response.ErrorMessage)}"),
        _ => ResponseValidation.Failed(PeerOutcome.ErrorStatus, ResponseFault.ErrorStatus, $"unknown status {(ulong)response.Status}: {Quote(response.ErrorMessage)}"),
    };

    /// <summary>
    /// The header rules that need no tipset built: widths, the head, heights, and each tipset naming the next one's
    /// blocks as parents, all in the order the blocks were sent. Canonical order is checked when the tipsets are
    /// built, so a response that passes here and there has the same links in canonical order.
    /// </summary>
    private static ResponseValidation? CheckHeaderShape(ExchangeRequest request, ImmutableArray<TipSetBundle> chain)
    {
        for (int i = 0; i < chain.Length; i++)
        {
            int width = chain[i].Blocks.Length;
            if (width == 0)
            {
                return Invalid(ResponseFault.EmptyTipSet, $"tipset {i} has no blocks");
            }

            if (width > TipSet.MaxBlocks)
            {
                return Invalid(ResponseFault.TooWide, $"tipset {i} has {width} blocks, more than the {TipSet.MaxBlocks} a tipset may hold");
            }
        }

        if (!SameCids(request.Head.Cids, chain[0].Blocks))
        {
            return Invalid(ResponseFault.WrongHead, "the first tipset is not the requested head");
        }

        for (int i = 0; i < chain.Length; i++)
        {
            BlockHeader first = chain[i].Blocks[0];
            if (first.Height < 0)
            {
                return Invalid(ResponseFault.NegativeHeight, $"tipset {i} has negative height {first.Height}");
            }

            if (first.Height > 0 && first.Parents.IsEmpty)
            {
                return Invalid(ResponseFault.NoParents, $"tipset {i} at height {first.Height} has no parents");
            }

            if (i + 1 < chain.Length)
            {
                BlockHeader parent = chain[i + 1].Blocks[0];
                if (!SameCids(first.Parents.Cids, chain[i + 1].Blocks) || first.Height <= parent.Height)
                {
                    return Invalid(ResponseFault.BrokenLink, $"tipset {i} (height {first.Height}) is not a child of tipset {i + 1} (height {parent.Height})");
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The message rules that need no hashing: every bundle has messages, one include list per block, at most
    /// <see cref="ExchangeProtocol.BlockMessageLimit"/> messages per block, every index in range.
    /// </summary>
    private static ResponseValidation? CheckMessageShape(ImmutableArray<TipSetBundle> chain, IReadOnlyList<TipSet>? knownTipSets)
    {
        for (int i = 0; i < chain.Length; i++)
        {
            if (chain[i].Messages is not { } compacted)
            {
                return Invalid(ResponseFault.NoMessages, $"tipset {i} has no messages");
            }

            int width = knownTipSets is null ? chain[i].Blocks.Length : knownTipSets[i].Blocks.Length;
            if (compacted.BlsIncludes.Length != width || compacted.SecpkIncludes.Length != width)
            {
                return Invalid(ResponseFault.IncludeShape, $"tipset {i} has {width} blocks but {compacted.BlsIncludes.Length} BLS and {compacted.SecpkIncludes.Length} secp include lists");
            }

            for (int b = 0; b < width; b++)
            {
                ImmutableArray<ulong> blsIncludes = compacted.BlsIncludes[b];
                ImmutableArray<ulong> secpkIncludes = compacted.SecpkIncludes[b];
                if (blsIncludes.Length + secpkIncludes.Length > ExchangeProtocol.BlockMessageLimit)
                {
                    return Invalid(ResponseFault.TooManyIncludes, $"block {b} of tipset {i} includes {blsIncludes.Length + secpkIncludes.Length} messages, more than {ExchangeProtocol.BlockMessageLimit}");
                }

                if (FirstOutOfRange(blsIncludes, compacted.Bls.Length) is { } badBls)
                {
                    return Invalid(ResponseFault.IncludeOutOfRange, $"block {b} of tipset {i}: BLS include {badBls} is out of range ({compacted.Bls.Length} messages)");
                }

                if (FirstOutOfRange(secpkIncludes, compacted.Secpk.Length) is { } badSecpk)
                {
                    return Invalid(ResponseFault.IncludeOutOfRange, $"block {b} of tipset {i}: secp include {badSecpk} is out of range ({compacted.Secpk.Length} messages)");
                }
            }
        }

        return null;
    }

    /// <summary>Builds each tipset (sorting its blocks) and checks the blocks were sent in canonical order.</summary>
    private static ResponseValidation? BuildTipSets(ImmutableArray<TipSetBundle> chain, TipSet[] tipsets)
    {
        for (int i = 0; i < tipsets.Length; i++)
        {
            ImmutableArray<BlockHeader> blocks = chain[i].Blocks;
            TipSet tipset;
            try
            {
                tipset = TipSet.Create(blocks);
            }
            catch (ArgumentException ex)
            {
                return Invalid(ResponseFault.NotATipSet, $"tipset {i} is not a valid tipset: {ex.Message}");
            }

            for (int b = 0; b < blocks.Length; b++)
            {
                if (tipset.Blocks[b].Cid != blocks[b].Cid)
                {
                    return Invalid(ResponseFault.NotCanonicalOrder, $"blocks of tipset {i} are not in canonical order");
                }
            }

            tipsets[i] = tipset;
        }

        return null;
    }

    private static bool SameCids(ImmutableArray<Cid> cids, ImmutableArray<BlockHeader> blocks)
    {
        if (cids.Length != blocks.Length)
        {
            return false;
        }

        for (int i = 0; i < cids.Length; i++)
        {
            if (cids[i] != blocks[i].Cid)
            {
                return false;
            }
        }

        return true;
    }

    private static ulong? FirstOutOfRange(ImmutableArray<ulong> includes, int count)
    {
        foreach (ulong index in includes)
        {
            // Compared as ulong: narrowing first would let an index of 2^63 or more wrap negative (Venus 00c1abeb5).
            if (index >= (ulong)count)
            {
                return index;
            }
        }

        return null;
    }

    /// <summary>
    /// Picks each block's messages (counts and ranges were checked) and pairs them with the tipset, which checks each
    /// block's messages against its message root: the one hashing of the roots.
    /// </summary>
    private static ResponseValidation? Assemble(TipSet tipset, CompactedMessages compacted, int index, out FullTipSet fullTipSet)
    {
        fullTipSet = null!;
        ImmutableArray<BlockHeader> blocks = tipset.Blocks;
        var fullBlocks = new FullBlock[blocks.Length];
        for (int b = 0; b < blocks.Length; b++)
        {
            fullBlocks[b] = new FullBlock(blocks[b], Pick(compacted.Bls, compacted.BlsIncludes[b]), Pick(compacted.Secpk, compacted.SecpkIncludes[b]));
        }

        if (!FullTipSet.TryCreate(tipset, fullBlocks, out FullTipSet? full, out int mismatched))
        {
            return Invalid(ResponseFault.MessageRootMismatch, $"messages of block {mismatched} of tipset {index} do not hash to its message root");
        }

        fullTipSet = full;
        return null;
    }

    /// <summary>Picks the included items, whose indexes are known to be in range.</summary>
    private static ImmutableArray<T> Pick<T>(ImmutableArray<T> items, ImmutableArray<ulong> includes)
    {
        var picked = new T[includes.Length];
        for (int i = 0; i < includes.Length; i++)
        {
            picked[i] = items[(int)includes[i]];
        }

        return ImmutableCollectionsMarshal.AsImmutableArray(picked);
    }

    private static TipSet[] Slice(IReadOnlyList<TipSet> tipsets, int count)
    {
        var slice = new TipSet[count];
        for (int i = 0; i < count; i++)
        {
            slice[i] = tipsets[i];
        }

        return slice;
    }

    private static ResponseValidation Invalid(ResponseFault fault, string reason) => ResponseValidation.Failed(PeerOutcome.Invalid, fault, reason);

    /// <summary>A server's error message made safe to log: shortened, control characters replaced.</summary>
    private static string Quote(string message)
    {
        string cut = message.Length > MaxQuotedErrorLength ? message[..MaxQuotedErrorLength] + "…" : message;
        return string.Create(cut.Length, cut, static (span, source) =>
        {
            for (int i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? '?' : source[i];
            }
        });
    }
}
