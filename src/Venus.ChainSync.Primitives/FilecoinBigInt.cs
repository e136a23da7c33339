using System.Numerics;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Primitives;

/// <summary>
/// Filecoin's byte form of a big integer (<c>BigInt</c>, token amounts, weights): a CBOR byte string that is empty
/// for zero and otherwise a sign byte (<c>0x00</c> positive, <c>0x01</c> negative) followed by the big-endian magnitude.
/// </summary>
/// <remarks>
/// Decoding accepts exactly what Lotus (go-state-types <c>big.FromBytes</c>) accepts, including a magnitude with
/// leading zeros: refusing a value that Lotus takes would split consensus on a block that carries it. CIDs are
/// always over the received bytes, so such a value still hashes as it arrived. Encoding always writes the
/// shortest form.
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
