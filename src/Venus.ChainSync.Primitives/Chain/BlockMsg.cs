using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Primitives;

/// <summary>
/// The block gossip payload (<c>/fil/blocks/&lt;network&gt;</c>): <c>[Header, BlsMessages [CID], SecpkMessages [CID]]</c>.
/// </summary>
/// <remarks>
/// <see cref="Header"/> may be null because Lotus's decoder accepts a <c>null</c> header (its pointer field); a
/// consumer must refuse such a message before using it.
/// </remarks>
public sealed class BlockMsg
{
    private BlockMsg(BlockHeader? header, ImmutableArray<Cid> bls, ImmutableArray<Cid> secpk, ReadOnlyMemory<byte> rawData)
    {
        Header = header;
        BlsMessages = bls;
        SecpkMessages = secpk;
        RawData = rawData;
    }

    /// <summary>The block header, or null when the sender put <c>null</c> there.</summary>
    public BlockHeader? Header { get; }

    /// <summary>CIDs of the block's BLS messages, in block order.</summary>
    public ImmutableArray<Cid> BlsMessages { get; }

    /// <summary>CIDs of the block's secp256k1 messages, in block order.</summary>
    public ImmutableArray<Cid> SecpkMessages { get; }

    /// <summary>The exact encoding.</summary>
    public ReadOnlyMemory<byte> RawData { get; }

    /// <summary>Decodes a gossip payload that fills <paramref name="data"/> exactly (trailing bytes are refused, as Lotus does).</summary>
    public static BlockMsg Decode(ReadOnlyMemory<byte> data)
    {
        var reader = new DagCborReader(data.Span);
        reader.ReadArrayHeader(3, "BlockMsg");
        BlockHeader? header = reader.TryReadNull() ? null : BlockHeader.Read(ref reader, data);
        ImmutableArray<Cid> bls = ReadCids(ref reader, "BlockMsg.BlsMessages");
        ImmutableArray<Cid> secpk = ReadCids(ref reader, "BlockMsg.SecpkMessages");
        reader.ExpectEnd();
        return new BlockMsg(header, bls, secpk, data);
    }

    /// <summary>Builds a gossip payload.</summary>
    public static BlockMsg Create(BlockHeader header, IEnumerable<Cid> blsMessages, IEnumerable<Cid> secpkMessages)
    {
        ArgumentNullException.ThrowIfNull(header);
        ImmutableArray<Cid> bls = [.. blsMessages];
        ImmutableArray<Cid> secpk = [.. secpkMessages];
        byte[] bytes = DagCbor.Encode((header, bls, secpk), static (w, m) =>
        {
            w.WriteArrayHeader(3);
            m.header.WriteTo(w);
            WriteCids(w, m.bls);
            WriteCids(w, m.secpk);
        });
        return Decode(bytes);
    }

    /// <summary>Writes the payload: its exact encoding.</summary>
    public void WriteTo(DagCborWriter writer) => writer.WriteRaw(RawData.Span);

    private static ImmutableArray<Cid> ReadCids(ref DagCborReader reader, string field)
    {
        int count = reader.ReadBoundedArrayHeader(field);
        var cids = count == 0 ? [] : new Cid[count];
        for (int i = 0; i < count; i++)
        {
            cids[i] = reader.ReadCidField(field);
        }

        return ImmutableCollectionsMarshal.AsImmutableArray(cids);
    }

    private static void WriteCids(DagCborWriter writer, ImmutableArray<Cid> cids)
    {
        writer.WriteArrayHeader(cids.Length);
        foreach (Cid cid in cids)
        {
            writer.WriteCid(cid);
        }
    }
}
