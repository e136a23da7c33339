using System.Collections.Immutable;
using System.Numerics;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Primitives.Amt;

/// <summary>
/// A decoded AMT v0 node: <c>[Bmap, Links, Values]</c>. A leaf holds values and no links; an inner node holds
/// links and no values; either way the bitmap has one bit per entry, in slot order.
/// </summary>
public sealed class AmtV0Node
{
    private AmtV0Node(byte bitmap, ImmutableArray<Cid> links, ImmutableArray<ReadOnlyMemory<byte>> values)
    {
        Bitmap = bitmap;
        Links = links;
        Values = values;
    }

    /// <summary>Bit <c>i</c> is set when slot <c>i</c> is used.</summary>
    public byte Bitmap { get; }

    /// <summary>Child node CIDs of the used slots (inner nodes).</summary>
    public ImmutableArray<Cid> Links { get; }

    /// <summary>Encoded values of the used slots (leaves).</summary>
    public ImmutableArray<ReadOnlyMemory<byte>> Values { get; }

    /// <summary>Slots used, in order.</summary>
    public IEnumerable<int> UsedSlots()
    {
        for (int slot = 0; slot < AmtV0.Width; slot++)
        {
            if ((Bitmap & (1 << slot)) != 0)
            {
                yield return slot;
            }
        }
    }

    /// <summary>Decodes a node block that must sit at <paramref name="height"/> (0 for a leaf).</summary>
    /// <exception cref="DagCborException">The bytes are not a well-formed node for that height.</exception>
    public static AmtV0Node Decode(ReadOnlyMemory<byte> data, int height)
    {
        var reader = new DagCborReader(data.Span);
        AmtV0Node node = Read(ref reader, data, height, isRoot: false);
        reader.ExpectEnd();
        return node;
    }

    /// <summary>
    /// Reads a node at the reader's position; value items are sliced from <paramref name="source"/>. Only a root
    /// node (<paramref name="isRoot"/>) may be empty.
    /// </summary>
    public static AmtV0Node Read(ref DagCborReader reader, ReadOnlyMemory<byte> source, int height, bool isRoot)
    {
        int start = reader.Position;
        reader.ReadArrayHeader(3, "AMT node");
        int bitmapAt = reader.Position;
        ReadOnlySpan<byte> bitmapBytes = reader.ReadByteString();
        if (bitmapBytes.Length != 1)
        {
            throw DagCborReader.Fail($"AMT node bitmap must be 1 byte for width 8, found {bitmapBytes.Length}", bitmapAt);
        }

        byte bitmap = bitmapBytes[0];
        int used = BitOperations.PopCount(bitmap);

        int linksAt = reader.Position;
        int linkCount = reader.ReadArrayHeader();
        if (linkCount != (height > 0 ? used : 0))
        {
            throw DagCborReader.Fail($"AMT node at height {height} has {linkCount} links for {used} used slots", linksAt);
        }

        var links = new Cid[linkCount];
        for (int i = 0; i < linkCount; i++)
        {
            links[i] = reader.ReadCid();
        }

        int valuesAt = reader.Position;
        int valueCount = reader.ReadArrayHeader();
        if (valueCount != (height == 0 ? used : 0))
        {
            throw DagCborReader.Fail($"AMT node at height {height} has {valueCount} values for {used} used slots", valuesAt);
        }

        var values = new ReadOnlyMemory<byte>[valueCount];
        for (int i = 0; i < valueCount; i++)
        {
            int valueStart = reader.Position;
            reader.SkipValue();
            values[i] = source[valueStart..reader.Position];
        }

        if (used == 0 && !isRoot)
        {
            // Only the root of an empty array may be an empty node; go-amt-ipld never writes one elsewhere.
            throw DagCborReader.Fail("empty AMT node below the root", start);
        }

        return new AmtV0Node(bitmap, [.. links], [.. values]);
    }
}

/// <summary>The root block of an AMT v0: <c>[Height, Count, Node]</c>.</summary>
public sealed class AmtV0Root
{
    private AmtV0Root(int height, ulong count, AmtV0Node node)
    {
        Height = height;
        Count = count;
        Node = node;
    }

    /// <summary>Height of the tree (0: the root node is a leaf).</summary>
    public int Height { get; }

    /// <summary>Number of values the root claims.</summary>
    public ulong Count { get; }

    /// <summary>The root node.</summary>
    public AmtV0Node Node { get; }

