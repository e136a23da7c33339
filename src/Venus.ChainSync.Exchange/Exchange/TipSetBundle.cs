using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Exchange;

/// <summary>
/// One tipset of a response (Lotus <c>BSTipSet</c>): <c>[Blocks [BlockHeader], Messages CompactedMessages?]</c>.
/// Either part may be empty or absent depending on what was asked; nothing here is validated yet.
/// </summary>
/// <param name="Blocks">The headers (empty when only messages were asked for).</param>
/// <param name="Messages">The compacted messages, or null when not asked for.</param>
public sealed record TipSetBundle(ImmutableArray<BlockHeader> Blocks, CompactedMessages? Messages)
{
    /// <summary>
    /// Most blocks a bundle may carry when decoded: <see cref="TipSet.MaxBlocks"/>, so a wider tipset is refused before
    /// its headers are decoded (Lotus decodes up to cbor-gen's list bound, 8 192).
    /// </summary>
    public const int MaxBlocks = TipSet.MaxBlocks;

    /// <summary>Writes the bundle (headers as their exact bytes).</summary>
    public void WriteTo(DagCborWriter writer)
    {
        writer.WriteArrayHeader(2);
        writer.WriteArrayHeader(Blocks.Length);
        foreach (BlockHeader block in Blocks)
        {
            block.WriteTo(writer);
        }

        if (Messages is null)
        {
            writer.WriteNull();
        }
        else
        {
            Messages.WriteTo(writer);
        }
    }

    /// <summary>Reads a bundle; objects keep slices of <paramref name="source"/>.</summary>
    public static TipSetBundle Read(ref DagCborReader reader, ReadOnlyMemory<byte> source)
    {
        reader.ReadArrayHeader(2, "BSTipSet");
        int start = reader.Position;
        int count = reader.ReadArrayHeader();
        if (count > MaxBlocks)
        {
            throw DagCborReader.Fail($"BSTipSet.Blocks: {count} items is more than {MaxBlocks}", start);
        }

        var blocks = new BlockHeader[count];
        for (int i = 0; i < count; i++)
        {
            blocks[i] = BlockHeader.Read(ref reader, source);
        }

        CompactedMessages? messages = reader.TryReadNull() ? null : CompactedMessages.Read(ref reader, source, MaxBlocks);
        return new TipSetBundle(ImmutableCollectionsMarshal.AsImmutableArray(blocks), messages);
    }
}
