using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Amt;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Fuzz.Seeds;

/// <summary>
/// AMT v0 trees built by <see cref="AmtV0"/>: a block's message lists, and trees of one to five levels with dense
/// and sparse indexes (one with a count of 300, so that the count has a two-byte head for the fuzzer to change). Each tree gives its root (<c>root-*</c>), its nodes with the height each sits at
/// (<c>node-*</c>), and the whole tree as the <c>amt-collect</c> target reads it (<c>tree-*</c>: the root, then the
/// nodes in the order collecting asks for them).
/// </summary>
internal static class AmtSeeds
{
    public static IEnumerable<(string Name, byte[] Bytes)> Build(FullBlock block)
    {
        AmtEntry[] messageCids = [.. block.BlsMessages.Select((m, i) => new AmtEntry((ulong)i, DagCbor.Encode(m.Cid, static (w, c) => w.WriteCid(c))))];
        AmtEntry[] Dense(int count) => [.. Enumerable.Range(0, count).Select(i => new AmtEntry((ulong)i, DagCbor.Encode(i, static (w, v) => w.WriteInt64(v))))];
        AmtEntry[] sparse = [new(0, new byte[] { 0xf5 }), new(70, new byte[] { 0x61, 0x61 }), new(600, new byte[] { 0x80 })];
        AmtEntry[] far = [new(5_000, DagCbor.Encode(block.Cid, static (w, c) => w.WriteCid(c)))];

        return Tree("messages", messageCids)
            .Concat(Tree("dense-9", Dense(9)))
            .Concat(Tree("dense-65", Dense(65)))
            .Concat(Tree("dense-300", Dense(300)))
            .Concat(Tree("sparse", sparse))
            .Concat(Tree("far", far));
    }

    private static IEnumerable<(string, byte[])> Tree(string name, AmtEntry[] entries)
    {
        var nodes = new Dictionary<Cid, byte[]>();
        byte[] root = AmtV0.EncodeRoot(entries, node => nodes[node.Cid] = node.Data.ToArray());
        yield return ("root-" + name, root);

        AmtV0Root decoded = AmtV0Root.Decode(root);
        var inOrder = new List<byte[]>();
        var heights = new List<int>();
        Walk(decoded.Node, decoded.Height, nodes, inOrder, heights);
        for (int i = 0; i < Math.Min(inOrder.Count, 3); i++)
        {
            yield return ($"node-{name}-{i}", [(byte)heights[i], .. inOrder[i]]);
        }

        yield return ("tree-" + name, [.. root, .. inOrder.SelectMany(n => n)]);
    }

    /// <summary>Depth first, slot order: the order <see cref="AmtV0Root.CollectAsync"/> loads nodes in.</summary>
    private static void Walk(AmtV0Node node, int height, Dictionary<Cid, byte[]> nodes, List<byte[]> inOrder, List<int> heights)
    {
        foreach (Cid link in node.Links)
        {
            byte[] child = nodes[link];
            inOrder.Add(child);
            heights.Add(height - 1);
            Walk(AmtV0Node.Decode(child, height - 1), height - 1, nodes, inOrder, heights);
        }
    }
}
