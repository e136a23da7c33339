using System.Numerics;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Hello;

/// <summary>
/// The hello greeting: <c>[HeaviestTipSet [CID], HeaviestTipSetHeight int64, HeaviestTipSetWeight BigInt, GenesisHash CID]</c>.
/// </summary>
/// <param name="HeaviestTipSet">Key of the sender's heaviest tipset (list form).</param>
/// <param name="HeaviestTipSetHeight">Its height.</param>
/// <param name="HeaviestTipSetWeight">Its weight.</param>
/// <param name="GenesisHash">The sender's genesis block CID.</param>
public sealed record HelloMessage(TipSetKey HeaviestTipSet, long HeaviestTipSetHeight, BigInteger HeaviestTipSetWeight, Cid GenesisHash)
{
    /// <summary>The libp2p protocol id.</summary>
    public const string ProtocolId = "/fil/hello/1.0.0";

    /// <summary>Most head CIDs accepted when decoded: <see cref="TipSet.MaxBlocks"/>, since no wider tipset exists.</summary>
    public const int MaxHeadCids = TipSet.MaxBlocks;

    /// <summary>Encodes the greeting.</summary>
    public byte[] Encode() => DagCbor.Encode(this, static (w, h) =>
    {
        w.WriteArrayHeader(4);
        h.HeaviestTipSet.WriteAsList(w);
        w.WriteInt64(h.HeaviestTipSetHeight);
        FilecoinBigInt.Write(w, h.HeaviestTipSetWeight);
        w.WriteCid(h.GenesisHash);
    });

    /// <summary>Decodes a greeting that fills <paramref name="data"/> exactly.</summary>
    /// <exception cref="DagCborException">Not a well-formed greeting.</exception>
    public static HelloMessage Decode(ReadOnlySpan<byte> data)
    {
        var reader = new DagCborReader(data);
        reader.ReadArrayHeader(4, "HelloMessage");
        TipSetKey head = TipSetKey.ReadList(ref reader, "HelloMessage.HeaviestTipSet", MaxHeadCids);
        long height = reader.ReadInt64();
        BigInteger weight = FilecoinBigInt.Read(ref reader);
        Cid genesis = reader.ReadCid();
        reader.ExpectEnd();
        return new HelloMessage(head, height, weight, genesis);
    }
}

/// <summary>The answer to a greeting: <c>[TArrival int64, TSent int64]</c>, Unix nanoseconds.</summary>
/// <param name="TArrival">When the greeting arrived.</param>
/// <param name="TSent">When this answer was sent.</param>
public sealed record LatencyMessage(long TArrival, long TSent)
{
    /// <summary>Encodes the message.</summary>
    public byte[] Encode() => DagCbor.Encode(this, static (w, l) =>
    {
        w.WriteArrayHeader(2);
        w.WriteInt64(l.TArrival);
        w.WriteInt64(l.TSent);
    });

    /// <summary>Decodes a message that fills <paramref name="data"/> exactly.</summary>
    public static LatencyMessage Decode(ReadOnlySpan<byte> data)
    {
        var reader = new DagCborReader(data);
        reader.ReadArrayHeader(2, "LatencyMessage");
        long arrival = reader.ReadInt64();
        long sent = reader.ReadInt64();
        reader.ExpectEnd();
        return new LatencyMessage(arrival, sent);
    }
}
