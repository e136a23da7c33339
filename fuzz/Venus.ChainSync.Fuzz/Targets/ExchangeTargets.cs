using Venus.ChainSync.Exchange;
using Venus.ChainSync.Fuzz.Harness;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Fuzz.Targets;

/// <summary>
/// The <c>/fil/chain/xchg/0.0.1</c> messages: requests as a server reads them, responses as a client reads and then
/// validates them. Both decoders document <see cref="DagCborException"/>; <see cref="ResponseValidator.Validate"/>
/// never throws for anything a peer sent (only <see cref="ArgumentException"/> for a malformed request, which the
/// harness never builds). Both messages round-trip exactly.
/// </summary>
internal static class ExchangeTargets
{
    /// <summary>A head for responses whose first tipset does not build: any non-empty key (validation then refuses the head).</summary>
    private static readonly TipSetKey FallbackHead = TipSetKey.Create(Cid.ComputeDagCbor([0xf6]));

    public static void Request(ReadOnlyMemory<byte> input, AllocationMeter meter)
    {
        ExchangeRequest request;
        try
        {
            request = meter.Call(() => ExchangeRequest.Decode(input.Span));
        }
        catch (DagCborException)
        {
            return;
        }

        RoundTrip.Bytes("ExchangeRequest.Encode", input.Span, request.Encode());
    }

    /// <summary>
    /// First byte: the request the response answers. Bits 0–1 are the options (0 means both); bits 2–7 the length
    /// asked for, where 0 means "as many tipsets as the response holds". The rest is the response. The head asked
    /// for is the key of the response's first tipset when that tipset builds, so validation gets past the head
    /// check; for a messages-only request the known tipsets are the response's own headers, when they all build and form a chain.
    /// </summary>
    public static void Response(ReadOnlyMemory<byte> input, AllocationMeter meter)
    {
        if (input.IsEmpty)
        {
            return;
        }

        byte control = input.Span[0];
        ReadOnlyMemory<byte> body = input[1..];
        int lengthAsked = control >> 2;
        int maxTipSets = lengthAsked == 0 ? ExchangeProtocol.MaxRequestLength : lengthAsked;

        ExchangeResponse response;
        try
        {
            response = meter.Call(() => ExchangeResponse.Decode(body, maxTipSets));
        }
        catch (DagCborException)
        {
            return;
        }

        // Deriving the request is the harness's work, so it is not counted; validating is the library's.
        (ExchangeRequest request, IReadOnlyList<TipSet>? known) = RequestFor(response, control);
        ResponseValidation validation = meter.Call(() => ResponseValidator.Validate(request, response, known));
        // Headers and messages whose big integers came longer than the shortest take their canonical form (Lotus's
        // identity), so the encoding equals the body except that it may shrink; what it shrinks to is a fixed point.
        byte[] encoded = response.Encode();
        if (!encoded.AsSpan().SequenceEqual(body.Span))
        {
            RoundTrip.That(encoded.Length < body.Length, "ExchangeResponse.Encode differs from the body without shrinking it");
            RoundTrip.Bytes("ExchangeResponse.Encode of its own encoding", encoded, ExchangeResponse.Decode(encoded, maxTipSets).Encode());
        }
        if (validation.IsValid)
        {
            CheckSegment(response, validation.Segment);
        }
    }

    private static (ExchangeRequest Request, IReadOnlyList<TipSet>? Known) RequestFor(ExchangeResponse response, byte control)
    {
        var options = (ExchangeOptions)(control & 3);
        if (options == ExchangeOptions.None)
        {
            options = ExchangeOptions.Headers | ExchangeOptions.Messages;
        }

        int lengthAsked = control >> 2;
        ulong length = (ulong)(lengthAsked == 0 ? Math.Clamp(response.Chain.Length, 1, ExchangeProtocol.MaxRequestLength) : lengthAsked);
        TipSet[]? built = TryBuildAll(response);
        TipSetKey head = built is { Length: > 0 } ? built[0].Key : TryBuildFirst(response)?.Key ?? FallbackHead;

        if (options == ExchangeOptions.Messages)
        {
            // The validator trusts the known tipsets (a caller passes ones it validated), so they must be at least
            // as many as asked and a chain, as a caller's would be.
            if (built is not null && (ulong)built.Length >= length && IsChain(built))
            {
                return (new ExchangeRequest(head, length, options), built);
            }

            options = ExchangeOptions.Headers | ExchangeOptions.Messages;
        }

        return (new ExchangeRequest(head, length, options), null);
    }

    private static TipSet[]? TryBuildAll(ExchangeResponse response)
    {
        var tipsets = new TipSet[response.Chain.Length];
        for (int i = 0; i < tipsets.Length; i++)
        {
            if (TryBuild(response.Chain[i]) is not { } tipset)
            {
                return null;
            }

            tipsets[i] = tipset;
        }

        return tipsets;
    }

    private static bool IsChain(TipSet[] tipsets)
    {
        for (int i = 0; i + 1 < tipsets.Length; i++)
        {
            if (!tipsets[i].IsChildOf(tipsets[i + 1]))
            {
                return false;
            }
        }

        return true;
    }

    private static TipSet? TryBuildFirst(ExchangeResponse response) => response.Chain.IsEmpty ? null : TryBuild(response.Chain[0]);

    private static TipSet? TryBuild(TipSetBundle bundle)
    {
        if (bundle.Blocks.IsEmpty)
        {
            return null;
        }

        try
        {
            return TipSet.Create(bundle.Blocks);
        }
        catch (ArgumentException)
        {
            // Not one tipset (mixed heights or parents, duplicates): TipSet.Create's documented refusal.
            return null;
        }
    }

    /// <summary>The guarantees <see cref="ValidatedSegment"/> documents.</summary>
    private static void CheckSegment(ExchangeResponse response, ValidatedSegment segment)
    {
        RoundTrip.That(segment.Count >= 1 && segment.Count <= response.Chain.Length, $"a valid segment of {segment.Count} tipsets from a response of {response.Chain.Length}");
        for (int i = 0; i + 1 < segment.Count; i++)
        {
            RoundTrip.That(segment.TipSets[i].IsChildOf(segment.TipSets[i + 1]), $"tipset {i} of a valid segment is not a child of the next");
        }

        if (segment.FullTipSets is { } full)
        {
            RoundTrip.That(full.Count == segment.Count, "a valid segment has a different number of full tipsets");
            foreach (FullTipSet tipset in full)
            {
                RoundTrip.That(tipset.Blocks.All(b => b.MessagesMatchHeader()), $"the messages of tipset {tipset.Key} in a valid segment do not match its headers");
            }
        }
    }
}
