namespace Venus.ChainSync.Storage.RocksDb;

/// <summary>Why a <see cref="RocksDbStore"/> could not be opened or a record of it could not be read.</summary>
public enum RocksDbStoreError
{
    /// <summary>Another process (or another open store in this one) holds the database's lock.</summary>
    Locked,

    /// <summary>The store was written by a format version this build does not read.</summary>
    IncompatibleVersion,

    /// <summary>The directory holds other files but no store, or a RocksDB database that is not a Venus.ChainSync store.</summary>
    NotAStore,

    /// <summary>A stored record does not decode: the bytes on disk are damaged or were not written by this library.</summary>
    CorruptRecord,

    /// <summary>RocksDB reported another fault (an I/O error, a full disk, a damaged database file).</summary>
    StorageFault,
}

/// <summary>
/// A <see cref="RocksDbStore"/> fault: the directory cannot be used as a store, or what it holds is damaged. The
/// <see cref="Error"/> says which; the message names the directory or the record.
/// </summary>
public sealed class RocksDbStoreException : Exception
{
    /// <summary>Creates an exception with a message.</summary>
    public RocksDbStoreException()
        : this(RocksDbStoreError.StorageFault, "The RocksDB store failed.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public RocksDbStoreException(string message)
        : this(RocksDbStoreError.StorageFault, message)
    {
    }

    /// <summary>Creates an exception with a message and the fault that caused it.</summary>
    public RocksDbStoreException(string message, Exception innerException)
        : this(RocksDbStoreError.StorageFault, message, innerException)
    {
    }

    /// <summary>Creates an exception of kind <paramref name="error"/>.</summary>
    public RocksDbStoreException(RocksDbStoreError error, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
    }

    /// <summary>What went wrong.</summary>
    public RocksDbStoreError Error { get; }
}
