using Venus.ChainSync.Primitives;

namespace Venus.ChainSync;

/// <summary>
/// An <see cref="IChainMetadataStore"/> in memory, for nodes that keep nothing across restarts (tests, demos, a
/// relay that re-syncs from peers). Thread-safe; batches apply under one lock.
/// </summary>
public sealed class InMemoryChainMetadataStore : IChainMetadataStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ChainMark, TipSetKey> _marks = [];
    private readonly SortedDictionary<long, TipSetKey> _heights = [];
    private readonly Dictionary<TipSetKey, TipSetState> _states = [];

    /// <summary>Creates an empty store (<see cref="ChainStore.InitializeAsync"/> records the genesis).</summary>
    public InMemoryChainMetadataStore()
    {
    }

    /// <summary>Creates a store whose genesis and head is <paramref name="genesis"/>, which produced <paramref name="genesisState"/>.</summary>
    public InMemoryChainMetadataStore(TipSet genesis, TipSetState genesisState)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        _marks[ChainMark.Genesis] = genesis.Key;
        _marks[ChainMark.Head] = genesis.Key;
        _heights[genesis.Height] = genesis.Key;
        _states[genesis.Key] = genesisState;
    }

    /// <inheritdoc/>
    public ValueTask<TipSetKey?> GetMarkAsync(ChainMark mark, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_marks.GetValueOrDefault(mark));
        }
    }

    /// <inheritdoc/>
    public ValueTask<TipSetKey?> GetKeyAtHeightAsync(long height, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_heights.GetValueOrDefault(height));
        }
    }

    /// <inheritdoc/>
    public ValueTask<TipSetState?> GetStateAsync(TipSetKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_lock)
        {
            return ValueTask.FromResult<TipSetState?>(_states.TryGetValue(key, out TipSetState state) ? state : null);
        }
    }

    /// <inheritdoc/>
    public ValueTask WriteAsync(ChainMetadataBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            foreach ((ChainMark mark, TipSetKey key) in batch.Marks)
            {
                _marks[mark] = key;
            }

            if (batch.ClearHeightsAbove is { } above)
            {
                foreach (long height in _heights.Keys.Where(h => h > above).ToArray())
                {
                    _heights.Remove(height);
                }
            }

            foreach (long height in batch.RemovedHeights)
            {
                _heights.Remove(height);
            }

            foreach ((long height, TipSetKey key) in batch.Heights)
            {
                _heights[height] = key;
            }

            foreach ((TipSetKey key, TipSetState state) in batch.States)
            {
                _states[key] = state;
            }
        }

        return ValueTask.CompletedTask;
    }
}
