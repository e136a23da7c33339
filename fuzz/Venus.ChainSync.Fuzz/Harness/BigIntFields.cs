using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Fuzz.Harness;

/// <summary>
/// Finds big integers in an input that decoded: the library accepts a magnitude with leading zeros, as Lotus does
/// (see <c>FilecoinBigInt</c>), and writes the shortest form, so an object rebuilt from its fields gives back the
/// input only when every big integer in it was already shortest.
/// </summary>
internal static class BigIntFields
{
    /// <summary>Whether the big integers at the given fields of the top-level array are all in shortest form.</summary>
    public static bool AllShortest(ReadOnlySpan<byte> item, params ReadOnlySpan<int> fields)
    {
        foreach (int field in fields)
        {
            if (!IsShortest(ByteStringField(item, field)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The bytes of element <paramref name="index"/> of the top-level array <paramref name="item"/>.</summary>
    public static ReadOnlySpan<byte> Element(ReadOnlySpan<byte> item, int index)
    {
        var reader = new DagCborReader(item);
        reader.ReadArrayHeader();
        for (int i = 0; i < index; i++)
        {
            reader.SkipValue();
        }

        int start = reader.Position;
        reader.SkipValue();
        return item[start..reader.Position];
    }

    /// <summary>Empty for zero; otherwise a sign byte and a magnitude whose first byte is not zero.</summary>
    public static bool IsShortest(ReadOnlySpan<byte> form) => form.IsEmpty || (form.Length >= 2 && form[1] != 0);

    private static ReadOnlySpan<byte> ByteStringField(ReadOnlySpan<byte> item, int field)
    {
        var reader = new DagCborReader(item);
        reader.ReadArrayHeader();
        for (int i = 0; i < field; i++)
        {
            reader.SkipValue();
        }

        (int offset, int length) = reader.ReadByteStringRange();
        return item.Slice(offset, length);
    }
}
