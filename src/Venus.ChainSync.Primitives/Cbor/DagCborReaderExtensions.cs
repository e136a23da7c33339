namespace Venus.ChainSync.Primitives.Cbor;

/// <summary>Reads that typed decoders share: bounded lists and byte fields sliced from memory the object owns.</summary>
internal static class DagCborReaderExtensions
{
    /// <summary>Reads a byte string and returns it as a slice of <paramref name="source"/>, which the reader reads.</summary>
    public static ReadOnlyMemory<byte> ReadBytesSlice(this ref DagCborReader reader, ReadOnlyMemory<byte> source, string field, int maxLength = DagCbor.MaxByteStringLength)
    {
        int start = reader.Position;
        (int offset, int length) = reader.ReadByteStringRange();
        if (length > maxLength)
        {
            throw DagCborReader.Fail($"{field}: {length} bytes is longer than {maxLength}", start);
        }

        return source.Slice(offset, length);
    }

    /// <summary>Reads an array header that must not claim more than <paramref name="maxLength"/> items.</summary>
    public static int ReadBoundedArrayHeader(this ref DagCborReader reader, string field, int maxLength = DagCbor.MaxListLength)
    {
        int start = reader.Position;
        int count = reader.ReadArrayHeader();
        if (count > maxLength)
        {
            throw DagCborReader.Fail($"{field}: {count} items is more than {maxLength}", start);
        }

        return count;
    }

    /// <summary>Reads a CID field, naming the field in the error.</summary>
    public static Cid ReadCidField(this ref DagCborReader reader, string field)
    {
        try
        {
            return reader.ReadCid();
        }
        catch (DagCborException ex)
        {
            throw new DagCborException($"{field}: {ex.Reason}", ex.Offset);
        }
    }
}
