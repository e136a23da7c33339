using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Primitives;

/// <summary>
/// The identity of a tipset: its block CIDs in tipset order.
/// </summary>
/// <remarks>
/// It has two wire forms. Inside block headers (<c>Parents</c>), exchange requests and hello greetings it is a
/// CBOR array of CIDs (<see cref="WriteAsList"/>, <see cref="ReadList"/>). Its own CID, the "tipset CID" of the
/// APIs, is the CID of a CBOR byte string holding the concatenated binary CIDs (<see cref="ToBytes"/>,
/// <see cref="Cid"/>). Equality compares the CIDs in order.
/// </remarks>
public sealed class TipSetKey : IEquatable<TipSetKey>
{
    private Cid _cid;

    private TipSetKey(ImmutableArray<Cid> cids) => Cids = cids;

    /// <summary>The empty key (which identifies no tipset; Lotus's <c>EmptyTSK</c>).</summary>
    public static TipSetKey Empty { get; } = new([]);

    /// <summary>The block CIDs, in tipset order.</summary>
    public ImmutableArray<Cid> Cids { get; }

    /// <summary>Whether the key holds no CID.</summary>
    public bool IsEmpty => Cids.IsEmpty;

    /// <summary>The tipset CID: blake2b-256 dag-cbor CID of the byte-string form.</summary>
    public Cid Cid
    {
        get
        {
            if (!_cid.IsDefined)
            {
                _cid = Cid.ComputeDagCbor(DagCbor.Encode(this, static (w, key) => w.WriteByteString(key.ToBytes())));
            }

            return _cid;
        }
    }

    /// <summary>Creates a key from CIDs already in tipset order.</summary>
    public static TipSetKey Create(IEnumerable<Cid> cids)
    {
        ArgumentNullException.ThrowIfNull(cids);
        ImmutableArray<Cid> array = [.. cids];
        foreach (Cid cid in array)
        {
            if (!cid.IsDefined)
            {
                throw new ArgumentException("A tipset key cannot hold default(Cid).", nameof(cids));
            }
        }

        return array.IsEmpty ? Empty : new TipSetKey(array);
    }

    /// <summary>Wraps CIDs the caller has already checked and ordered, without copying them.</summary>
    internal static TipSetKey FromOrdered(Cid[] cids) => cids.Length == 0 ? Empty : new TipSetKey(ImmutableCollectionsMarshal.AsImmutableArray(cids));

    /// <summary>Creates a key from CIDs already in tipset order.</summary>
    public static TipSetKey Create(params ReadOnlySpan<Cid> cids) => Create((IEnumerable<Cid>)cids.ToArray());

    /// <summary>The concatenated binary CIDs.</summary>
    public byte[] ToBytes()
    {
        int length = 0;
        foreach (Cid cid in Cids)
        {
            length += cid.Bytes.Length;
        }

        var bytes = new byte[length];
        int offset = 0;
        foreach (Cid cid in Cids)
        {
            cid.Bytes.CopyTo(bytes.AsSpan(offset));
            offset += cid.Bytes.Length;
        }

        return bytes;
    }

    /// <summary>Parses the concatenated binary CIDs.</summary>
    /// <exception cref="FormatException">The bytes are not a sequence of whole CIDs.</exception>
    public static TipSetKey FromBytes(ReadOnlySpan<byte> bytes)
    {
        var cids = new List<Cid>();
        while (!bytes.IsEmpty)
        {
            if (!Cid.TryReadPrefix(bytes, out Cid cid, out int length, out string? error))
            {
                throw new FormatException($"tipset key bytes: {error}");
            }

            cids.Add(cid);
            bytes = bytes[length..];
        }

        return Create(cids);
    }

    /// <summary>Reads the list form (a CBOR array of CIDs), bounded by <paramref name="maxLength"/> CIDs.</summary>
    public static TipSetKey ReadList(ref DagCborReader reader, string field, int maxLength = DagCbor.MaxListLength)
    {
        int count = reader.ReadBoundedArrayHeader(field, maxLength);
        if (count == 0)
        {
            return Empty;
        }

        var cids = new Cid[count];
        for (int i = 0; i < count; i++)
        {
            cids[i] = reader.ReadCidField(field);
        }

        return new TipSetKey(ImmutableCollectionsMarshal.AsImmutableArray(cids));
    }

    /// <summary>Writes the list form (a CBOR array of CIDs).</summary>
    public void WriteAsList(DagCborWriter writer)
    {
        writer.WriteArrayHeader(Cids.Length);
        foreach (Cid cid in Cids)
        {
            writer.WriteCid(cid);
        }
    }

    /// <inheritdoc/>
    public bool Equals(TipSetKey? other)
    {
        if (other is null)
        {
            return false;
        }

        if (ReferenceEquals(this, other))
        {
            return true;
        }

        return Cids.AsSpan().SequenceEqual(other.Cids.AsSpan());
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as TipSetKey);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (Cid cid in Cids)
        {
            hash.Add(cid);
        }

        return hash.ToHashCode();
    }

    /// <summary>The CIDs as <c>{a,b,c}</c>, as Lotus prints a key.</summary>
    public override string ToString() => "{" + string.Join(",", Cids) + "}";

    /// <summary>Equality of keys.</summary>
    public static bool operator ==(TipSetKey? left, TipSetKey? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Inequality of keys.</summary>
    public static bool operator !=(TipSetKey? left, TipSetKey? right) => !(left == right);
}
