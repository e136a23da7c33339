using RocksDbSharp;
using Venus.ChainSync.Primitives.Storage;

namespace Venus.ChainSync.Storage.RocksDb;

/// <summary>
/// A persistent store in one RocksDB database: the block store (<see cref="Blocks"/>, column family <c>blocks</c>,
/// keyed by CID bytes) and the chain store's metadata (<see cref="Metadata"/>, column family <c>meta</c>) side by
/// side, so that the engine's order of writes (blocks first, then the metadata batch naming them) holds on disk.
/// </summary>
/// <remarks>
/// <para><b>Opening.</b> <see cref="Open"/> creates the directory and an empty store when there is none, and
/// otherwise checks that the directory is a store of this format before anything is written. Every refusal is a
/// <see cref="RocksDbStoreException"/> whose <see cref="RocksDbStoreException.Error"/> says why: the database is
/// locked by another process (or another open store), was written by another format version, or is not a store.</para>
/// <para><b>Durability.</b> Every write goes through RocksDB's write-ahead log before it returns, so a killed
/// process loses nothing it was told was written; writes are not fsynced, so a power loss can lose the last ones,
/// never a middle one (the log replays in order).</para>
/// <para><b>Lifetime.</b> Dispose only after every user of <see cref="Blocks"/> and <see cref="Metadata"/> has
/// stopped; calls after disposal throw <see cref="ObjectDisposedException"/>. Calls complete synchronously on the
/// caller's thread.</para>
/// </remarks>
public sealed class RocksDbStore : IAsyncDisposable
{
    /// <summary>The name of the column family holding blocks.</summary>
    internal const string BlocksFamily = "blocks";

    /// <summary>The name of the column family holding the chain metadata and the format record.</summary>
    internal const string MetaFamily = "meta";

    private readonly RocksDbSharp.RocksDb _db;

    // RocksDB keeps raw pointers to these; holding them here keeps their finalizers from freeing them under it.
    private readonly DbOptions _dbOptions;
    private readonly ColumnFamilyOptions _blocksOptions;
    private readonly ColumnFamilyOptions _metaOptions;
    private readonly BlockBasedTableOptions _blocksTable;
    private readonly BlockBasedTableOptions _metaTable;
    private readonly Cache _cache;
    private int _disposed;

    private RocksDbStore(string path, RocksDbSharp.RocksDb db, DbOptions dbOptions, ColumnFamilyOptions blocksOptions, ColumnFamilyOptions metaOptions, BlockBasedTableOptions blocksTable, BlockBasedTableOptions metaTable, Cache cache)
    {
        Path = path;
        _db = db;
        _dbOptions = dbOptions;
        _blocksOptions = blocksOptions;
        _metaOptions = metaOptions;
        _blocksTable = blocksTable;
        _metaTable = metaTable;
        _cache = cache;
        Blocks = new RocksDbBlockstore(this, db.GetColumnFamily(BlocksFamily));
        Metadata = new RocksDbChainMetadataStore(this, db.GetColumnFamily(MetaFamily));
    }

    /// <summary>The full path of the store's directory.</summary>
    public string Path { get; }

    /// <summary>The block store: headers, message metas, AMT nodes and messages by CID.</summary>
    public RocksDbBlockstore Blocks { get; }

    /// <summary>The chain store's metadata: marks, the height index and tipset states.</summary>
    public RocksDbChainMetadataStore Metadata { get; }

