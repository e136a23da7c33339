using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Primitives;

/// <summary>A winning PoSt proof: <c>[PoStProof int64 (registered proof type), ProofBytes bytes]</c>.</summary>
public readonly record struct PoStProof(long RegisteredProof, ReadOnlyMemory<byte> ProofBytes)
{
    /// <summary>Reads a proof; the bytes are sliced from <paramref name="source"/>.</summary>
    public static PoStProof Read(ref DagCborReader reader, ReadOnlyMemory<byte> source)
    {
        reader.ReadArrayHeader(2, "PoStProof");
        long proof = reader.ReadInt64();
        return new PoStProof(proof, reader.ReadBytesSlice(source, "PoStProof.ProofBytes"));
    }

    /// <summary>Writes the proof.</summary>
    public void WriteTo(DagCborWriter writer)
    {
        writer.WriteArrayHeader(2);
        writer.WriteInt64(RegisteredProof);
        writer.WriteByteString(ProofBytes.Span);
    }

    /// <summary>Whether the fields are equal.</summary>
    public bool Equals(PoStProof other) => RegisteredProof == other.RegisteredProof && ProofBytes.Span.SequenceEqual(other.ProofBytes.Span);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(RegisteredProof, ProofBytes.Length);
}
