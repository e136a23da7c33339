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
    /// Most blocks a tipset may hold: 32. Filecoin has no hard cap, but a tipset holds at most one block per winning
    /// miner, and the number of winners per epoch is about Poisson-distributed with mean 5
    /// (<c>ExpectedLeadersPerEpoch</c>, go-state-types <c>builtin</c>), so 32 or more happens with probability below
    /// 10^-15 per epoch. F3 already refuses to finalise a tipset of more than 20 blocks (go-f3 <c>gpbft</c>
    /// <c>TipsetKeyMaxLen = 20 * CidMaxLen</c>, "an impossibly-unlikely number of blocks"); 32 stays above that, so this
    /// library is never the stricter party, while a peer can no longer make one tipset cost thousands of blocks of work
    /// (decoding allows 8 192, cbor-gen's list bound).
    /// </summary>
    public const int MaxBlocks = 32;

    /// <summary>
    /// Builds a tipset from blocks in any order, in O(n log n): one ticket hash per block, one sort, and duplicates
    /// found as neighbours in the sorted order.
    /// </summary>
    /// <remarks>
    /// Every block needs a ticket, even the only block of a tipset: Lotus's <c>types.NewTipSet</c> refuses a block
    /// without one, so a one-block tipset without a ticket is one no Lotus node would ever build, and accepting it
    /// would let a peer feed us a chain that Lotus rejects. Genesis is no exception: the mainnet and calibration
    /// genesis headers both carry a ticket (Lotus's genesis builder gives it one).
    /// </remarks>
    /// <exception cref="ArgumentException">No blocks, more than <see cref="MaxBlocks"/>, a repeated block, blocks of
    /// different heights or parents, or a block without a ticket.</exception>
    public static TipSet Create(IEnumerable<BlockHeader> blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        BlockHeader[] sorted = [.. blocks];
        if (sorted.Length == 0)
        {
            throw new ArgumentException("A tipset needs at least one block.", nameof(blocks));
        }

        if (sorted.Length > MaxBlocks)
        {
            throw new ArgumentException($"A tipset holds at most {MaxBlocks} blocks, not {sorted.Length}.", nameof(blocks));
        }

        BlockHeader first = sorted[0];
        ArgumentNullException.ThrowIfNull(first, nameof(blocks));
        foreach (BlockHeader block in sorted)
        {
            ArgumentNullException.ThrowIfNull(block, nameof(blocks));
            if (block.Height != first.Height)
            {
                throw new ArgumentException($"Blocks of a tipset share one height: {block.Height} differs from {first.Height}.", nameof(blocks));
            }

            if (block.Parents != first.Parents)
            {
                throw new ArgumentException("Blocks of a tipset share the same parents.", nameof(blocks));
            }

            if (block.Ticket is null)
            {
                throw new ArgumentException($"Block {block.Cid} has no ticket; every block of a tipset needs one.", nameof(blocks));
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

    // Each block's ticket hash is computed once, into one buffer, then blocks are sorted with their hashes as keys
    // (the BCL's introsort, which is an insertion sort for the handful of blocks a real tipset has). Two copies of one
    // block have the same ticket and CID, so they compare equal and end up side by side: one pass finds them.
    private static void SortCanonical(BlockHeader[] blocks)
    {
        var hashes = new byte[blocks.Length * 32];
        var keys = new OrderKey[blocks.Length];
        for (int i = 0; i < blocks.Length; i++)
        {
            Blake2b.Hash256(blocks[i].Ticket!.Value.VrfProof.Span, hashes.AsSpan(i * 32, 32));
            keys[i] = new OrderKey(hashes, i * 32, blocks[i]);
        }

        keys.AsSpan().Sort();
        for (int i = 0; i < blocks.Length; i++)
        {
            if (i > 0 && keys[i].CompareTo(keys[i - 1]) == 0)
            {
                throw new ArgumentException($"Block {keys[i].Block.Cid} appears twice.", nameof(blocks));
            }

            blocks[i] = keys[i].Block;
        }
    }

    /// <summary>A block's place in canonical order: the blake2b-256 of its ticket's VRF proof, then its CID.</summary>
    private readonly struct OrderKey(byte[] hashes, int offset, BlockHeader block) : IComparable<OrderKey>
    {
        private ReadOnlySpan<byte> TicketHash => hashes.AsSpan(offset, 32);

        public int CompareTo(OrderKey other)
        {
            int byTicket = TicketHash.SequenceCompareTo(other.TicketHash);
            return byTicket != 0 ? byTicket : block.Cid.CompareTo(other.Block.Cid);
        }

        public BlockHeader Block => block;
    }
}
