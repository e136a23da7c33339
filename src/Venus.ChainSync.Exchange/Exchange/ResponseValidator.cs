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
/// <item>Headers (when asked): every bundle has blocks; they form a valid <see cref="TipSet"/> (one height, one
/// parent set, no duplicates) and arrive in canonical order; the first tipset's key is the requested head; heights
/// are not negative; each tipset above genesis names parents and is a child of the next one.</item>
/// <item>Short answers: fewer tipsets than asked with <see cref="ExchangeStatus.Ok"/> only when the last one is the
/// genesis (height 0). <see cref="ExchangeStatus.Partial"/> may be shorter anywhere; a Partial answer of full
/// length is accepted as it is by Lotus, since nothing is missing.</item>
/// <item>Messages (when asked): every bundle has them; there is one include list per block in each of
/// <c>BlsIncludes</c> and <c>SecpkIncludes</c>; every index is in range (compared as <c>ulong</c>, never narrowed);
/// a block includes at most <see cref="ExchangeProtocol.BlockMessageLimit"/> messages; each block's messages, in
/// include order, hash to its header's <see cref="BlockHeader.Messages"/> root.</item>
/// </list>
/// <para>Why canonical order is required rather than restored by sorting: include lists are indexed by block
/// position, and every honest server (Lotus, Venus, Forest) writes blocks in tipset order. Lotus sorts the blocks it
/// receives and then applies the includes to the sorted order, which silently re-pairs a reordered response; this
/// validator refuses the ambiguity instead.</para>
/// <para>What it does not check: signatures, consensus rules, parent weights or state roots (the syncer's job);
/// messages that no block includes (harmless, as in Lotus); bundle parts that were not asked for (ignored).</para>
/// </remarks>
public static class ResponseValidator
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
            return Invalid($"status {response.Status} with no tipsets");
        }

        if ((ulong)count > request.Length)
        {
            return Invalid($"{count} tipsets, more than the {request.Length} asked");
        }

        TipSet[] tipsets;
        if (headers)
        {
            var built = new TipSet[count];
            if (BuildTipSets(request, response.Chain, built) is { } headerFailure)
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
            return Invalid($"status Ok with {count} of {request.Length} tipsets, and the last (height {tipsets[^1].Height}) is not genesis");
        }

        FullTipSet[]? full = null;
        if (messages)
        {
            full = new FullTipSet[count];
            for (int i = 0; i < count; i++)
            {
                if (response.Chain[i].Messages is not { } compacted)
                {
                    return Invalid($"tipset {i} has no messages");
                }

                if (Assemble(tipsets[i], compacted, i, out full[i]) is { } messageFailure)
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
        ExchangeStatus.NotFound => ResponseValidation.Failed(PeerOutcome.NotFound, $"not found: {Quote(response.ErrorMessage)}"),
        ExchangeStatus.GoAway => ResponseValidation.Failed(PeerOutcome.GoAway, $"go away: {Quote(response.ErrorMessage)}"),
        ExchangeStatus.InternalError => ResponseValidation.Failed(PeerOutcome.ErrorStatus, $"internal error: {Quote(response.ErrorMessage)}"),
        ExchangeStatus.BadRequest => ResponseValidation.Failed(PeerOutcome.ErrorStatus, $"bad request: {Quote(response.ErrorMessage)}"),
        _ => ResponseValidation.Failed(PeerOutcome.ErrorStatus, $"unknown status {(ulong)response.Status}: {Quote(response.ErrorMessage)}"),
    };

    private static ResponseValidation? BuildTipSets(ExchangeRequest request, ImmutableArray<TipSetBundle> chain, TipSet[] tipsets)
    {
        for (int i = 0; i < tipsets.Length; i++)
        {
            ImmutableArray<BlockHeader> blocks = chain[i].Blocks;
            if (blocks.IsEmpty)
            {
                return Invalid($"tipset {i} has no blocks");
            }

            TipSet tipset;
            try
            {
                tipset = TipSet.Create(blocks);
            }
            catch (ArgumentException ex)
            {
                return Invalid($"tipset {i} is not a valid tipset: {ex.Message}");
            }

            for (int b = 0; b < blocks.Length; b++)
            {
                if (tipset.Blocks[b].Cid != blocks[b].Cid)
                {
                    return Invalid($"blocks of tipset {i} are not in canonical order");
                }
            }

            if (tipset.Height < 0)
            {
                return Invalid($"tipset {i} has negative height {tipset.Height}");
            }

            if (tipset.Height > 0 && tipset.Parents.IsEmpty)
            {
                return Invalid($"tipset {i} at height {tipset.Height} has no parents");
            }

            tipsets[i] = tipset;
        }

        if (tipsets[0].Key != request.Head)
        {
            return Invalid("the first tipset is not the requested head");
        }

        for (int i = 0; i + 1 < tipsets.Length; i++)
        {
            if (!tipsets[i].IsChildOf(tipsets[i + 1]))
            {
                return Invalid($"tipset {i} (height {tipsets[i].Height}) is not a child of tipset {i + 1} (height {tipsets[i + 1].Height})");
            }
        }

        return null;
    }

    private static ResponseValidation? Assemble(TipSet tipset, CompactedMessages compacted, int index, out FullTipSet fullTipSet)
    {
        fullTipSet = null!;
        ImmutableArray<BlockHeader> blocks = tipset.Blocks;
        if (compacted.BlsIncludes.Length != blocks.Length || compacted.SecpkIncludes.Length != blocks.Length)
        {
            return Invalid($"tipset {index} has {blocks.Length} blocks but {compacted.BlsIncludes.Length} BLS and {compacted.SecpkIncludes.Length} secp include lists");
        }

        var fullBlocks = new FullBlock[blocks.Length];
        for (int b = 0; b < blocks.Length; b++)
        {
            ImmutableArray<ulong> blsIncludes = compacted.BlsIncludes[b];
            ImmutableArray<ulong> secpkIncludes = compacted.SecpkIncludes[b];
            if (blsIncludes.Length + secpkIncludes.Length > ExchangeProtocol.BlockMessageLimit)
            {
                return Invalid($"block {b} of tipset {index} includes {blsIncludes.Length + secpkIncludes.Length} messages, more than {ExchangeProtocol.BlockMessageLimit}");
            }

            if (Pick(compacted.Bls, blsIncludes, static m => m.Cid, out Message[] bls, out Cid[] blsCids) is { } badBls)
            {
                return Invalid($"block {b} of tipset {index}: BLS include {badBls} is out of range ({compacted.Bls.Length} messages)");
            }

            if (Pick(compacted.Secpk, secpkIncludes, static m => m.Cid, out SignedMessage[] secpk, out Cid[] secpkCids) is { } badSecpk)
            {
                return Invalid($"block {b} of tipset {index}: secp include {badSecpk} is out of range ({compacted.Secpk.Length} messages)");
            }

            if (!MessageRoot.Matches(blocks[b], blsCids, secpkCids))
            {
                return Invalid($"messages of block {b} of tipset {index} do not hash to its message root");
            }

            fullBlocks[b] = new FullBlock(blocks[b], ImmutableCollectionsMarshal.AsImmutableArray(bls), ImmutableCollectionsMarshal.AsImmutableArray(secpk));
        }

        fullTipSet = FullTipSet.Create(tipset, fullBlocks);
        return null;
    }

    /// <summary>Picks the included items; returns the first out-of-range index, or null.</summary>
    private static ulong? Pick<T>(ImmutableArray<T> items, ImmutableArray<ulong> includes, Func<T, Cid> cidOf, out T[] picked, out Cid[] cids)
    {
        picked = new T[includes.Length];
        cids = new Cid[includes.Length];
        for (int i = 0; i < includes.Length; i++)
        {
            // Compared as ulong: narrowing first would let an index of 2^63 or more wrap negative (Venus 00c1abeb5).
            ulong index = includes[i];
            if (index >= (ulong)items.Length)
            {
                return index;
            }

            picked[i] = items[(int)index];
            cids[i] = cidOf(picked[i]);
        }

        return null;
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

    private static ResponseValidation Invalid(string reason) => ResponseValidation.Failed(PeerOutcome.Invalid, reason);

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
