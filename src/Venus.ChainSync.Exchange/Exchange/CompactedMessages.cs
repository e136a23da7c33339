using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Exchange;

/// <summary>
/// The messages of a whole tipset, each message once: <c>[Bls [Message], BlsIncludes [[uint]], Secpk [SignedMessage],
/// SecpkIncludes [[uint]]]</c>. <c>BlsIncludes[b]</c> lists, in block order, indexes into <see cref="Bls"/> of the
/// messages of block <c>b</c> (tipset order); likewise for secp.
/// </summary>
/// <remarks>Decoding bounds every list; whether the indexes are in range and match the blocks is checked when the
/// response is validated against its headers, not here.</remarks>
public sealed class CompactedMessages
{
    /// <summary>Creates compacted messages from their parts (not validated).</summary>
    public CompactedMessages(
        ImmutableArray<Message> bls,
        ImmutableArray<ImmutableArray<ulong>> blsIncludes,
        ImmutableArray<SignedMessage> secpk,
        ImmutableArray<ImmutableArray<ulong>> secpkIncludes)
    {
        Bls = bls;
        BlsIncludes = blsIncludes;
        Secpk = secpk;
        SecpkIncludes = secpkIncludes;
    }

    /// <summary>Distinct BLS messages of the tipset.</summary>
    public ImmutableArray<Message> Bls { get; }

    /// <summary>Per block, indexes into <see cref="Bls"/>.</summary>
    public ImmutableArray<ImmutableArray<ulong>> BlsIncludes { get; }

    /// <summary>Distinct secp messages of the tipset.</summary>
    public ImmutableArray<SignedMessage> Secpk { get; }

    /// <summary>Per block, indexes into <see cref="Secpk"/>.</summary>
    public ImmutableArray<ImmutableArray<ulong>> SecpkIncludes { get; }

    /// <summary>Writes the compacted messages (each message as its exact bytes).</summary>
    public void WriteTo(DagCborWriter writer)
    {
        writer.WriteArrayHeader(4);
        writer.WriteArrayHeader(Bls.Length);
        foreach (Message m in Bls)
        {
            m.WriteTo(writer);
        }

        WriteIncludes(writer, BlsIncludes);
        writer.WriteArrayHeader(Secpk.Length);
        foreach (SignedMessage m in Secpk)
        {
            m.WriteTo(writer);
        }

        WriteIncludes(writer, SecpkIncludes);
    }

    /// <summary>Reads compacted messages; messages keep slices of <paramref name="source"/>.</summary>
    public static CompactedMessages Read(ref DagCborReader reader, ReadOnlyMemory<byte> source, int maxBlocks)
    {
        reader.ReadArrayHeader(4, "CompactedMessages");
        int blsCount = ReadBounded(ref reader, "CompactedMessages.Bls", ExchangeProtocol.MaxMessagesPerList);
        var bls = new Message[blsCount];
        for (int i = 0; i < blsCount; i++)
        {
            bls[i] = Message.Read(ref reader, source);
        }

        ImmutableArray<ImmutableArray<ulong>> blsIncludes = ReadIncludes(ref reader, "CompactedMessages.BlsIncludes", maxBlocks);
        int secpkCount = ReadBounded(ref reader, "CompactedMessages.Secpk", ExchangeProtocol.MaxMessagesPerList);
        var secpk = new SignedMessage[secpkCount];
        for (int i = 0; i < secpkCount; i++)
        {
            secpk[i] = SignedMessage.Read(ref reader, source);
        }

        ImmutableArray<ImmutableArray<ulong>> secpkIncludes = ReadIncludes(ref reader, "CompactedMessages.SecpkIncludes", maxBlocks);
        return new CompactedMessages(
            ImmutableCollectionsMarshal.AsImmutableArray(bls),
            blsIncludes,
            ImmutableCollectionsMarshal.AsImmutableArray(secpk),
            secpkIncludes);
    }

    private static ImmutableArray<ImmutableArray<ulong>> ReadIncludes(ref DagCborReader reader, string field, int maxBlocks)
    {
        int blocks = ReadBounded(ref reader, field, maxBlocks);
        var includes = new ImmutableArray<ulong>[blocks];
        for (int b = 0; b < blocks; b++)
        {
            int count = ReadBounded(ref reader, field, ExchangeProtocol.BlockMessageLimit);
            var indexes = new ulong[count];
            for (int i = 0; i < count; i++)
            {
                indexes[i] = reader.ReadUInt64();
            }

            includes[b] = ImmutableCollectionsMarshal.AsImmutableArray(indexes);
        }

        return ImmutableCollectionsMarshal.AsImmutableArray(includes);
    }

    private static int ReadBounded(ref DagCborReader reader, string field, int max)
    {
        int start = reader.Position;
        int count = reader.ReadArrayHeader();
        if (count > max)
        {
            throw DagCborReader.Fail($"{field}: {count} items is more than {max}", start);
        }

        return count;
    }

    private static void WriteIncludes(DagCborWriter writer, ImmutableArray<ImmutableArray<ulong>> includes)
    {
        writer.WriteArrayHeader(includes.Length);
        foreach (ImmutableArray<ulong> block in includes)
        {
            writer.WriteArrayHeader(block.Length);
            foreach (ulong index in block)
            {
                writer.WriteUInt64(index);
            }
        }
    }
}
