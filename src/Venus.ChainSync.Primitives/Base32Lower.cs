using SimpleBase;

namespace Venus.ChainSync.Primitives;

/// <summary>
/// RFC 4648 base32, lower case, no padding: the alphabet of CID strings and Filecoin addresses. Decoding is
/// strict: upper case, padding and non-zero trailing bits are refused, so each byte string has exactly one text.
/// </summary>
internal static class Base32Lower
{
    private static readonly Base32 Codec = Base32.FileCoin;

    public static string Encode(ReadOnlySpan<byte> bytes) => Codec.Encode(bytes);

    public static byte[] Decode(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '2' and <= '7')))
            {
                throw new FormatException($"'{c}' is not a lower-case base32 character");
            }
        }

        int rem = text.Length % 8;
        if (rem is 1 or 3 or 6)
        {
            throw new FormatException("impossible base32 length");
        }

        byte[] bytes = Codec.Decode(text);
        // Round-tripping catches non-zero bits after the last byte, which would give one value two spellings.
        if (!Codec.Encode(bytes).AsSpan().SequenceEqual(text))
        {
            throw new FormatException("non-zero trailing bits in base32 text");
        }

        return bytes;
    }
}
