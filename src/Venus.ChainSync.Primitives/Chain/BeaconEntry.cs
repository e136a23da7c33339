using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Primitives;

/// <summary>A drand beacon entry: <c>[Round uint64, Data bytes]</c>.</summary>
public readonly record struct BeaconEntry(ulong Round, ReadOnlyMemory<byte> Data)
{
    /// <summary>Reads a beacon entry; the data is sliced from <paramref name="source"/>.</summary>
    public static BeaconEntry Read(ref DagCborReader reader, ReadOnlyMemory<byte> source)
    {
        reader.ReadArrayHeader(2, "BeaconEntry");
        ulong round = reader.ReadUInt64();
        return new BeaconEntry(round, reader.ReadBytesSlice(source, "BeaconEntry.Data"));
    }

    /// <summary>Writes the entry.</summary>
    public void WriteTo(DagCborWriter writer)
    {
        writer.WriteArrayHeader(2);
        writer.WriteUInt64(Round);
        writer.WriteByteString(Data.Span);
    }

    /// <summary>Whether the fields are equal.</summary>
    public bool Equals(BeaconEntry other) => Round == other.Round && Data.Span.SequenceEqual(other.Data.Span);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Round, Data.Length);
}