    internal RocksDbSharp.RocksDb Db
    {
        get
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            return _db;
        }
    }

    /// <summary>
    /// Opens the store in <paramref name="path"/>, creating the directory and an empty store when there is none.
    /// </summary>
    /// <exception cref="RocksDbStoreException">The directory is locked, of another format version, not a store, or
    /// RocksDB failed to open it.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static RocksDbStore Open(string path, RocksDbStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options ??= new RocksDbStoreOptions();
        options.Validate();
        string full = System.IO.Path.GetFullPath(path);

        bool existing = File.Exists(System.IO.Path.Combine(full, "CURRENT"));
        if (!existing && Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any())
        {
            throw new RocksDbStoreException(RocksDbStoreError.NotAStore, $"{full} holds files but no RocksDB database; a store needs an empty or missing directory.");
        }

        Cache cache = Cache.CreateLru((ulong)options.BlockCacheSize);
        var dbOptions = new DbOptions()
            .SetCreateIfMissing(!existing)
            .SetCreateMissingColumnFamilies(!existing)
            .IncreaseParallelism(Math.Max(2, Environment.ProcessorCount));
        Compression compression = ToNative(options.Compression);
        BlockBasedTableOptions blocksTable = new BlockBasedTableOptions()
            .SetBlockCache(cache)
            .SetWholeKeyFiltering(true)
            .SetFormatVersion(5);
        if (options.BloomFilterBitsPerKey > 0)
        {
            blocksTable.SetFilterPolicy(BloomFilterPolicy.Create(options.BloomFilterBitsPerKey, false));
        }

        BlockBasedTableOptions metaTable = new BlockBasedTableOptions().SetBlockCache(cache).SetFormatVersion(5);
        ColumnFamilyOptions blocksOptions = new ColumnFamilyOptions().SetCompression(compression).SetBlockBasedTableFactory(blocksTable);
        ColumnFamilyOptions metaOptions = new ColumnFamilyOptions().SetCompression(compression).SetBlockBasedTableFactory(metaTable);

        if (existing)
        {
            RequireOurColumnFamilies(full, dbOptions);
        }
        else
        {
            Directory.CreateDirectory(full);
        }

        var families = new ColumnFamilies
        {
            { BlocksFamily, blocksOptions },
            { MetaFamily, metaOptions },
        };

        RocksDbSharp.RocksDb db;
        try
        {
            db = RocksDbSharp.RocksDb.Open(dbOptions, full, families);
        }
        catch (RocksDbException e)
        {
            throw FromOpenFailure(full, e);
        }

        var store = new RocksDbStore(full, db, dbOptions, blocksOptions, metaOptions, blocksTable, metaTable, cache);
        try
        {
            store.CheckFormat(existing);
        }
        catch
        {
            db.Dispose();
            throw;
        }

        return store;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _db.Dispose();
            GC.KeepAlive(_dbOptions);
            GC.KeepAlive(_blocksOptions);
            GC.KeepAlive(_metaOptions);
            GC.KeepAlive(_blocksTable);
            GC.KeepAlive(_metaTable);
            GC.KeepAlive(_cache);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>A RocksDB fault during a read or write, as the store's exception.</summary>
    internal static RocksDbStoreException Fault(string what, RocksDbException e) =>
        new(RocksDbStoreError.StorageFault, $"RocksDB failed to {what}: {e.Message}", e);

    private static void RequireOurColumnFamilies(string full, DbOptions dbOptions)
    {
        string[] names;
        try
        {
            if (!RocksDbSharp.RocksDb.TryListColumnFamilies(dbOptions, full, out names))
            {
                throw new RocksDbStoreException(RocksDbStoreError.NotAStore, $"{full} has a CURRENT file but no readable RocksDB column families; it is not a store.");
            }
        }
        catch (RocksDbException e)
        {
            throw new RocksDbStoreException(RocksDbStoreError.NotAStore, $"{full} is not a readable RocksDB database: {e.Message}", e);
        }

        if (!names.Contains(BlocksFamily, StringComparer.Ordinal) || !names.Contains(MetaFamily, StringComparer.Ordinal))
        {
            throw new RocksDbStoreException(
                RocksDbStoreError.NotAStore,
                $"{full} is a RocksDB database without the column families '{BlocksFamily}' and '{MetaFamily}' (it has {string.Join(", ", names)}); it is not a Venus.ChainSync store.");
        }
    }

    private static RocksDbStoreException FromOpenFailure(string full, RocksDbException e)
    {
        // RocksDB reports a held lock as "IO error: lock hold by current process ... /LOCK" (this process) or
        // "IO error: While lock file: .../LOCK: Resource temporarily unavailable" (another process).
        string message = e.Message;
        if (message.Contains("LOCK", StringComparison.Ordinal) || message.Contains("lock hold", StringComparison.OrdinalIgnoreCase))
        {
            return new RocksDbStoreException(RocksDbStoreError.Locked, $"The store {full} is in use: another process (or another open store in this one) holds its lock. ({message})", e);
        }

        return new RocksDbStoreException(RocksDbStoreError.StorageFault, $"RocksDB could not open {full}: {message}", e);
    }

    private static Compression ToNative(RocksDbCompression compression) => compression switch
    {
        RocksDbCompression.None => Compression.No,
        RocksDbCompression.Snappy => Compression.Snappy,
        RocksDbCompression.Lz4 => Compression.Lz4,
        RocksDbCompression.Zstd => Compression.Zstd,
        _ => throw new ArgumentOutOfRangeException(nameof(compression), compression, "Unknown compression."),
    };

    private void CheckFormat(bool existing)
    {
        ColumnFamilyHandle meta = _db.GetColumnFamily(MetaFamily);
        byte[]? record;
        try
        {
            record = _db.Get(MetaRecords.FormatKey, meta);
        }
        catch (RocksDbException e)
        {
            throw Fault("read the format-version record", e);
        }

        if (record is null)
        {
            if (existing)
            {
                throw new RocksDbStoreException(RocksDbStoreError.NotAStore, $"{Path} is a RocksDB database without a Venus.ChainSync format-version record; it is not a store.");
            }

            try
            {
                _db.Put(MetaRecords.FormatKey, MetaRecords.FormatValue(MetaRecords.FormatVersion), meta);
            }
            catch (RocksDbException e)
            {
                throw Fault("write the format-version record", e);
            }

            return;
        }

        uint? version = MetaRecords.ReadFormat(record);
        if (version is null)
        {
            throw new RocksDbStoreException(RocksDbStoreError.CorruptRecord, $"The store's record {MetaRecords.Describe(MetaRecords.FormatKey)} in {Path} is corrupt: {record.Length} bytes, expected 4.");
        }

        if (version != MetaRecords.FormatVersion)
        {
            throw new RocksDbStoreException(
                RocksDbStoreError.IncompatibleVersion,
                $"The store {Path} has format version {version}; this build reads version {MetaRecords.FormatVersion} only.");
        }
    }
}
