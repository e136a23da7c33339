using RocksDbSharp;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Storage.RocksDb;

/// <summary>
/// The <see cref="IChainMetadataStore"/> of a <see cref="RocksDbStore"/>: marks, the height index and tipset states
/// in the <c>meta</c> column family, each <see cref="ChainMetadataBatch"/> written as one RocksDB write batch (so
/// applied whole or not at all, also across a crash).
/// </summary>
/// <remarks>
/// A record that does not decode (a damaged file, bytes another program wrote) throws
/// <see cref="RocksDbStoreException"/> with <see cref="RocksDbStoreError.CorruptRecord"/> naming the record; it is
/// never read as a wrong value. Every call completes synchronously.
/// </remarks>
public sealed class RocksDbChainMetadataStore : IChainMetadataStore
{
    private readonly RocksDbStore _store;
    private readonly ColumnFamilyHandle _family;

    internal RocksDbChainMetadataStore(RocksDbStore store, ColumnFamilyHandle family)
    {
        _store = store;
        _family = family;
    }

    /// <inheritdoc/>
    /// <exception cref="RocksDbStoreException">The record is corrupt, or RocksDB failed.</exception>
    public ValueTask<TipSetKey?> GetMarkAsync(ChainMark mark, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(ReadKey(MetaRecords.MarkKey(mark)));
    }

    /// <inheritdoc/>
    /// <exception cref="RocksDbStoreException">The record is corrupt, or RocksDB failed.</exception>
    public ValueTask<TipSetKey?> GetKeyAtHeightAsync(long height, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(height < 0 ? null : ReadKey(MetaRecords.HeightKey(height)));
    }

    /// <inheritdoc/>
    /// <exception cref="RocksDbStoreException">The record is corrupt, or RocksDB failed.</exception>
    public ValueTask<TipSetState?> GetStateAsync(TipSetKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        byte[] stored = MetaRecords.StateKey(key);
        byte[]? value = Read(stored);
        return ValueTask.FromResult<TipSetState?>(value is null ? null : MetaRecords.ReadState(value, stored));
    }

    /// <inheritdoc/>
    /// <exception cref="RocksDbStoreException">RocksDB failed; nothing of the batch was applied.</exception>
    public ValueTask WriteAsync(ChainMetadataBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        cancellationToken.ThrowIfCancellationRequested();
        if (batch.IsEmpty)
        {
            return ValueTask.CompletedTask;
        }

        // Operations in one RocksDB batch apply in order, so this is the batch's documented order exactly: a height
        // written after the range clear or a removal of the same height survives them.
        using var write = new WriteBatch();
        foreach ((ChainMark mark, TipSetKey key) in batch.Marks)
        {
            write.Put(MetaRecords.MarkKey(mark), key.ToBytes(), _family);
        }

        if (batch.ClearHeightsAbove is { } above && above < long.MaxValue)
        {
            byte[] from = MetaRecords.HeightKey(Math.Max(0, above + 1));
            byte[] to = MetaRecords.HeightsEnd;
            write.DeleteRange(from, (ulong)from.Length, to, (ulong)to.Length, _family);
        }

        foreach (long height in batch.RemovedHeights)
        {
            if (height >= 0)
            {
                write.Delete(MetaRecords.HeightKey(height), _family);
            }
        }

        foreach ((long height, TipSetKey key) in batch.Heights)
        {
            write.Put(MetaRecords.HeightKey(height), key.ToBytes(), _family);
        }

        foreach ((TipSetKey key, TipSetState state) in batch.States)
        {
            write.Put(MetaRecords.StateKey(key), MetaRecords.StateValue(state), _family);
        }

        try
        {
            _store.Db.Write(write);
        }
        catch (RocksDbException e)
        {
            throw RocksDbStore.Fault("write a chain metadata batch", e);
        }

        return ValueTask.CompletedTask;
    }

    private TipSetKey? ReadKey(byte[] key)
    {
        byte[]? value = Read(key);
        return value is null ? null : MetaRecords.ReadTipSetKey(value, key);
    }

    private byte[]? Read(byte[] key)
    {
        try
        {
            return _store.Db.Get(key, _family);
        }
        catch (RocksDbException e)
        {
            throw RocksDbStore.Fault($"read {MetaRecords.Describe(key)}", e);
        }
    }
}
