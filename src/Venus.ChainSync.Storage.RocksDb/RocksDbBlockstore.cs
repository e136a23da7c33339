using RocksDbSharp;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;

namespace Venus.ChainSync.Storage.RocksDb;

/// <summary>
/// The <see cref="IBlockstore"/> of a <see cref="RocksDbStore"/>: blocks in the <c>blocks</c> column family, keyed
/// by their CID's binary form, values the block bytes as given.
/// </summary>
/// <remarks>
/// <para><b>Reads.</b> <see cref="GetAsync"/> copies the value once, from RocksDB's pinned slice into a new array
/// the caller then holds (the port hands out memory that outlives the call, so one copy is the least there can be;
/// reading into a pooled buffer would need the caller to return it, which the port has no way to say).
/// <see cref="HasAsync"/> asks RocksDB for the key without copying the value; the blocks column family's bloom filter
/// answers most absent keys from memory. The binding has no <c>KeyMayExist</c>, and the filter is what that call would
/// consult first anyway.</para>
/// <para><b>Writes</b> do not look first: putting a present CID writes the same bytes again, which RocksDB keeps
/// as a newer version of an identical value until compaction drops the older one. A write is a log append and a
/// memtable insert, cheaper than the point read a check would cost when the block is not cached.
/// <see cref="PutManyAsync"/> is one write batch, applied whole or not at all; a default CID anywhere in it stores
/// none of it.</para>
/// <para>RocksDB faults surface as <see cref="RocksDbStoreException"/> (<see cref="RocksDbStoreError.StorageFault"/>).
/// Every call completes synchronously.</para>
/// </remarks>
public sealed class RocksDbBlockstore : IBlockstore
{
    private readonly RocksDbStore _store;
    private readonly ColumnFamilyHandle _family;

    internal RocksDbBlockstore(RocksDbStore store, ColumnFamilyHandle family)
    {
        _store = store;
        _family = family;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="cid"/> is <c>default</c>.</exception>
    public ValueTask<ReadOnlyMemory<byte>?> GetAsync(Cid cid, CancellationToken cancellationToken = default)
    {
        RequireDefined(cid);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<ReadOnlyMemory<byte>?>(cancellationToken);
        }

        byte[]? bytes;
        try
        {
            bytes = _store.Db.Get(cid.Bytes, _family);
        }
        catch (RocksDbException e)
        {
            throw RocksDbStore.Fault("read a block", e);
        }

        // Spelled out: `bytes is null ? null : bytes` would type as byte[] and turn a miss into empty memory.
        ReadOnlyMemory<byte>? data = null;
        if (bytes is not null)
        {
            data = bytes;
        }

        return ValueTask.FromResult(data);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="cid"/> is <c>default</c>.</exception>
    public ValueTask<bool> HasAsync(Cid cid, CancellationToken cancellationToken = default)
    {
        RequireDefined(cid);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<bool>(cancellationToken);
        }

        try
        {
            return ValueTask.FromResult(_store.Db.HasKey(cid.Bytes, _family));
        }
        catch (RocksDbException e)
        {
            throw RocksDbStore.Fault("look up a block", e);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="cid"/> is <c>default</c>.</exception>
    public ValueTask PutAsync(Cid cid, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        RequireDefined(cid);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        try
        {
            _store.Db.Put(cid.Bytes, data.Span, _family);
        }
        catch (RocksDbException e)
        {
            throw RocksDbStore.Fault("write a block", e);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">A block has a <c>default</c> CID; none is stored.</exception>
    public ValueTask PutManyAsync(IEnumerable<Block> blocks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        using var batch = new WriteBatch();
        foreach (Block block in blocks)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return ValueTask.FromCanceled(cancellationToken);
            }

            RequireDefined(block.Cid, nameof(blocks));
            batch.Put(block.Cid.Bytes, block.Data.Span, _family);
        }

        if (batch.Count() == 0)
        {
            return ValueTask.CompletedTask;
        }

        try
        {
            _store.Db.Write(batch);
        }
        catch (RocksDbException e)
        {
            throw RocksDbStore.Fault("write a batch of blocks", e);
        }

        return ValueTask.CompletedTask;
    }

    private static void RequireDefined(Cid cid, string parameter = "cid")
    {
        if (!cid.IsDefined)
        {
            throw new ArgumentException("default(Cid) is not a CID.", parameter);
        }
    }
}
