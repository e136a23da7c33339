using System.Collections.Immutable;
using System.Numerics;
using System.Runtime.InteropServices;
using Venus.ChainSync.Primitives.Hashing;

namespace Venus.ChainSync.Primitives;

/// <summary>
/// A tipset: one or more blocks of the same height with the same parents, in canonical order (by blake2b-256 of
/// the ticket's VRF proof, ties broken by block CID bytes).
/// </summary>
/// <remarks>Only the <c>Create</c> factories build one, and only from blocks that form a valid tipset.</remarks>
public sealed class TipSet : IEquatable<TipSet>
{
    private TipSet(ImmutableArray<BlockHeader> blocks)
    {
        Blocks = blocks;
        var cids = new Cid[blocks.Length];
        for (int i = 0; i < cids.Length; i++)
        {
            cids[i] = blocks[i].Cid;
        }

        Key = TipSetKey.FromOrdered(cids);
    }

    /// <summary>The blocks, in canonical order.</summary>
    public ImmutableArray<BlockHeader> Blocks { get; }

    /// <summary>The key: the block CIDs in canonical order.</summary>
    public TipSetKey Key { get; }

    /// <summary>The epoch of every block.</summary>
    public long Height => Blocks[0].Height;

    /// <summary>The parents every block shares.</summary>
    public TipSetKey Parents => Blocks[0].Parents;

    /// <summary>Weight of the parent tipset, as the first block states it.</summary>
    public BigInteger ParentWeight => Blocks[0].ParentWeight;

    /// <summary>State root after the parent tipset, as the first block states it.</summary>
    public Cid ParentStateRoot => Blocks[0].ParentStateRoot;

    /// <summary>Smallest block timestamp.</summary>
    public ulong MinTimestamp => Blocks.Min(b => b.Timestamp);

    /// <summary>The block with the smallest ticket (the first block).</summary>
    public BlockHeader MinTicketBlock => Blocks[0];

    /// <summary>
    /// Builds a tipset from blocks in any order.
    /// </summary>
    /// <exception cref="ArgumentException">No blocks, a repeated block, blocks of different heights or parents, or
    /// several blocks of which one lacks a ticket.</exception>
    public static TipSet Create(IEnumerable<BlockHeader> blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        BlockHeader[] sorted = [.. blocks];
        if (sorted.Length == 0)
        {
            throw new ArgumentException("A tipset needs at least one block.", nameof(blocks));
        }

        BlockHeader first = sorted[0];
        for (int n = 0; n < sorted.Length; n++)
        {
            BlockHeader block = sorted[n];
            ArgumentNullException.ThrowIfNull(block, nameof(blocks));
            if (block.Height != first.Height)
            {
                throw new ArgumentException($"Blocks of a tipset share one height: {block.Height} differs from {first.Height}.", nameof(blocks));
            }

            if (block.Parents != first.Parents)
            {
                throw new ArgumentException("Blocks of a tipset share the same parents.", nameof(blocks));
            }

            // Tipsets hold a handful of blocks, so a pairwise check is cheaper than a set.
            for (int m = 0; m < n; m++)
            {
                if (sorted[m].Cid == block.Cid)
                {
                    throw new ArgumentException($"Block {block.Cid} appears twice.", nameof(blocks));
                }
            }

            if (sorted.Length > 1 && block.Ticket is null)
            {
                throw new ArgumentException($"Block {block.Cid} has no ticket, so it cannot be ordered in a tipset.", nameof(blocks));
            }
        }

        if (sorted.Length > 1)
        {
            SortCanonical(sorted);
        }

        return new TipSet(ImmutableCollectionsMarshal.AsImmutableArray(sorted));
    }

    /// <summary>Builds a tipset from blocks in any order.</summary>
    public static TipSet Create(params ReadOnlySpan<BlockHeader> blocks) => Create((IEnumerable<BlockHeader>)blocks.ToArray());

    /// <summary>Whether this tipset is a child of <paramref name="parent"/>: its parents are that key and it is higher.</summary>
    public bool IsChildOf(TipSet parent)
    {
        ArgumentNullException.ThrowIfNull(parent);
        return Parents == parent.Key && Height > parent.Height;
    }

    /// <inheritdoc/>
    public bool Equals(TipSet? other) => other is not null && Key == other.Key;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as TipSet);

    /// <inheritdoc/>
    public override int GetHashCode() => Key.GetHashCode();

    /// <inheritdoc/>
    public override string ToString() => $"TipSet @{Height} {Key}";

    // An insertion sort keyed by each ticket's hash, computed once per block (not once per comparison): tipsets are
    // a handful of blocks, for which this beats a general sort and allocates one small buffer.
    private static void SortCanonical(BlockHeader[] blocks)
    {
        var hashes = new byte[blocks.Length * 32];
        for (int i = 0; i < blocks.Length; i++)
        {
            Blake2b.Hash256(blocks[i].Ticket!.Value.VrfProof.Span, hashes.AsSpan(i * 32, 32));
        }

        Span<byte> keyHash = stackalloc byte[32];
        for (int i = 1; i < blocks.Length; i++)
        {
            BlockHeader key = blocks[i];
            hashes.AsSpan(i * 32, 32).CopyTo(keyHash);
            int j = i - 1;
            while (j >= 0 && Compare(hashes.AsSpan(j * 32, 32), blocks[j], keyHash, key) > 0)
            {
                blocks[j + 1] = blocks[j];
                hashes.AsSpan(j * 32, 32).CopyTo(hashes.AsSpan((j + 1) * 32, 32));
                j--;
            }

            blocks[j + 1] = key;
            keyHash.CopyTo(hashes.AsSpan((j + 1) * 32, 32));
        }
    }

    private static int Compare(ReadOnlySpan<byte> hashA, BlockHeader a, ReadOnlySpan<byte> hashB, BlockHeader b)
    {
        int byTicket = hashA.SequenceCompareTo(hashB);
        return byTicket != 0 ? byTicket : a.Cid.CompareTo(b.Cid);
    }
}
