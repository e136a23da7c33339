namespace Venus.ChainSync.Primitives;

/// <summary>
/// Unsigned LEB128 varints as multiformats and Filecoin addresses use them: minimal encoding only, at most
/// ten bytes for a full 64-bit value.
/// </summary>
public static class Varint
{
    /// <summary>Most bytes a 64-bit varint takes.</summary>
    public const int MaxLength = 10;

    /// <summary>
    /// Reads a minimally encoded varint from the start of <paramref name="source"/>.
    /// </summary>
    /// <returns><see langword="true"/> and the value and its length, or <see langword="false"/> when the input is
    /// truncated, not minimal, or overflows 64 bits.</returns>
    public static bool TryRead(ReadOnlySpan<byte> source, out ulong value, out int length)
    {
        value = 0;
        length = 0;
        int shift = 0;
        for (int i = 0; i < source.Length && i < MaxLength; i++)
        {
            byte b = source[i];
            if (i == MaxLength - 1 && b > 1)
            {
                return false; // A tenth byte may only carry bit 63.
            }

            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                if (b == 0 && i > 0)
                {
                    return false; // A trailing zero byte means the encoding was not minimal.
                }

                length = i + 1;
                return true;
            }

            shift += 7;
        }

        value = 0;
        return false;
    }

    /// <summary>Number of bytes <paramref name="value"/> takes as a varint.</summary>
    public static int SizeOf(ulong value)
    {
        int n = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            n++;
        }

        return n;
    }

    /// <summary>Writes <paramref name="value"/> as a varint and returns the number of bytes written.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small.</exception>
    public static int Write(ulong value, Span<byte> destination)
    {
        int n = SizeOf(value);
        if (destination.Length < n)
        {
            throw new ArgumentException("The destination is too small for the varint.", nameof(destination));
        }

        for (int i = 0; i < n - 1; i++)
        {
            destination[i] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[n - 1] = (byte)value;
        return n;
    }
}
