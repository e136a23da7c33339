using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Amt;
using Venus.ChainSync.Primitives.Car;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Fuzz.Seeds;

/// <summary>
/// Seeds cut from the real mainnet genesis CAR (1.1 MB, too big to be a seed itself): the multi-level AMT v0 roots
/// of the genesis state and nodes below them, small state blocks for the generic reader, the CIDs of every kind the
/// archive holds, and a small CAR of the genesis header with the blocks around it.
/// </summary>
internal static class GenesisSeeds
{
    private const int AmtRoots = 5;
    private const int AmtNodesPerLevel = 2;
    private const int SmallStateBlocks = 12;

    public static async Task WriteAsync(string vectors, SeedSink sink)
    {
        var blocks = new Dictionary<Cid, Block>();
        var order = new List<Block>();
        IReadOnlyList<Cid> roots;
        await using (CarReader reader = await CarReader.OpenFileAsync(Path.Combine(vectors, "genesis", "mainnet.car"), new CarReaderOptions { VerifyHashes = true }))
        {
            roots = reader.Roots;
            await foreach (Block block in reader.ReadBlocksAsync())
            {
                blocks.TryAdd(block.Cid, block);
                order.Add(block);
            }
        }

        List<Block> amtBlocks = WriteAmt(blocks, order, sink);
        WriteStateBlocks(order, sink);
        WriteCids(order, sink);

        // The header, its message meta, the empty AMT it names, the genesis parent (the one sha2-256 block), the
        // identity-hash actor code blocks, and one AMT root with a few nodes: a few KB with every CID kind.
        BlockHeader header = BlockHeader.Decode(blocks[roots[0]].Data);
        var small = new List<Block> { blocks[roots[0]] };
        AddIfPresent(small, blocks, header.Messages);
        AddIfPresent(small, blocks, header.ParentMessageReceipts);
        small.AddRange(order.Where(b => b.Cid.Multihash.Code is MultihashCode.Sha2_256 or MultihashCode.Identity));
        small.AddRange(amtBlocks.Take(4));
        CarFiles.AddPlainAndCompressed(sink, "genesis-small", await CarFiles.WriteAsync(roots, small.DistinctBy(b => b.Cid)));
    }

    private static List<Block> WriteAmt(Dictionary<Cid, Block> blocks, List<Block> order, SeedSink sink)
    {
        var taken = new List<Block>();
        int rootCount = 0;
        foreach (Block block in order)
        {
            if (rootCount == AmtRoots || !TryDecodeRoot(block, out AmtV0Root? root) || root.Height == 0)
            {
                continue;
            }

            sink.Add("amt-root", $"genesis-{rootCount}", block.Data.Span);
            taken.Add(block);

            // Down the first links of each level: inner nodes and leaves, each with the height it sits at.
            IEnumerable<Cid> level = root.Node.Links.Take(AmtNodesPerLevel);
            for (int height = root.Height - 1; height >= 0; height--)
            {
                var next = new List<Cid>();
                int index = 0;
                foreach (Cid link in level)
                {
                    if (!blocks.TryGetValue(link, out Block child))
                    {
                        continue;
                    }

                    sink.Add("amt-node", $"genesis-{rootCount}-h{height}-{index++}", [(byte)height, .. child.Data.Span]);
                    taken.Add(child);
                    next.AddRange(AmtV0Node.Decode(child.Data, height).Links.Take(1));
                }

                level = next;
            }

            rootCount++;
        }

        return taken;
    }

    private static bool TryDecodeRoot(Block block, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out AmtV0Root? root)
    {
        try
        {
            root = block.Cid.Codec == Multicodec.DagCbor ? AmtV0Root.Decode(block.Data) : null;
            return root is not null;
        }
        catch (DagCborException)
        {
            root = null;
            return false;
        }
    }

    /// <summary>Small state objects (HAMT nodes, actor states): shapes the chain objects do not have.</summary>
    private static void WriteStateBlocks(List<Block> order, SeedSink sink)
    {
        int i = 0;
        foreach (Block block in order.Where(b => b.Cid.Codec == Multicodec.DagCbor && b.Data.Length is > 8 and < 1024).Take(SmallStateBlocks))
        {
            sink.Add("cbor", $"genesis-state-{i++}", block.Data.Span);
        }
    }

    /// <summary>One CID of each kind the archive holds (codec and hash function), as bytes and as text.</summary>
    private static void WriteCids(List<Block> order, SeedSink sink)
    {
        foreach (Block block in order.DistinctBy(b => (b.Cid.Codec, b.Cid.Multihash.Code)))
        {
            string name = $"genesis-{block.Cid.Codec:x}-{block.Cid.Multihash.Code:x}";
            sink.Add("cid-bytes", name, block.Cid.Bytes);
            sink.AddText("cid-text", name, block.Cid.ToString());
        }
    }

    private static void AddIfPresent(List<Block> list, Dictionary<Cid, Block> blocks, Cid cid)
    {
        if (blocks.TryGetValue(cid, out Block block))
        {
            list.Add(block);
        }
    }
}
