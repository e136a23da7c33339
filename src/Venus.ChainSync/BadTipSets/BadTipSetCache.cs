using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync;

/// <summary>Why a block is known to be bad, and since when.</summary>
/// <param name="Block">The bad block.</param>
/// <param name="Reason">Why it is bad.</param>
/// <param name="MarkedAt">When it was marked (from the cache's <see cref="TimeProvider"/>).</param>
/// <param name="Origin">
/// The bad block this one is bad because of (it descends from it, or shares a tipset with it), as Lotus's
/// <c>BadBlockReason.LinkedWith</c>; <c>null</c> when the block is bad in itself.
/// </param>
public sealed record BadTipSetEntry(Cid Block, string Reason, DateTimeOffset MarkedAt, Cid? Origin)
{
    /// <summary>The reason, with the block it descends from when there is one.</summary>
    public override string ToString() =>
        Origin is { } origin ? $"{Reason} (linked to bad block {origin})" : Reason;
}

/// <summary>
/// The blocks known to be bad, each with a reason: a bounded least-recently-used cache keyed by block CID, as Lotus's
/// bad block cache (<c>chain/badtscache.go</c>) and Venus's bad tipset cache.
/// </summary>
/// <remarks>
/// <para>Only permanent failures belong here (a wrong signature, a state root that does not match): a block that
/// merely cannot be checked now must not be marked, or it would be refused for good.</para>
/// <para>Bounded: once <see cref="Capacity"/> blocks are held, marking another drops the least recently used one
/// (marked, or looked up with <see cref="TryGet"/> or <see cref="Check"/>, longest ago). Lotus uses an ARC cache of
/// the same size; an LRU keeps the same bound with a simpler, predictable eviction order.</para>
/// <para>Every operation is O(1) and thread-safe (one lock); <see cref="Snapshot"/> copies under the lock, so nothing
/// live leaves it.</para>
/// </remarks>
public sealed class BadTipSetCache
{
    /// <summary>
    /// Blocks held by default: 32 768, Lotus's <c>BadBlockCacheSize = 1 &lt;&lt; 15</c> (<c>build/params_shared_vals.go</c>),
    /// the size Forest's bad block cache also uses.
    /// </summary>
    public const int DefaultCapacity = 1 << 15;

    private readonly Lock _lock = new();
    private readonly Dictionary<Cid, LinkedListNode<BadTipSetEntry>> _index;

    // Most recently used first; eviction takes the last node.
    private readonly LinkedList<BadTipSetEntry> _order = new();
    private readonly TimeProvider _time;

    /// <summary>Creates an empty cache.</summary>
    /// <param name="capacity">Most blocks held (at least 1; default <see cref="DefaultCapacity"/>).</param>
    /// <param name="timeProvider">The clock entries are stamped with (default <see cref="TimeProvider.System"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is less than 1.</exception>
    public BadTipSetCache(int capacity = DefaultCapacity, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _time = timeProvider ?? TimeProvider.System;

        // Start small: a healthy node marks few blocks, so the full capacity is rarely needed.
        _index = new Dictionary<Cid, LinkedListNode<BadTipSetEntry>>(Math.Min(capacity, 64));
    }

    /// <summary>Most blocks held.</summary>
    public int Capacity { get; }

    /// <summary>Blocks held now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _index.Count;
            }
        }
    }

    /// <summary>
    /// Marks <paramref name="block"/> bad for <paramref name="reason"/>, replacing any earlier entry for it, and makes
    /// it the most recently used. Drops the least recently used entry when the cache is full.
    /// </summary>
    /// <param name="block">The bad block.</param>
    /// <param name="reason">Why it is bad.</param>
    /// <param name="origin">The bad block it is bad because of, if it is not bad in itself.</param>
    /// <returns>The entry stored.</returns>
    public BadTipSetEntry Mark(Cid block, string reason, Cid? origin = null)
    {
        ArgumentNullException.ThrowIfNull(reason);
        if (!block.IsDefined)
        {
            throw new ArgumentException("The block CID is undefined.", nameof(block));
        }

        var entry = new BadTipSetEntry(block, reason, _time.GetUtcNow(), origin);
        lock (_lock)
        {
            if (_index.TryGetValue(block, out LinkedListNode<BadTipSetEntry>? node))
            {
                node.Value = entry;
                MoveToFront(node);
                return entry;
            }

            if (_index.Count >= Capacity)
            {
                LinkedListNode<BadTipSetEntry> oldest = _order.Last!;
                _order.RemoveLast();
                _index.Remove(oldest.Value.Block);
            }

            _index.Add(block, _order.AddFirst(entry));
            return entry;
        }
    }

    /// <summary>Marks every block of <paramref name="tipSet"/> bad for <paramref name="reason"/>.</summary>
    /// <param name="tipSet">The bad tipset.</param>
    /// <param name="reason">Why it is bad.</param>
    /// <param name="origin">The bad block it is bad because of, if it is not bad in itself.</param>
    public void MarkTipSet(TipSet tipSet, string reason, Cid? origin = null)
    {
        ArgumentNullException.ThrowIfNull(tipSet);
        ArgumentNullException.ThrowIfNull(reason);
        foreach (BlockHeader block in tipSet.Blocks)
        {
            Mark(block.Cid, reason, origin);
        }
    }

    /// <summary>Whether <paramref name="block"/> is known bad; a hit makes it the most recently used.</summary>
    public bool TryGet(Cid block, [NotNullWhen(true)] out BadTipSetEntry? entry)
    {
        lock (_lock)
        {
            if (block.IsDefined && _index.TryGetValue(block, out LinkedListNode<BadTipSetEntry>? node))
            {
                MoveToFront(node);
                entry = node.Value;
                return true;
            }
        }

        entry = null;
        return false;
    }

    /// <summary>The entry for <paramref name="block"/>, or <c>null</c> when it is not known bad; a hit makes it the most recently used.</summary>
    public BadTipSetEntry? Check(Cid block) => TryGet(block, out BadTipSetEntry? entry) ? entry : null;

    /// <summary>Forgets <paramref name="block"/>.</summary>
    /// <returns>Whether it was held.</returns>
    public bool Unmark(Cid block)
    {
        lock (_lock)
        {
            if (!block.IsDefined || !_index.Remove(block, out LinkedListNode<BadTipSetEntry>? node))
            {
                return false;
            }

            _order.Remove(node);
            return true;
        }
    }

    /// <summary>Forgets every block.</summary>
    public void UnmarkAll()
    {
        lock (_lock)
        {
            _index.Clear();
            _order.Clear();
        }
    }

    /// <summary>A copy of every entry, most recently used first. Taking it does not change the order.</summary>
    public ImmutableArray<BadTipSetEntry> Snapshot()
    {
        lock (_lock)
        {
            return [.. _order];
        }
    }

    private void MoveToFront(LinkedListNode<BadTipSetEntry> node)
    {
        if (node != _order.First)
        {
            _order.Remove(node);
            _order.AddFirst(node);
        }
    }
}
