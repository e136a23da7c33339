using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Primitives;

/// <summary>
/// A block's message meta (Lotus <c>MsgMeta</c>, a.k.a. TxMeta): <c>[BlsMessages, SecpkMessages]</c>, the roots of
/// two AMT v0 arrays of message CIDs. A header's <see cref="BlockHeader.Messages"/> is the CID of this object.
/// </summary>
public sealed class MsgMeta
{
    private Cid _cid;

    private MsgMeta(Cid blsMessages, Cid secpkMessages, ReadOnlyMemory<byte> rawData)
    {
        BlsMessages = blsMessages;
        SecpkMessages = secpkMessages;
        RawData = rawData;
    }

    /// <summary>Root of the AMT of BLS message CIDs.</summary>
    public Cid BlsMessages { get; }

    /// <summary>Root of the AMT of secp256k1 (and delegated) signed message CIDs.</summary>
    public Cid SecpkMessages { get; }

    /// <summary>The exact encoding.</summary>
    public ReadOnlyMemory<byte> RawData { get; }

    /// <summary>The CID (what a header's <c>Messages</c> field holds).</summary>
    public Cid Cid
    {
        get => _cid.IsDefined ? _cid : _cid = Cid.ComputeDagCbor(RawData.Span);
    }

    /// <summary>Decodes a message meta that fills <paramref name="data"/> exactly.</summary>
    public static MsgMeta Decode(ReadOnlyMemory<byte> data)
    {
        var reader = new DagCborReader(data.Span);
        reader.ReadArrayHeader(2, "MsgMeta");
        Cid bls = reader.ReadCidField("MsgMeta.BlsMessages");
        Cid secpk = reader.ReadCidField("MsgMeta.SecpkMessages");
        reader.ExpectEnd();
        return new MsgMeta(bls, secpk, data);
    }

    /// <summary>Builds a message meta from the two AMT roots.</summary>
    public static MsgMeta Create(Cid blsMessages, Cid secpkMessages)
    {
        byte[] bytes = DagCbor.Encode((blsMessages, secpkMessages), static (w, m) =>
        {
            w.WriteArrayHeader(2);
            w.WriteCid(m.blsMessages);
            w.WriteCid(m.secpkMessages);
        });
        return new MsgMeta(blsMessages, secpkMessages, bytes);
    }
}
