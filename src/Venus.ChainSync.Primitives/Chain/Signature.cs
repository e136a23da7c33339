using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Primitives;

/// <summary>Signature schemes of Filecoin (go-state-types <c>crypto.SigType</c>).</summary>
public enum SignatureType : byte
{
    /// <summary>secp256k1 ECDSA (65-byte recoverable signatures).</summary>
    Secp256k1 = 1,

    /// <summary>BLS12-381 (96-byte signatures).</summary>
    Bls = 2,

    /// <summary>Delegated (Ethereum-style) signatures of f4 accounts.</summary>
    Delegated = 3,
}

/// <summary>
/// A signature: on the wire one CBOR byte string <c>type || data</c>.
/// </summary>
/// <remarks>
/// Decoding accepts what go-state-types accepts: 1 to 200 bytes, type 1, 2 or 3. A zero-value Go signature
/// (type byte 0) encodes as <c>0x4100</c> but Lotus refuses to decode it, and so does this type; such bytes can
/// still be written with <see cref="WriteRaw"/> for test vectors.
/// </remarks>
public readonly record struct Signature
{
    /// <summary>Longest signature encoding accepted (go-state-types <c>SignatureMaxLength</c>).</summary>
    public const int MaxLength = 200;

    /// <summary>Creates a signature.</summary>
    public Signature(SignatureType type, ReadOnlyMemory<byte> data)
    {
        if (data.Length + 1 > MaxLength)
        {
            throw new ArgumentException($"A signature encodes in at most {MaxLength} bytes.", nameof(data));
        }

        Type = type;
        Data = data;
    }

    /// <summary>The scheme.</summary>
    public SignatureType Type { get; }

    /// <summary>The signature bytes, without the type byte.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Reads a signature; the data is sliced from <paramref name="source"/>.</summary>
    public static Signature Read(ref DagCborReader reader, ReadOnlyMemory<byte> source)
    {
        int start = reader.Position;
        ReadOnlyMemory<byte> bytes = reader.ReadBytesSlice(source, "signature", MaxLength);
        if (bytes.IsEmpty)
        {
            throw DagCborReader.Fail("signature is empty", start);
        }

        byte type = bytes.Span[0];
        if (type is < 1 or > 3)
        {
            throw DagCborReader.Fail($"invalid signature type {type}", start);
        }

        return new Signature((SignatureType)type, bytes[1..]);
    }

    /// <summary>Reads a signature that may be <c>null</c>.</summary>
    public static Signature? ReadNullable(ref DagCborReader reader, ReadOnlyMemory<byte> source) =>
        reader.TryReadNull() ? null : Read(ref reader, source);

    /// <summary>Writes the signature as <c>type || data</c>.</summary>
    public void WriteTo(DagCborWriter writer) => WriteRaw(writer, (byte)Type, Data.Span);

    /// <summary>Writes any type byte and data, including ones that do not decode (zero-value Go signatures).</summary>
    public static void WriteRaw(DagCborWriter writer, byte type, ReadOnlySpan<byte> data)
    {
        Span<byte> buffer = stackalloc byte[MaxLength];
        if (data.Length + 1 > MaxLength)
        {
            throw new ArgumentException($"A signature encodes in at most {MaxLength} bytes.", nameof(data));
        }

        buffer[0] = type;
        data.CopyTo(buffer[1..]);
        writer.WriteByteString(buffer[..(data.Length + 1)]);
    }

    /// <summary>Whether two signatures have the same type and bytes.</summary>
    public bool Equals(Signature other) => Type == other.Type && Data.Span.SequenceEqual(other.Data.Span);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.Add(Type);
        hash.AddBytes(Data.Span);
        return hash.ToHashCode();
    }
}
