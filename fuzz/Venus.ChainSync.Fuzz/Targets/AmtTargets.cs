using System.Numerics;
using Venus.ChainSync.Exchange;
using Venus.ChainSync.Fuzz.Harness;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Amt;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Fuzz.Targets;

/// <summary>
/// AMT v0, the structure behind a block's message lists: single nodes, roots, and whole trees collected through a
/// loader. The decoders document <see cref="DagCborException"/>; collecting documents it too, and
/// <see cref="KeyNotFoundException"/> for a node the loader does not have.
/// </summary>
internal static class AmtTargets
{
    /// <summary>First byte: the height the node must sit at (0 is a leaf); the rest: the node.</summary>
    public static void Node(ReadOnlyMemory<byte> input, AllocationMeter meter)
    {
        if (input.IsEmpty)
        {
            return;
        }

        int height = Math.Min((int)input.Span[0], AmtV0.MaxHeight);
        ReadOnlyMemory<byte> block = input[1..];
        AmtV0Node node;
        try
        {
            node = meter.Call(() => AmtV0Node.Decode(block, height));
        }
        catch (DagCborException)
        {
            return;
        }

        CheckNode(node, height);
    }

    public static void Root(ReadOnlyMemory<byte> input, AllocationMeter meter)
    {
        AmtV0Root root;
        try
        {
            root = meter.Call(() => AmtV0Root.Decode(input));
        }
        catch (DagCborException)
        {
            return;
        }

        CheckNode(root.Node, root.Height);
        RoundTrip.That(root.Count != 0 || root.Node.Bitmap == 0, "an AMT root that claims no values has a non-empty node");
    }

    /// <summary>
    /// The input is a sequence of DAG-CBOR items: the root block, then node blocks. The loader answers a CID with
    /// the block of that CID when the input has one (as the seeds do), and otherwise with the next block not handed
    /// out yet, so that mutated trees, whose links no longer match any hash, still reach their lower levels.
    /// </summary>
    public static void Collect(ReadOnlyMemory<byte> input, AllocationMeter meter)
    {
        List<ReadOnlyMemory<byte>> blocks = SplitItems(input);
        ReadOnlyMemory<byte> rootBlock = blocks.Count > 0 ? blocks[0] : input;
        var loader = new InputLoader(blocks.Skip(1));

        IReadOnlyList<AmtEntry> entries;
        AmtV0Root root;
        try
        {
            (root, entries) = meter.Call(() =>
            {
                loader.Reset();
                AmtV0Root decoded = AmtV0Root.Decode(rootBlock);
                IReadOnlyList<AmtEntry> collected = Synchronously.Complete(
                    decoded.CollectAsync(loader.LoadAsync, ExchangeProtocol.BlockMessageLimit, CancellationToken.None));
                return (decoded, collected);
            });
        }
        catch (Exception ex) when (ex is DagCborException or KeyNotFoundException)
        {
            return;
        }

        RoundTrip.That((ulong)entries.Count == root.Count, $"collected {entries.Count} values from a root that claims {root.Count}");
        for (int i = 0; i < entries.Count; i++)
        {
            RoundTrip.That(i == 0 || entries[i].Index > entries[i - 1].Index, $"AMT values out of index order at position {i}");
            CheckItem(entries[i].Value, $"AMT value {i}");
        }
    }

    private static void CheckNode(AmtV0Node node, int height)
    {
        int used = BitOperations.PopCount(node.Bitmap);
        RoundTrip.That(node.UsedSlots().Count() == used, "UsedSlots does not match the bitmap");
        RoundTrip.That(height == 0 ? node.Values.Length == used && node.Links.IsEmpty : node.Links.Length == used && node.Values.IsEmpty,
            $"an AMT node at height {height} with {used} used slots has {node.Links.Length} links and {node.Values.Length} values");
        for (int i = 0; i < node.Values.Length; i++)
        {
            CheckItem(node.Values[i], $"AMT node value {i}");
        }
    }

    /// <summary>A value is a slice of the input that the reader skipped as one item: it must be exactly one item.</summary>
    private static void CheckItem(ReadOnlyMemory<byte> value, string what)
    {
        try
        {
            DagCbor.Validate(value.Span);
        }
        catch (DagCborException ex)
        {
            throw new FuzzFailure($"{what} is not one whole DAG-CBOR item", ex);
        }
    }

    private static List<ReadOnlyMemory<byte>> SplitItems(ReadOnlyMemory<byte> input)
    {
        var items = new List<ReadOnlyMemory<byte>>();
        int start = 0;
        while (start < input.Length && TrySkipItem(input.Span[start..], out int length))
        {
            items.Add(input.Slice(start, length));
            start += length;
        }

        return items;
    }

    private static bool TrySkipItem(ReadOnlySpan<byte> data, out int length)
    {
        var reader = new DagCborReader(data);
        try
        {
            reader.SkipValue();
            length = reader.Position;
            return true;
        }
        catch (DagCborException)
        {
            length = 0;
            return false;
        }
    }

    /// <summary>A loader over the blocks of one input; synchronous, so collecting stays on the fuzzing thread.</summary>
    private sealed class InputLoader
    {
        private readonly ReadOnlyMemory<byte>[] _blocks;
        private readonly Dictionary<Cid, int> _byCid = [];
        private int _next;

        public InputLoader(IEnumerable<ReadOnlyMemory<byte>> blocks)
        {
            _blocks = [.. blocks];
            for (int i = 0; i < _blocks.Length; i++)
            {
                _byCid.TryAdd(Cid.ComputeDagCbor(_blocks[i].Span), i);
            }
        }

        public void Reset() => _next = 0;

        public ValueTask<ReadOnlyMemory<byte>?> LoadAsync(Cid cid, CancellationToken cancellationToken)
        {
            if (_byCid.TryGetValue(cid, out int index))
            {
                return ValueTask.FromResult<ReadOnlyMemory<byte>?>(_blocks[index]);
            }

            return ValueTask.FromResult<ReadOnlyMemory<byte>?>(_next < _blocks.Length ? _blocks[_next++] : null);
        }
    }
}
