using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Exchange;

/// <summary>
/// A chain exchange request: <c>[Head [CID], Length uint64, Options uint64]</c>: walk back <see cref="Length"/>
/// tipsets from <see cref="Head"/> (included) and return what <see cref="Options"/> asks for.
/// </summary>
/// <param name="Head">The tipset to start from (its key in list form on the wire).</param>
/// <param name="Length">How many tipsets, head first.</param>
/// <param name="Options">Headers, messages or both.</param>
public sealed record ExchangeRequest(TipSetKey Head, ulong Length, ExchangeOptions Options)
{
    /// <summary>Most head CIDs accepted when decoded: <see cref="TipSet.MaxBlocks"/>, since no wider tipset exists.</summary>
    public const int MaxHeadCids = TipSet.MaxBlocks;

    /// <summary>Encodes the request.</summary>
    public byte[] Encode() => DagCbor.Encode(this, static (w, r) => r.WriteTo(w));

    /// <summary>Writes the request.</summary>
    public void WriteTo(DagCborWriter writer)
    {
        writer.WriteArrayHeader(3);
        Head.WriteAsList(writer);
        writer.WriteUInt64(Length);
        writer.WriteUInt64((ulong)Options);
    }

    /// <summary>Decodes a request that fills <paramref name="data"/> exactly.</summary>
    /// <exception cref="DagCborException">Not a well-formed request.</exception>
    public static ExchangeRequest Decode(ReadOnlySpan<byte> data)
    {
        var reader = new DagCborReader(data);
        reader.ReadArrayHeader(3, "Request");
        TipSetKey head = TipSetKey.ReadList(ref reader, "Request.Head", MaxHeadCids);
        ulong length = reader.ReadUInt64();
        ulong options = reader.ReadUInt64();
        reader.ExpectEnd();
        return new ExchangeRequest(head, length, (ExchangeOptions)options);
    }
}
