using Venus.ChainSync.Primitives.Cbor;
using Venus.ChainSync.Primitives.Hashing;

namespace Venus.ChainSync.Primitives;

/// <summary>A block's ticket: <c>[VRFProof bytes]</c>. Tickets order the blocks of a tipset.</summary>
public readonly record struct Ticket(ReadOnlyMemory<byte> VrfProof)
{
    /// <summary>Reads a ticket; the proof is sliced from <paramref name="source"/>.</summary>
    public static Ticket Read(ref DagCborReader reader, ReadOnlyMemory<byte> source)
    {
        reader.ReadArrayHeader(1, "Ticket");
        return new Ticket(reader.ReadBytesSlice(source, "Ticket.VRFProof"));
    }

    /// <summary>Writes the ticket.</summary>
    public void WriteTo(DagCborWriter writer)
    {
        writer.WriteArrayHeader(1);
        writer.WriteByteString(VrfProof.Span);
    }

    /// <summary>
    /// Compares tickets as Lotus orders them: by blake2b-256 of the VRF proof, bytewise.
    /// </summary>
    public int CompareTo(Ticket other)
    {
        Span<byte> mine = stackalloc byte[32];
        Span<byte> theirs = stackalloc byte[32];
        Blake2b.Hash256(VrfProof.Span, mine);
        Blake2b.Hash256(other.VrfProof.Span, theirs);
        return mine.SequenceCompareTo(theirs);
    }

    /// <summary>Whether the proofs are equal.</summary>
    public bool Equals(Ticket other) => VrfProof.Span.SequenceEqual(other.VrfProof.Span);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.AddBytes(VrfProof.Span);
        return hash.ToHashCode();
    }
}
