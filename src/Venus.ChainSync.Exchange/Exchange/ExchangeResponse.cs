using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Exchange;

/// <summary>
/// A chain exchange response: <c>[Status uint64, ErrorMessage text, Chain [BSTipSet]]</c>, chain from the requested
/// head backwards. Decoding checks shape and bounds only; the client's validator decides whether it answers
/// the request.
/// </summary>
/// <param name="Status">The status, possibly a code this library does not know.</param>
/// <param name="ErrorMessage">The server's explanation (empty on success).</param>
/// <param name="Chain">The tipsets, head first.</param>
public sealed record ExchangeResponse(ExchangeStatus Status, string ErrorMessage, ImmutableArray<TipSetBundle> Chain)
{
    /// <summary>Longest error message accepted when decoding.</summary>
    public const int MaxErrorMessageBytes = 64 * 1024;

    /// <summary>A response carrying only a status and a message.</summary>
    public static ExchangeResponse Error(ExchangeStatus status, string message) => new(status, message, []);

    /// <summary>Encodes the response.</summary>
    public byte[] Encode() => DagCbor.Encode(this, static (w, r) => r.WriteTo(w));

    /// <summary>Writes the response.</summary>
    public void WriteTo(DagCborWriter writer)
    {
        writer.WriteArrayHeader(3);
        writer.WriteUInt64((ulong)Status);
        writer.WriteTextString(ErrorMessage);
        writer.WriteArrayHeader(Chain.Length);
        foreach (TipSetBundle bundle in Chain)
        {
            bundle.WriteTo(writer);
        }
    }

    /// <summary>
    /// Decodes a response that fills <paramref name="data"/> exactly, refusing before any allocation a chain
    /// longer than <paramref name="maxTipSets"/>. Decoded objects keep slices of <paramref name="data"/>.
    /// </summary>
    /// <exception cref="DagCborException">Not a well-formed response, or over a bound.</exception>
    public static ExchangeResponse Decode(ReadOnlyMemory<byte> data, int maxTipSets)
    {
        var reader = new DagCborReader(data.Span);
        reader.ReadArrayHeader(3, "Response");
        ulong status = reader.ReadUInt64();
        string message = reader.ReadTextString(MaxErrorMessageBytes);

        int chainStart = reader.Position;
        int count = reader.ReadArrayHeader();
        if (count > maxTipSets)
        {
            throw DagCborReader.Fail($"Response.Chain: {count} tipsets is more than the {maxTipSets} allowed", chainStart);
        }

        var chain = new TipSetBundle[count];
        for (int i = 0; i < count; i++)
        {
            chain[i] = TipSetBundle.Read(ref reader, data);
        }

        reader.ExpectEnd();
        return new ExchangeResponse((ExchangeStatus)status, message, ImmutableCollectionsMarshal.AsImmutableArray(chain));
    }
}
