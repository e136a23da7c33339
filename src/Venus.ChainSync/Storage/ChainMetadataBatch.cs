using Venus.ChainSync.Primitives;

namespace Venus.ChainSync;

/// <summary>
/// Changes to an <see cref="IChainMetadataStore"/> applied together, in this order: marks; height-index entries
/// (a range above a height cleared, single heights removed, then entries written); tipset states. Built by
/// <see cref="ChainStore"/>.
/// </summary>
public sealed class ChainMetadataBatch
{
    private readonly Dictionary<ChainMark, TipSetKey> _marks = [];
    private readonly SortedDictionary<long, TipSetKey> _heights = [];
    private readonly SortedSet<long> _removedHeights = [];
    private readonly Dictionary<TipSetKey, TipSetState> _states = [];

    /// <summary>The marks to set.</summary>
    public IReadOnlyDictionary<ChainMark, TipSetKey> Marks => _marks;

    /// <summary>
    /// Height-index entries above this height are removed before <see cref="Heights"/> are written (a heavier chain
    /// can be shorter), or null to remove none.
    /// </summary>
    public long? ClearHeightsAbove { get; private set; }

    /// <summary>Height-index entries to remove (heights the head's chain now skips), after the range clear.</summary>
    public IReadOnlySet<long> RemovedHeights => _removedHeights;

    /// <summary>Height-index entries to write, lowest first, after the removals.</summary>
    public IReadOnlyDictionary<long, TipSetKey> Heights => _heights;

    /// <summary>States to record.</summary>
    public IReadOnlyDictionary<TipSetKey, TipSetState> States => _states;

    /// <summary>Whether the batch changes nothing.</summary>
    public bool IsEmpty => _marks.Count == 0 && ClearHeightsAbove is null && _removedHeights.Count == 0 && _heights.Count == 0 && _states.Count == 0;

    /// <summary>Sets <paramref name="mark"/> to <paramref name="key"/>.</summary>
    public ChainMetadataBatch SetMark(ChainMark mark, TipSetKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _marks[mark] = key;
        return this;
    }

    /// <summary>Removes every height-index entry above <paramref name="height"/>.</summary>
    public ChainMetadataBatch ClearAbove(long height)
    {
        ClearHeightsAbove = ClearHeightsAbove is { } earlier ? Math.Min(earlier, height) : height;
        return this;
    }

    /// <summary>Removes the height-index entry at <paramref name="height"/> (unless this batch also sets one there).</summary>
    public ChainMetadataBatch RemoveHeight(long height)
    {
        _removedHeights.Add(height);
        return this;
    }

    /// <summary>Records <paramref name="key"/> as the head chain's tipset at <paramref name="height"/>.</summary>
    public ChainMetadataBatch SetHeight(long height, TipSetKey key)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        ArgumentNullException.ThrowIfNull(key);
        _heights[height] = key;
        return this;
    }

    /// <summary>Records the state the tipset <paramref name="key"/> produced.</summary>
    public ChainMetadataBatch SetState(TipSetKey key, TipSetState state)
    {
        ArgumentNullException.ThrowIfNull(key);
        _states[key] = state;
        return this;
    }
}
