using System.Buffers.Binary;
using System.Text;

namespace Venus.ChainSync.Primitives.Cbor;

/// <summary>
/// A strict, allocation-free DAG-CBOR reader over a span: canonical form only. It refuses indefinite lengths,
/// integers not in their shortest form, tags other than 42, CIDs without the <c>0x00</c> prefix, simple values
/// other than <c>false</c>, <c>true</c> and <c>null</c>, floats other than finite 64-bit ones, map keys that are
/// not text or not in length-first order, and every claimed length longer than the input that remains.
/// Every fault raises <see cref="DagCborException"/> with the offset where it was found.
/// </summary>
/// <remarks>
/// The typed decoders of this library are written over this reader rather than over System.Formats.Cbor:
/// on header decode it is about 3× faster, which is what keeps decode+CID within 2× of hashing alone
/// (figures in <c>benchmarks/README.md</c>). System.Formats.Cbor is used in the tests as an independent check.
/// </remarks>
public ref struct DagCborReader
{
    /// <summary>Deepest nesting <see cref="SkipValue"/> follows; deeper input is refused rather than recursed into.</summary>
    public const int MaxDepth = 64;

    private const byte CidTag = 42;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    /// <summary>Creates a reader over <paramref name="data"/>.</summary>
    public DagCborReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    /// <summary>Offset of the next byte to read.</summary>
    public readonly int Position => _position;

    /// <summary>Bytes left to read.</summary>
    public readonly int Remaining => _data.Length - _position;

    /// <summary>Whether every byte has been read.</summary>
    public readonly bool IsAtEnd => _position == _data.Length;

    /// <summary>The major type of the next item, without consuming it.</summary>
    public readonly CborMajorType PeekMajorType()
    {
        if (_position >= _data.Length)
        {
            throw Fail("unexpected end of input", _position);
        }

        return (CborMajorType)(_data[_position] >> 5);
    }

    /// <summary>Whether the next item is <c>null</c> (not consumed).</summary>
    public readonly bool PeekNull() => _position < _data.Length && _data[_position] == 0xf6;

    /// <summary>Consumes a <c>null</c> if one comes next.</summary>
    public bool TryReadNull()
    {
        if (PeekNull())
        {
            _position++;
            return true;
        }

        return false;
    }

    /// <summary>Reads <c>null</c>.</summary>
    public void ReadNull()
    {
        if (!TryReadNull())
        {
            throw WrongType("null");
        }
    }

    /// <summary>Reads an array header and returns its item count, which is at most the bytes that remain.</summary>
    public int ReadArrayHeader()
    {
        int start = _position;
        ulong count = ReadHead(CborMajorType.Array, "array");
        // Each item takes at least one byte, so a count beyond the remaining input is a lie: refuse it before anyone allocates.
        if (count > (ulong)Remaining)
        {
            throw Fail($"array claims {count} items but only {Remaining} bytes remain", start);
        }

        return (int)count;
    }

    /// <summary>Reads an array header that must have exactly <paramref name="expected"/> items.</summary>
    public void ReadArrayHeader(int expected, string what)
    {
        int start = _position;
        int count = ReadArrayHeader();
        if (count != expected)
        {
            throw Fail($"{what}: expected {expected} fields, found {count}", start);
        }
    }

    /// <summary>
    /// Reads a map header and returns its entry count, which is at most half the bytes that remain (every entry
    /// is a key and a value of at least one byte each). Reading the keys, and checking their canonical order, is
    /// the caller's job.
    /// </summary>
    public int ReadMapHeader()
    {
        int start = _position;
        ulong count = ReadHead(CborMajorType.Map, "map");
        if (count > (ulong)Remaining / 2)
        {
            throw Fail($"map claims {count} entries but only {Remaining} bytes remain", start);
        }

        return (int)count;
    }

    /// <summary>Reads an unsigned integer.</summary>
    public ulong ReadUInt64() => ReadHead(CborMajorType.UnsignedInteger, "unsigned integer");

    /// <summary>Reads an unsigned integer that must fit in 32 bits.</summary>
    public int ReadInt32Unsigned()
    {
        int start = _position;
        ulong value = ReadUInt64();
        if (value > int.MaxValue)
        {
            throw Fail($"integer {value} is out of range", start);
        }

        return (int)value;
    }

    /// <summary>Reads a signed integer (major type 0 or 1) that fits in 64 bits.</summary>
    public long ReadInt64()
    {
        int start = _position;
        CborMajorType major = PeekMajorType();
        if (major == CborMajorType.UnsignedInteger)
        {
            ulong value = ReadHead(major, "integer");
            return value <= long.MaxValue ? (long)value : throw Fail($"integer {value} overflows int64", start);
        }

        if (major == CborMajorType.NegativeInteger)
        {
            ulong value = ReadHead(major, "integer");
            return value <= long.MaxValue ? -1 - (long)value : throw Fail($"integer -1-{value} overflows int64", start);
        }

        throw WrongType("integer");
    }

    /// <summary>Reads a boolean.</summary>
    public bool ReadBoolean()
    {
        if (_position < _data.Length)
        {
            switch (_data[_position])
            {
                case 0xf4:
                    _position++;
                    return false;
                case 0xf5:
                    _position++;
                    return true;
            }
        }

        throw WrongType("boolean");
    }

    /// <summary>Reads a byte string and returns a view of its content.</summary>
    public ReadOnlySpan<byte> ReadByteString()
    {
        (int offset, int length) = ReadByteStringRange();
        return _data.Slice(offset, length);
    }

    /// <summary>Reads a byte string and returns where its content lies in the input, so callers can slice memory they own.</summary>
    public (int Offset, int Length) ReadByteStringRange()
    {
        int start = _position;
        ulong length = ReadHead(CborMajorType.ByteString, "byte string");
        if (length > (ulong)Remaining)
        {
            throw Fail($"byte string claims {length} bytes but only {Remaining} remain", start);
        }

        int offset = _position;
        _position += (int)length;
        return (offset, (int)length);
    }

    /// <summary>Reads a UTF-8 text string, which must be valid UTF-8.</summary>
    public string ReadTextString() => ReadTextString(int.MaxValue);

    /// <summary>Reads a UTF-8 text string of at most <paramref name="maxBytes"/> bytes, refused before it is allocated.</summary>
    public string ReadTextString(int maxBytes)
    {
        int start = _position;
        ulong length = ReadHead(CborMajorType.TextString, "text string");
        if (length > (ulong)Remaining)
        {
            throw Fail($"text string claims {length} bytes but only {Remaining} remain", start);
        }

        if (length > (ulong)maxBytes)
        {
            throw Fail($"text string of {length} bytes is longer than {maxBytes}", start);
        }

        ReadOnlySpan<byte> utf8 = _data.Slice(_position, (int)length);
        _position += (int)length;
        try
        {
            return StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException)
        {
            throw Fail("text string is not valid UTF-8", start);
        }
    }

    /// <summary>Reads a CID: tag 42 over a byte string holding <c>0x00</c> and a binary CID.</summary>
    public Cid ReadCid()
    {
        ReadOnlySpan<byte> binary = ReadCidBytes();
        return Cid.FromBytes(binary);
    }

    /// <summary>Reads a CID that may be <c>null</c>.</summary>
    public Cid? ReadNullableCid() => TryReadNull() ? null : ReadCid();

    /// <summary>Skips one whole item of any type, checking that it is strict DAG-CBOR all the way down.</summary>
    public void SkipValue() => SkipValueAt(0);

    /// <summary>Fails unless every byte has been read.</summary>
    public readonly void ExpectEnd()
    {
        if (!IsAtEnd)
        {
            throw Fail($"{Remaining} trailing bytes after the item", _position);
        }
    }

    /// <summary>Creates the exception for a fault at <paramref name="offset"/>.</summary>
    public static DagCborException Fail(string reason, int offset) => new(reason, offset);

    private ReadOnlySpan<byte> ReadCidBytes()
    {
        int start = _position;
        if (PeekMajorType() != CborMajorType.Tag)
        {
            throw WrongType("CID (tag 42)");
        }

        ulong tag = ReadHead(CborMajorType.Tag, "tag");
        if (tag != CidTag)
        {
            throw Fail($"tag {tag} is not allowed in DAG-CBOR (only 42)", start);
        }

        int bytesStart = _position;
        ReadOnlySpan<byte> content = ReadByteString();
        if (content.IsEmpty || content[0] != 0x00)
        {
            throw Fail("CID byte string lacks the 0x00 multibase prefix", bytesStart);
        }

        ReadOnlySpan<byte> binary = content[1..];
        if (!Cid.TryMeasure(binary, out int length, out string? error) || length != binary.Length)
        {
            throw Fail($"invalid CID: {error ?? "trailing bytes after the CID"}", bytesStart);
        }

        return binary;
    }

    private void SkipValueAt(int depth)
    {
        if (depth > MaxDepth)
        {
            throw Fail($"nesting deeper than {MaxDepth}", _position);
        }

        int start = _position;
        switch (PeekMajorType())
        {
            case CborMajorType.UnsignedInteger:
            case CborMajorType.NegativeInteger:
                ReadHead(PeekMajorType(), "integer");
                break;
            case CborMajorType.ByteString:
                ReadByteStringRange();
                break;
            case CborMajorType.TextString:
                ReadTextString();
                break;
            case CborMajorType.Array:
                {
                    int count = ReadArrayHeader();
                    for (int i = 0; i < count; i++)
                    {
                        SkipValueAt(depth + 1);
                    }

                    break;
                }

            case CborMajorType.Map:
                SkipMap(depth);
                break;
            case CborMajorType.Tag:
                ReadCidBytes();
                break;
            default:
                SkipSimple(start);
                break;
        }
    }

    private void SkipMap(int depth)
    {
        int count = ReadMapHeader();
        ReadOnlySpan<byte> previousKey = default;
        for (int i = 0; i < count; i++)
        {
            int keyStart = _position;
            if (PeekMajorType() != CborMajorType.TextString)
            {
                throw Fail("map key is not a text string", keyStart);
            }

            ReadTextString();
            ReadOnlySpan<byte> key = _data[keyStart.._position];
            // DAG-CBOR sorts keys by encoded length, then bytewise; equal keys are duplicates.
            if (i > 0)
            {
                int order = previousKey.Length != key.Length ? previousKey.Length.CompareTo(key.Length) : previousKey.SequenceCompareTo(key);
                if (order >= 0)
                {
                    throw Fail(order == 0 ? "duplicate map key" : "map keys are not in canonical order", keyStart);
                }
            }

            previousKey = key;
            SkipValueAt(depth + 1);
        }
    }

    private void SkipSimple(int start)
    {
        byte initial = _data[_position];
        switch (initial)
        {
            case 0xf4:
            case 0xf5:
            case 0xf6:
                _position++;
                return;
            case 0xfb:
                if (Remaining < 9)
                {
                    throw Fail("truncated float", start);
                }

                double value = BinaryPrimitives.ReadDoubleBigEndian(_data.Slice(_position + 1, 8));
                if (!double.IsFinite(value))
                {
                    throw Fail("NaN and infinities are not allowed in DAG-CBOR", start);
                }

                _position += 9;
                return;
            case 0xff:
                throw Fail("unexpected break (indefinite lengths are not allowed)", start);
            default:
                throw Fail(initial is 0xf9 or 0xfa ? "floats must be 64-bit in DAG-CBOR" : $"simple value 0x{initial:x2} is not allowed in DAG-CBOR", start);
        }
    }

    private ulong ReadHead(CborMajorType expected, string what)
    {
        int start = _position;
        if (_position >= _data.Length)
        {
            throw Fail($"unexpected end of input, expected {what}", start);
        }

        byte initial = _data[_position];
        var major = (CborMajorType)(initial >> 5);
        if (major != expected)
        {
            throw WrongType(what);
        }

        int info = initial & 0x1f;
        _position++;
        if (info < 24)
        {
            return (ulong)info;
        }

        ulong value;
        switch (info)
        {
            case 24:
                Need(1, what, start);
                value = _data[_position];
                _position += 1;
                if (value < 24)
                {
                    throw NotMinimal(start);
                }

                return value;
            case 25:
                Need(2, what, start);
                value = BinaryPrimitives.ReadUInt16BigEndian(_data.Slice(_position, 2));
                _position += 2;
                if (value <= byte.MaxValue)
                {
                    throw NotMinimal(start);
                }

                return value;
            case 26:
                Need(4, what, start);
                value = BinaryPrimitives.ReadUInt32BigEndian(_data.Slice(_position, 4));
                _position += 4;
                if (value <= ushort.MaxValue)
                {
                    throw NotMinimal(start);
                }

                return value;
            case 27:
                Need(8, what, start);
                value = BinaryPrimitives.ReadUInt64BigEndian(_data.Slice(_position, 8));
                _position += 8;
                if (value <= uint.MaxValue)
                {
                    throw NotMinimal(start);
                }

                return value;
            case 31:
                throw Fail($"indefinite-length {what} is not allowed in DAG-CBOR", start);
            default:
                throw Fail($"reserved additional information {info}", start);
        }
    }

    private readonly void Need(int count, string what, int start)
    {
        if (Remaining < count)
        {
            throw Fail($"truncated {what} header", start);
        }
    }

    private static DagCborException NotMinimal(int start) => Fail("integer or length is not in its shortest form", start);

    private readonly DagCborException WrongType(string expected)
    {
        if (_position >= _data.Length)
        {
            return Fail($"unexpected end of input, expected {expected}", _position);
        }

        byte initial = _data[_position];
        string found = initial switch
        {
            0xf4 or 0xf5 => "boolean",
            0xf6 => "null",
            _ => ((CborMajorType)(initial >> 5)) switch
            {
                CborMajorType.UnsignedInteger => "unsigned integer",
                CborMajorType.NegativeInteger => "negative integer",
                CborMajorType.ByteString => "byte string",
                CborMajorType.TextString => "text string",
                CborMajorType.Array => "array",
                CborMajorType.Map => "map",
                CborMajorType.Tag => "tag",
                _ => "simple value",
            },
        };
        return Fail($"wrong type: expected {expected}, found {found}", _position);
    }
}
