namespace Venus.ChainSync.Storage.RocksDb;

/// <summary>How a <see cref="RocksDbStore"/> compresses its blocks.</summary>
public enum RocksDbCompression
{
    /// <summary>No compression.</summary>
    None,

    /// <summary>Snappy (RocksDB's own default).</summary>
    Snappy,

    /// <summary>LZ4: about Snappy's ratio, faster to decompress.</summary>
    Lz4,

    /// <summary>Zstandard: smaller files for more CPU.</summary>
    Zstd,
}

/// <summary>
/// Tuning of a <see cref="RocksDbStore"/>. The defaults are RocksDB's usual starting points for a point-lookup
/// workload; they have not yet been measured on Filecoin chains (issue 13's benchmarks will set them).
/// </summary>
public sealed class RocksDbStoreOptions
{
    /// <summary>
    /// Bytes of the LRU block cache shared by both column families. Default 128 MiB: enough to keep the index and
    /// filter blocks of a mainnet-sized block column family plus the recent headers hot, small enough for a tool.
    /// </summary>
    public long BlockCacheSize { get; set; } = 128L << 20;

    /// <summary>
    /// Compression of the blocks column family. Default <see cref="RocksDbCompression.Lz4"/>: headers and
    /// messages are CBOR full of hashes and signatures that compress little, so the cheapest decompressor wins;
    /// the metadata column family is small and always uses the same setting.
    /// </summary>
    public RocksDbCompression Compression { get; set; } = RocksDbCompression.Lz4;

    /// <summary>
    /// Bloom filter bits per key of the blocks column family, so that <c>Has</c> and <c>Get</c> of an absent block
    /// rarely read a data block from disk. Default 10 (about 1 % false positives, RocksDB's customary value);
    /// 0 turns the filter off.
    /// </summary>
    public int BloomFilterBitsPerKey { get; set; } = 10;

    /// <summary>Throws when an option is out of range.</summary>
    internal void Validate()
    {
        if (BlockCacheSize < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(BlockCacheSize), BlockCacheSize, "The block cache size cannot be negative.");
        }

        if (BloomFilterBitsPerKey is < 0 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(BloomFilterBitsPerKey), BloomFilterBitsPerKey, "Bloom filter bits per key must be between 0 and 64.");
        }

        if (!Enum.IsDefined(Compression))
        {
            throw new ArgumentOutOfRangeException(nameof(Compression), Compression, "Unknown compression.");
        }
    }
}
