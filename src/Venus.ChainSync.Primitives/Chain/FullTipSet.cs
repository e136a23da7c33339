using System.Collections.Immutable;

namespace Venus.ChainSync.Primitives;

/// <summary>A tipset with the messages of every block.</summary>
public sealed class FullTipSet
{
    private FullTipSet(TipSet tipSet, ImmutableArray<FullBlock> blocks)
    {
        TipSet = tipSet;
        Blocks = blocks;
    }

    /// <summary>The tipset.</summary>
    public TipSet TipSet { get; }

    /// <summary>The full blocks, in the tipset's canonical order.</summary>
    public ImmutableArray<FullBlock> Blocks { get; }

    /// <summary>The tipset key.</summary>
    public TipSetKey Key => TipSet.Key;

    /// <summary>The epoch.</summary>
    public long Height => TipSet.Height;

    /// <summary>Builds a full tipset from full blocks in any order (the headers must form a valid <see cref="Primitives.TipSet"/>).</summary>
    public static FullTipSet Create(IEnumerable<FullBlock> blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        FullBlock[] all = [.. blocks];
        TipSet tipSet = TipSet.Create(all.Select(b => b.Header));
        var byCid = all.ToDictionary(b => b.Cid);
        return new FullTipSet(tipSet, [.. tipSet.Blocks.Select(h => byCid[h.Cid])]);
    }

    /// <summary>
    /// Pairs an already-built <paramref name="tipSet"/> with its full blocks, given in the tipset's order, without
    /// building the tipset again.
    /// </summary>
    /// <exception cref="ArgumentException">The blocks are not the tipset's headers, in its order.</exception>
    public static FullTipSet Create(TipSet tipSet, IReadOnlyList<FullBlock> blocks)
    {
        ArgumentNullException.ThrowIfNull(tipSet);
        ArgumentNullException.ThrowIfNull(blocks);
        if (blocks.Count != tipSet.Blocks.Length)
        {
            throw new ArgumentException($"The tipset has {tipSet.Blocks.Length} blocks, not {blocks.Count}.", nameof(blocks));
        }

        for (int i = 0; i < blocks.Count; i++)
        {
            if (!ReferenceEquals(blocks[i].Header, tipSet.Blocks[i]) && blocks[i].Cid != tipSet.Blocks[i].Cid)
            {
                throw new ArgumentException($"Block {i} is not the tipset's block {i}.", nameof(blocks));
            }
        }

        return new FullTipSet(tipSet, [.. blocks]);
    }

    /// <summary>Whether every block's messages hash to its header's message root.</summary>
    public bool MessagesMatchHeaders() => Blocks.All(b => b.MessagesMatchHeader());
}
