using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Venus.ChainSync.Primitives.Cbor;

/// <summary>
/// Writes canonical DAG-CBOR into an <see cref="IBufferWriter{T}"/>: shortest heads, definite lengths, tag 42 CIDs.
/// It allocates nothing itself; reuse an <see cref="ArrayBufferWriter{T}"/> to encode without garbage.
/// </summary>
/// <remarks>
/// The writer does not check structure (that an array header is followed by that many items); the typed
/// encoders of this library are the ones that keep shapes right.
/// </remarks>
public readonly ref struct DagCborWriter
{
    private readonly IBufferWriter<byte> _output;

    /// <summary>Creates a writer that appends to <paramref name="output"/>.</summary>
    public DagCborWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
    }

    /// <summary>Writes an array header for <paramref name="count"/> items.</summary>
    public void WriteArrayHeader(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        WriteHead(CborMajorType.Array, (ulong)count);
    }

    /// <summary>
    /// Writes a map header for <paramref name="count"/> entries. The caller writes the entries, keys in canonical
    /// order (shorter first, then bytewise).
    /// </summary>
    public void WriteMapHeader(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        WriteHead(CborMajorType.Map, (ulong)count);
    }

    /// <summary>Writes an unsigned integer.</summary>
    public void WriteUInt64(ulong value) => WriteHead(CborMajorType.UnsignedInteger, value);

    /// <summary>Writes a signed integer.</summary>
    public void WriteInt64(long value)
    {
        if (value >= 0)
        {
            WriteHead(CborMajorType.UnsignedInteger, (ulong)value);
        }
        else
        {
            WriteHead(CborMajorType.NegativeInteger, (ulong)(-1 - value));
        }
    }

    /// <summary>Writes a boolean.</summary>
    public void WriteBoolean(bool value) => WriteByte(value ? (byte)0xf5 : (byte)0xf4);

    /// <summary>Writes <c>null</c>.</summary>
    public void WriteNull() => WriteByte(0xf6);

    /// <summary>Writes a byte string.</summary>
    public void WriteByteString(ReadOnlySpan<byte> value)
    {
        WriteHead(CborMajorType.ByteString, (ulong)value.Length);
        WriteRaw(value);
    }

    /// <summary>Writes a UTF-8 text string.</summary>
    public void WriteTextString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        int length = Encoding.UTF8.GetByteCount(value);
        WriteHead(CborMajorType.TextString, (ulong)length);
        Span<byte> span = _output.GetSpan(length);
        Encoding.UTF8.GetBytes(value, span);
        _output.Advance(length);
    }

    /// <summary>Writes a CID as tag 42 over <c>0x00 || binary CID</c>.</summary>
    public void WriteCid(Cid cid)
    {
        ReadOnlySpan<byte> bytes = cid.Bytes;
        WriteHead(CborMajorType.Tag, 42);
        WriteHead(CborMajorType.ByteString, (ulong)bytes.Length + 1);
        WriteByte(0x00);
        WriteRaw(bytes);
    }

    /// <summary>Writes a CID, or <c>null</c> when there is none.</summary>
    public void WriteNullableCid(Cid? cid)
    {
        if (cid is { } value)
        {
            WriteCid(value);
        }
        else
        {
            WriteNull();
        }
    }

    /// <summary>Copies already-encoded DAG-CBOR (for example the exact bytes a nested object was decoded from).</summary>
    public void WriteRaw(ReadOnlySpan<byte> encoded)
    {
        if (encoded.IsEmpty)
        {
            return;
        }

        encoded.CopyTo(_output.GetSpan(encoded.Length));
        _output.Advance(encoded.Length);
    }

    /// <summary>Size in bytes of the head of an item with argument <paramref name="value"/>.</summary>
    public static int HeadSize(ulong value) => value switch
    {
        < 24 => 1,
        <= byte.MaxValue => 2,
        <= ushort.MaxValue => 3,
        <= uint.MaxValue => 5,
        _ => 9,
    };

    private void WriteByte(byte value)
    {
        _output.GetSpan(1)[0] = value;
        _output.Advance(1);
    }

    private void WriteHead(CborMajorType major, ulong value)
    {
        Span<byte> span = _output.GetSpan(9);
        byte m = (byte)((int)major << 5);
        int n;
        if (value < 24)
        {
            span[0] = (byte)(m | (byte)value);
            n = 1;
        }
        else if (value <= byte.MaxValue)
        {
            span[0] = (byte)(m | 24);
            span[1] = (byte)value;
            n = 2;
        }
        else if (value <= ushort.MaxValue)
        {
            span[0] = (byte)(m | 25);
            BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)value);
            n = 3;
        }
        else if (value <= uint.MaxValue)
        {
            span[0] = (byte)(m | 26);
            BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)value);
            n = 5;
        }
        else
        {
            span[0] = (byte)(m | 27);
            BinaryPrimitives.WriteUInt64BigEndian(span[1..], value);
            n = 9;
        }

        _output.Advance(n);
    }
}
