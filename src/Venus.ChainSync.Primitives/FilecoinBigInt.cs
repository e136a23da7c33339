using System.Numerics;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Primitives;

/// <summary>
/// Filecoin's byte form of a big integer (<c>BigInt</c>, token amounts, weights): a CBOR byte string that is empty
/// for zero and otherwise a sign byte (<c>0x00</c> positive, <c>0x01</c> negative) followed by the big-endian magnitude.
/// </summary>
/// <remarks>
/// Decoding accepts exactly what Lotus (go-state-types <c>big.FromBytes</c>) accepts: besides the shortest form, a
/// magnitude with leading zeros and a zero written with a sign byte (<c>00</c> or <c>01</c> alone). Refusing a value
/// that Lotus takes would split consensus on a block that carries it. Those longer forms are the only non-canonical
/// encodings a Lotus decoder lets through (cbor-gen's <c>CborReadHeader</c> refuses every non-shortest integer or
/// length head), and Lotus names a header or a message by the CID of its re-encoding, so the chain objects of this
/// library re-encode themselves when one of their big integers was read in a longer form (see
/// <see cref="BlockHeader"/>). Encoding always writes the shortest form.
/// </remarks>
public static class FilecoinBigInt
{
    /// <summary>Longest serialised big integer accepted (go-state-types <c>BigIntMaxSerializedLen</c>).</summary>
    public const int MaxSerializedLength = 128;

    /// <summary>Decodes the Filecoin byte form.</summary>
    /// <exception cref="FormatException">The sign byte is not 0 or 1, or the form is longer than 128 bytes.</exception>
    public static BigInteger FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (!TryFromBytes(bytes, out BigInteger value, out string? error))
        {
            throw new FormatException(error);
        }

        return value;
    }

    /// <summary>
    /// Reads a big integer byte string and clears <paramref name="canonical"/> when it was not in the shortest form
    /// (the form Lotus writes, and so the form of every CID Lotus computes); it is left alone otherwise.
    /// </summary>
    internal static BigInteger Read(ref DagCborReader reader, ref bool canonical)
    {
        int start = reader.Position;
        ReadOnlySpan<byte> bytes = reader.ReadByteString();
        if (!TryFromBytes(bytes, out BigInteger value, out string? error))
        {
            throw DagCborReader.Fail(error, start);
        }

        // Shortest form: empty for zero, else a sign byte and a magnitude whose first byte is not zero.
        if (bytes.Length == 1 || (bytes.Length > 1 && bytes[1] == 0))
        {
            canonical = false;
        }

        return value;
    }

    /// <summary>Encodes <paramref name="value"/> in the Filecoin byte form.</summary>
    public static byte[] ToBytes(BigInteger value)
    {
        if (value.IsZero)
        {
            return [];
        }

        int magnitudeLength = BigInteger.Abs(value).GetByteCount(isUnsigned: true);
        var bytes = new byte[magnitudeLength + 1];
        Write(value, bytes);
        return bytes;
    }

    /// <summary>Length of the Filecoin byte form of <paramref name="value"/>.</summary>
    public static int SizeOf(BigInteger value) => value.IsZero ? 0 : BigInteger.Abs(value).GetByteCount(isUnsigned: true) + 1;

    /// <summary>Reads a big integer byte string.</summary>
    public static BigInteger Read(ref DagCborReader reader)
    {
        int start = reader.Position;
        ReadOnlySpan<byte> bytes = reader.ReadByteString();
        if (!TryFromBytes(bytes, out BigInteger value, out string? error))
        {
            throw DagCborReader.Fail(error, start);
        }

        return value;
    }

    /// <summary>Writes a big integer byte string without allocating.</summary>
    public static void Write(DagCborWriter writer, BigInteger value)
    {
        int size = SizeOf(value);
        Span<byte> buffer = size <= 64 ? stackalloc byte[size] : new byte[size];
        Write(value, buffer);
        writer.WriteByteString(buffer);
    }

    private static void Write(BigInteger value, Span<byte> destination)
    {
        if (value.IsZero)
        {
            return;
        }

        destination[0] = value.Sign < 0 ? (byte)1 : (byte)0;
        BigInteger.Abs(value).TryWriteBytes(destination[1..], out _, isUnsigned: true, isBigEndian: true);
    }

    private static bool TryFromBytes(ReadOnlySpan<byte> bytes, out BigInteger value, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        value = BigInteger.Zero;
        error = null;
        if (bytes.IsEmpty)
        {
            return true;
        }

        if (bytes.Length > MaxSerializedLength)
        {
            error = $"big integer of {bytes.Length} bytes is longer than {MaxSerializedLength}";
            return false;
        }

        if (bytes[0] > 1)
        {
            error = $"big integer sign byte must be 0 or 1, found {bytes[0]}";
            return false;
        }

        var magnitude = new BigInteger(bytes[1..], isUnsigned: true, isBigEndian: true);
        value = bytes[0] == 1 ? -magnitude : magnitude;
        return true;
    }
}