    /// <summary>Decodes a root block.</summary>
    /// <exception cref="DagCborException">The bytes are not a well-formed AMT v0 root.</exception>
    public static AmtV0Root Decode(ReadOnlyMemory<byte> data)
    {
        var reader = new DagCborReader(data.Span);
        reader.ReadArrayHeader(3, "AMT root");
        int heightAt = reader.Position;
        ulong height = reader.ReadUInt64();
        if (height > AmtV0.MaxHeight)
        {
            throw DagCborReader.Fail($"AMT height {height} is more than {AmtV0.MaxHeight}", heightAt);
        }

        ulong count = reader.ReadUInt64();
        int nodeAt = reader.Position;
        AmtV0Node node = AmtV0Node.Read(ref reader, data, (int)height, isRoot: true);
        reader.ExpectEnd();
        if (count == 0 && node.Bitmap != 0)
        {
            throw DagCborReader.Fail("AMT root claims no values but its node is not empty", nodeAt);
        }

        return new AmtV0Root((int)height, count, node);
    }

    /// <summary>
    /// Collects every value of the tree in index order, loading child nodes with <paramref name="load"/>
    /// (which returns null for a block it does not have). Collection stops with an error when a node is
    /// missing or malformed, or when more than <paramref name="maxEntries"/> values are found.
    /// </summary>
    /// <exception cref="DagCborException">A node is malformed, or the values found do not match <see cref="Count"/>.</exception>
    /// <exception cref="KeyNotFoundException">A node is missing.</exception>
    public async ValueTask<IReadOnlyList<AmtEntry>> CollectAsync(
        Func<Cid, CancellationToken, ValueTask<ReadOnlyMemory<byte>?>> load,
        int maxEntries,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(load);
        if (Count > (ulong)maxEntries)
        {
            throw new DagCborException($"AMT claims {Count} values, more than the {maxEntries} allowed", 0);
        }

        // Impossible counts fail at once; a possible one is still only a claim, so the list grows from what is read:
        // sizing it from Count let a 10-byte root claiming 10 000 values allocate 240 KB before failing.
        int indexBits = 3 * (Height + 1);
        if (indexBits < 64 && Count > 1UL << indexBits)
        {
            throw new DagCborException($"AMT root of height {Height} claims {Count} values, more than it can hold", 0);
        }

        var entries = new List<AmtEntry>(Math.Min((int)Count, AmtV0.Width));
        await CollectAsync(Node, Height, 0, load, entries, maxEntries, cancellationToken).ConfigureAwait(false);
        if ((ulong)entries.Count != Count)
        {
            throw new DagCborException($"AMT root claims {Count} values but holds {entries.Count}", 0);
        }

        return entries;
    }

    private static async ValueTask CollectAsync(
        AmtV0Node node,
        int height,
        ulong firstIndex,
        Func<Cid, CancellationToken, ValueTask<ReadOnlyMemory<byte>?>> load,
        List<AmtEntry> entries,
        int maxEntries,
        CancellationToken cancellationToken)
    {
        int i = 0;
        foreach (int slot in node.UsedSlots())
        {
            if (height == 0)
            {
                if (entries.Count >= maxEntries)
                {
                    throw new DagCborException($"AMT holds more than the {maxEntries} values allowed", 0);
                }

                entries.Add(new AmtEntry(firstIndex + (ulong)slot, node.Values[i++]));
                continue;
            }

            Cid link = node.Links[i++];
            if (!TryChildFirstIndex(firstIndex, slot, height, out ulong childFirst))
            {
                throw new DagCborException($"AMT slot {slot} at height {height} addresses indexes beyond 2^64", 0);
            }

            cancellationToken.ThrowIfCancellationRequested();
            ReadOnlyMemory<byte> block = await load(link, cancellationToken).ConfigureAwait(false)
                ?? throw new KeyNotFoundException($"AMT node {link} is missing");
            AmtV0Node child = AmtV0Node.Decode(block, height - 1);
            await CollectAsync(child, height - 1, childFirst, load, entries, maxEntries, cancellationToken).ConfigureAwait(false);
        }
    }

    // At the top height only the low slots address 64-bit indexes; a hostile tree could use the others, whose
    // indexes would silently wrap around.
    private static bool TryChildFirstIndex(ulong firstIndex, int slot, int height, out ulong childFirst)
    {
        int shift = 3 * height;
        ulong offset = (ulong)slot << shift;
        childFirst = firstIndex + offset;
        return offset >> shift == (ulong)slot && childFirst >= firstIndex;
    }
}
