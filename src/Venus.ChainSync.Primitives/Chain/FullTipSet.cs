using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Venus.ChainSync.Primitives;

/// <summary>
/// A tipset with the messages of every block, each block's messages known to hash to its header's message root:
/// every factory checks that, so a <see cref="FullTipSet"/> cannot hold messages its headers do not commit to.
/// </summary>
/// <remarks>
/// Checking is one message-root computation per block (two AMT roots and a <see cref="MsgMeta"/> over the message
/// CIDs); code that receives a full tipset never needs to check it again.
/// </remarks>
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
    /// <exception cref="ArgumentException">The headers are not a valid tipset, or a block's messages do not match its message root.</exception>
    public static FullTipSet Create(IEnumerable<FullBlock> blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        FullBlock[] all = [.. blocks];
        TipSet tipSet = TipSet.Create(all.Select(b => b.Header));
        var byCid = all.ToDictionary(b => b.Cid);
        return Create(tipSet, [.. tipSet.Blocks.Select(h => byCid[h.Cid])]);
    }

    /// <summary>
    /// Pairs an already-built <paramref name="tipSet"/> with its full blocks, given in the tipset's order, without
    /// building the tipset again.
    /// </summary>
    /// <exception cref="ArgumentException">The blocks are not the tipset's headers in its order, or a block's messages do not match its message root.</exception>
    public static FullTipSet Create(TipSet tipSet, IReadOnlyList<FullBlock> blocks)
    {
        if (TryCreate(tipSet, blocks, out FullTipSet? full, out int mismatched))
        {
            return full;
        }

        throw new ArgumentException($"The messages of block {blocks[mismatched].Cid} do not hash to its message root.", nameof(blocks));
    }

    /// <summary>
    /// The one-block tipset of <paramref name="cids"/>' header with these messages, if their CIDs are exactly the
    /// checked ones, in order; the root is not hashed again (the check that made <paramref name="cids"/> did that).
    /// </summary>
    public static bool TryCreate(CheckedMessageCids cids, IReadOnlyList<Message> blsMessages, IReadOnlyList<SignedMessage> secpkMessages, [NotNullWhen(true)] out FullTipSet? full)
    {
        ArgumentNullException.ThrowIfNull(cids);
        ArgumentNullException.ThrowIfNull(blsMessages);
        ArgumentNullException.ThrowIfNull(secpkMessages);
        full = null;
        if (!SameCids(cids.BlsMessages, blsMessages, static m => m.Cid) || !SameCids(cids.SecpkMessages, secpkMessages, static m => m.Cid))
        {
            return false;
        }

        var block = new FullBlock(cids.Header, blsMessages, secpkMessages);
        full = new FullTipSet(TipSet.Create(cids.Header), [block]);
        return true;
    }

    /// <summary>
    /// Pairs <paramref name="tipSet"/> with its full blocks (in the tipset's order) if every block's messages hash to
    /// its header's message root; otherwise false, with the index of the first block that does not match.
    /// </summary>
    /// <exception cref="ArgumentException">The blocks are not the tipset's headers, in its order.</exception>
    public static bool TryCreate(TipSet tipSet, IReadOnlyList<FullBlock> blocks, [NotNullWhen(true)] out FullTipSet? full, out int mismatched)
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

        for (int i = 0; i < blocks.Count; i++)
        {
            if (!blocks[i].MessagesMatchHeader())
            {
                full = null;
                mismatched = i;
                return false;
            }
        }

        full = new FullTipSet(tipSet, [.. blocks]);
        mismatched = -1;
        return true;
    }

    private static bool SameCids<T>(ImmutableArray<Cid> expected, IReadOnlyList<T> items, Func<T, Cid> cidOf)
    {
        if (expected.Length != items.Count)
        {
            return false;
        }

        for (int i = 0; i < expected.Length; i++)
        {
            if (cidOf(items[i]) != expected[i])
            {
                return false;
            }
        }

        return true;
    }
}
