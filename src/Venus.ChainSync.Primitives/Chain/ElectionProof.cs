using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Primitives;

/// <summary>A block's election proof: <c>[WinCount int64, VRFProof bytes]</c>.</summary>
public readonly record struct ElectionProof(long WinCount, ReadOnlyMemory<byte> VrfProof)
{
    /// <summary>Reads an election proof; the proof is sliced from <paramref name="source"/>.</summary>
    public static ElectionProof Read(ref DagCborReader reader, ReadOnlyMemory<byte> source)
    {
        reader.ReadArrayHeader(2, "ElectionProof");
        long winCount = reader.ReadInt64();
        return new ElectionProof(winCount, reader.ReadBytesSlice(source, "ElectionProof.VRFProof"));
    }

    /// <summary>Writes the election proof.</summary>
    public void WriteTo(DagCborWriter writer)
    {
        writer.WriteArrayHeader(2);
        writer.WriteInt64(WinCount);
        writer.WriteByteString(VrfProof.Span);
    }

    /// <summary>Whether the fields are equal.</summary>
    public bool Equals(ElectionProof other) => WinCount == other.WinCount && VrfProof.Span.SequenceEqual(other.VrfProof.Span);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(WinCount, VrfProof.Length);
}
