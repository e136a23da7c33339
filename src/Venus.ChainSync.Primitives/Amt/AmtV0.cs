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
        return ComputeRootCid(new CidValues(cids), nodeSink);
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
        CheckIncreasing(entries);
        return ComputeRootCid(new EntryValues(entries.ToArray()), nodeSink);
    }

    /// <summary>The exact encoding of the root block of an AMT holding <paramref name="entries"/>.</summary>
    public static byte[] EncodeRoot(ReadOnlySpan<AmtEntry> entries, Action<AmtNodeBlock>? nodeSink = null)
    {
        CheckIncreasing(entries);
        Scratch scratch = Scratch.Rent();
        try
        {
            return EncodeRootInto(new EntryValues(entries.ToArray()), nodeSink, scratch).ToArray();
        }
        finally
        {
            Scratch.Return(scratch);
        }
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

    private static void CheckIncreasing(ReadOnlySpan<AmtEntry> entries)
    {
        for (int i = 1; i < entries.Length; i++)
        {
            if (entries[i].Index <= entries[i - 1].Index)
            {
                throw new ArgumentException("AMT indexes must be strictly increasing.", nameof(entries));
            }
        }
    }

    private static Cid ComputeRootCid<TValues>(TValues values, Action<AmtNodeBlock>? nodeSink)
        where TValues : IAmtValues
    {
        Scratch scratch = Scratch.Rent();
        try
        {
            ReadOnlySpan<byte> root = EncodeRootInto(values, nodeSink, scratch);
            Cid cid = Cid.ComputeDagCbor(root);
            nodeSink?.Invoke(new AmtNodeBlock(cid, root.ToArray()));
            return cid;
        }
        finally
        {
            Scratch.Return(scratch);
        }
    }

    private static ReadOnlySpan<byte> EncodeRootInto<TValues>(TValues values, Action<AmtNodeBlock>? nodeSink, Scratch scratch)
        where TValues : IAmtValues
    {
        int count = values.Count;
        int height = count == 0 ? 0 : HeightFor(values.IndexAt(count - 1));
        var builder = new Builder<TValues>(values, nodeSink, scratch);
        ArrayBufferWriter<byte> output = scratch.Level(height);
        var writer = new DagCborWriter(output);
        writer.WriteArrayHeader(3);
        writer.WriteUInt64((ulong)height);
        writer.WriteUInt64((ulong)count);
        builder.WriteNode(writer, 0, count, height, 0);
        return output.WrittenSpan;
    }

    /// <summary>
    /// One encoding buffer per tree level, kept per thread between calls so that checking message roots does not
    /// allocate buffers again for every block. Renting takes the thread's set, so a sink that builds another tree
    /// from inside a callback gets a fresh set rather than this one.
    /// </summary>
    private sealed class Scratch
    {
        [ThreadStatic]
        private static Scratch? t_cached;

        private readonly List<ArrayBufferWriter<byte>> _levels = [];

        public static Scratch Rent()
        {
            Scratch scratch = t_cached ?? new Scratch();
            t_cached = null;
            return scratch;
        }

        public static void Return(Scratch scratch) => t_cached = scratch;

        /// <summary>The buffer of <paramref name="level"/>, emptied.</summary>
        public ArrayBufferWriter<byte> Level(int level)
        {
            while (_levels.Count <= level)
            {
                _levels.Add(new ArrayBufferWriter<byte>(512));
            }

            ArrayBufferWriter<byte> buffer = _levels[level];
            buffer.ResetWrittenCount();
            return buffer;
        }
    }

    /// <summary>The values of a tree under construction, by position.</summary>
    private interface IAmtValues
    {
        int Count { get; }

        ulong IndexAt(int position);

        void WriteValue(DagCborWriter writer, int position);
    }

    private readonly struct CidValues(IReadOnlyList<Cid> cids) : IAmtValues
    {
        public int Count => cids.Count;

        public ulong IndexAt(int position) => (ulong)position;

        public void WriteValue(DagCborWriter writer, int position) => writer.WriteCid(cids[position]);
    }

    private readonly struct EntryValues(AmtEntry[] entries) : IAmtValues
    {
        public int Count => entries.Length;

        public ulong IndexAt(int position) => entries[position].Index;

        public void WriteValue(DagCborWriter writer, int position) => writer.WriteRaw(entries[position].Value.Span);
    }

    /// <summary>
    /// Encodes nodes bottom-up. Each height has one scratch buffer, reused for every node of that height: a node is
    /// encoded, hashed and (only when a sink wants it) copied before its next sibling is encoded.
    /// </summary>
    private readonly struct Builder<TValues>(TValues values, Action<AmtNodeBlock>? nodeSink, Scratch scratch)
        where TValues : IAmtValues
    {

        public void WriteNode(DagCborWriter writer, int start, int end, int nodeHeight, ulong firstIndex)
        {
            writer.WriteArrayHeader(3);
            if (nodeHeight == 0)
            {
                byte bitmap = 0;
                for (int i = start; i < end; i++)
                {
                    bitmap |= (byte)(1 << (int)(values.IndexAt(i) - firstIndex));
                }

                writer.WriteByteString([bitmap]);
                writer.WriteArrayHeader(0);
                writer.WriteArrayHeader(end - start);
                for (int i = start; i < end; i++)
                {
                    values.WriteValue(writer, i);
                }

                return;
            }

            // Each child of a node at height h spans 8^h indexes.
            int shift = 3 * nodeHeight;
            var links = new Cid[Width];
            byte childMap = 0;
            int childStart = start;
            ArrayBufferWriter<byte> childBuffer = scratch.Level(nodeHeight - 1);
            while (childStart < end)
            {
                int slot = (int)((values.IndexAt(childStart) - firstIndex) >> shift);
                int childEnd = childStart + 1;
                while (childEnd < end && (int)((values.IndexAt(childEnd) - firstIndex) >> shift) == slot)
                {
                    childEnd++;
                }

                childBuffer.ResetWrittenCount();
                WriteNode(new DagCborWriter(childBuffer), childStart, childEnd, nodeHeight - 1, firstIndex + ((ulong)slot << shift));
                Cid childCid = Cid.ComputeDagCbor(childBuffer.WrittenSpan);
                nodeSink?.Invoke(new AmtNodeBlock(childCid, childBuffer.WrittenSpan.ToArray()));
                links[slot] = childCid;
                childMap |= (byte)(1 << slot);
                childStart = childEnd;
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
}

/// <summary>One value of an AMT: its index and its exact CBOR encoding.</summary>
/// <param name="Index">Position in the array.</param>
/// <param name="Value">The value's encoded CBOR item.</param>
public readonly record struct AmtEntry(ulong Index, ReadOnlyMemory<byte> Value);
