using System.Buffers;
using System.Numerics;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Primitives.Amt;

/// <summary>A node of an AMT v0 built by <see cref="AmtV0"/>, handed to a sink when the caller wants the nodes written.</summary>
/// <param name="Cid">The node's CID.</param>
/// <param name="Data">The node's exact encoding.</param>
public readonly record struct AmtNodeBlock(Cid Cid, ReadOnlyMemory<byte> Data);

/// <summary>
/// The array-mapped trie of go-amt-ipld v2 (specs-actors v0), bit width 3: the structure of a block's message
/// lists. Root = <c>[Height, Count, Node]</c>; Node = <c>[Bmap (1 byte), Links [CID], Values [any]]</c>; leaves
/// (height 0) hold values, inner nodes hold links to child nodes, each a separate block.
/// </summary>
/// <remarks>
/// Building computes every node's CID in memory and writes nothing unless a sink is given, so checking a
/// message root never touches a store.
/// </remarks>
public static class AmtV0
{
    /// <summary>Slots per node (2^3).</summary>
    public const int Width = 8;

    /// <summary>Deepest tree accepted: 8^22 exceeds every 64-bit index.</summary>
    public const int MaxHeight = 21;

    /// <summary>The root CID of an AMT whose values are <paramref name="cids"/> at indexes 0…n-1 (a message list).</summary>
    public static Cid ComputeRoot(IReadOnlyList<Cid> cids, Action<AmtNodeBlock>? nodeSink = null)
    {
        ArgumentNullException.ThrowIfNull(cids);
        var values = new ReadOnlyMemory<byte>[cids.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = DagCbor.Encode(cids[i], static (w, c) => w.WriteCid(c));
        }

        return ComputeRootOfEncoded(values, nodeSink);
    }

    /// <summary>
    /// The root CID of an AMT whose values are the already-encoded CBOR items <paramref name="encodedValues"/> at
    /// indexes 0…n-1. Each value must be one strict DAG-CBOR item; it is copied into the nodes as is.
    /// </summary>
    public static Cid ComputeRootOfEncoded(IReadOnlyList<ReadOnlyMemory<byte>> encodedValues, Action<AmtNodeBlock>? nodeSink = null)
    {
        ArgumentNullException.ThrowIfNull(encodedValues);
        var entries = new AmtEntry[encodedValues.Count];
        for (int i = 0; i < entries.Length; i++)
        {
            entries[i] = new AmtEntry((ulong)i, encodedValues[i]);
        }

        return ComputeRoot(entries, nodeSink);
    }

    /// <summary>
    /// The root CID of an AMT holding <paramref name="entries"/> (indexes strictly increasing; gaps allowed).
    /// </summary>
    public static Cid ComputeRoot(ReadOnlySpan<AmtEntry> entries, Action<AmtNodeBlock>? nodeSink = null)
    {
        byte[] root = EncodeRoot(entries, nodeSink);
        Cid cid = Cid.ComputeDagCbor(root);
        nodeSink?.Invoke(new AmtNodeBlock(cid, root));
        return cid;
    }

    /// <summary>The exact encoding of the root block of an AMT holding <paramref name="entries"/>.</summary>
    public static byte[] EncodeRoot(ReadOnlySpan<AmtEntry> entries, Action<AmtNodeBlock>? nodeSink = null)
    {
        for (int i = 1; i < entries.Length; i++)
        {
            if (entries[i].Index <= entries[i - 1].Index)
            {
                throw new ArgumentException("AMT indexes must be strictly increasing.", nameof(entries));
            }
        }

        int height = entries.IsEmpty ? 0 : HeightFor(entries[^1].Index);
        var output = new ArrayBufferWriter<byte>(256);
        var writer = new DagCborWriter(output);
        writer.WriteArrayHeader(3);
        writer.WriteUInt64((ulong)height);
        writer.WriteUInt64((ulong)entries.Length);
        WriteNode(writer, entries, height, 0, nodeSink);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Smallest height whose tree spans index <paramref name="maxIndex"/>.</summary>
    internal static int HeightFor(ulong maxIndex)
    {
        int height = 0;
        // A node at height h spans 8^(h+1) indexes.
        while (height < MaxHeight && maxIndex >> (3 * (height + 1)) != 0)
        {
            height++;
        }

        return height;
    }

    private static void WriteNode(DagCborWriter writer, ReadOnlySpan<AmtEntry> entries, int height, ulong firstIndex, Action<AmtNodeBlock>? nodeSink)
    {
        writer.WriteArrayHeader(3);
        if (height == 0)
        {
            byte bitmap = 0;
            foreach (AmtEntry entry in entries)
            {
                bitmap |= (byte)(1 << (int)(entry.Index - firstIndex));
            }

            writer.WriteByteString([bitmap]);
            writer.WriteArrayHeader(0);
            writer.WriteArrayHeader(entries.Length);
            foreach (AmtEntry entry in entries)
            {
                writer.WriteRaw(entry.Value.Span);
            }

            return;
        }

        // Each child of a node at height h spans 8^h indexes.
        int shift = 3 * height;
        Span<Cid> links = new Cid[Width];
        byte childMap = 0;
        int start = 0;
        while (start < entries.Length)
        {
            int slot = (int)((entries[start].Index - firstIndex) >> shift);
            int end = start + 1;
            while (end < entries.Length && (int)((entries[end].Index - firstIndex) >> shift) == slot)
            {
                end++;
            }

            ulong childFirst = firstIndex + ((ulong)slot << shift);
            var childOutput = new ArrayBufferWriter<byte>(512);
            WriteNode(new DagCborWriter(childOutput), entries[start..end], height - 1, childFirst, nodeSink);
            byte[] childBytes = childOutput.WrittenSpan.ToArray();
            Cid childCid = Cid.ComputeDagCbor(childBytes);
            nodeSink?.Invoke(new AmtNodeBlock(childCid, childBytes));
            links[slot] = childCid;
            childMap |= (byte)(1 << slot);
            start = end;
        }

        writer.WriteByteString([childMap]);
        writer.WriteArrayHeader(BitOperations.PopCount(childMap));
        for (int slot = 0; slot < Width; slot++)
        {
            if ((childMap & (1 << slot)) != 0)
            {
                writer.WriteCid(links[slot]);
            }
        }

        writer.WriteArrayHeader(0);
    }
}

/// <summary>One value of an AMT: its index and its exact CBOR encoding.</summary>
/// <param name="Index">Position in the array.</param>
/// <param name="Value">The value's encoded CBOR item.</param>
public readonly record struct AmtEntry(ulong Index, ReadOnlyMemory<byte> Value);
