namespace Venus.ChainSync.Primitives.Car;

/// <summary>Limits and checks for <see cref="CarReader"/>.</summary>
public sealed record CarReaderOptions
{
    /// <summary>
    /// Default <see cref="MaxHeaderLength"/>: 1 MiB. A Filecoin CAR's header holds one root (60 bytes for the
    /// genesis CARs); 1 MiB still fits over 25 000 roots. go-car allows 32 MiB for arbitrary use.
    /// </summary>
    public const int DefaultMaxHeaderLength = 1 << 20;

    /// <summary>
    /// Default <see cref="MaxSectionLength"/>: 8 MiB, go-car v2's <c>DefaultMaxAllowedSectionSize</c>, chosen there
    /// because IPLD blocks are normally under 1–2 MiB. Filecoin chain and state objects are far smaller (the
    /// largest section of either genesis CAR is 10 632 bytes), so real input never comes near it.
    /// </summary>
    public const int DefaultMaxSectionLength = 8 << 20;

    /// <summary>
    /// Default <see cref="MaxZstdWindowLog"/>: 23, an 8 MiB window. Forest writes its snapshots as zstd frames of about
    /// 8 KiB at level 3 (<c>DEFAULT_FOREST_CAR_FRAME_SIZE</c> = 8 192, <c>src/db/car/forest.rs</c>), whose windows are no
    /// larger than a frame; the <c>zstd</c> tool's levels 1 to 19 use windows of at most 8 MiB (level 19: window log
    /// 23). Only <c>--ultra</c> levels and <c>--long</c> go beyond, up to the 128 MiB that decoders accept by default
    /// (window log 27), and that buffer is what a hostile frame could make the reader hold.
    /// </summary>
    public const int DefaultMaxZstdWindowLog = 23;

    /// <summary>
    /// Default <see cref="MaxExpansionRatio"/>: 64. Chain data compresses about 3.3 times with zstd (the mainnet
    /// genesis CAR: 1 104 195 bytes to 332 178 at level 3, 316 051 at level 19); a decompression bomb expands tens of
    /// thousands of times (6 KB to 160 MiB was found by fuzzing).
    /// </summary>
    public const int DefaultMaxExpansionRatio = 64;

    /// <summary>The defaults: 1 MiB header, 8 MiB sections, an 8 MiB zstd window, 64× expansion, no hash checks.</summary>
    public static CarReaderOptions Default { get; } = new();

    /// <summary>
    /// Longest header accepted, in bytes. A longer declared length fails before anything is allocated for it.
    /// </summary>
    public int MaxHeaderLength { get; init; } = DefaultMaxHeaderLength;

    /// <summary>
    /// Longest section (binary CID plus block bytes) accepted, in bytes. A longer declared length fails before
    /// anything is allocated for it, so one section never costs more than this much memory.
    /// </summary>
    public int MaxSectionLength { get; init; } = DefaultMaxSectionLength;

    /// <summary>
    /// Whether to hash every block and fail with <see cref="CarFormatException"/> when the bytes do not match the
    /// CID. Off by default, because callers that store blocks usually check them anyway. Blocks whose hash
    /// function this library cannot compute (<see cref="Cid.CanVerify"/> is false) are passed through unchecked;
    /// such a CID can never be one a chain object links to (those are blake2b-256).
    /// </summary>
    public bool VerifyHashes { get; init; }

    /// <summary>
    /// Largest zstd window accepted, as a power of two (10 to 31); a frame that needs more fails with
    /// <see cref="CarFormatException"/> before its window is allocated. Raise it for archives made with
    /// <c>zstd --long</c> (27) or <c>--ultra -22</c> (27).
    /// </summary>
    public int MaxZstdWindowLog { get; init; } = DefaultMaxZstdWindowLog;

    /// <summary>
    /// Most decompressed bytes per compressed byte read, once the decompressed output passes two sections of
    /// <see cref="MaxSectionLength"/>; beyond that a compressed archive fails with <see cref="CarFormatException"/>.
    /// It bounds what a small input can make the reader produce and allocate, without a limit on the archive's size.
    /// </summary>
    public int MaxExpansionRatio { get; init; } = DefaultMaxExpansionRatio;

    /// <summary>
    /// Most bytes a compressed archive may decompress to, or null (the default) for no limit: a mainnet snapshot is
    /// tens of GiB even compressed, so no fixed default would both admit real snapshots and mean anything for
    /// small inputs, which <see cref="MaxExpansionRatio"/> already covers. Set it when the expected size is known
    /// (a genesis CAR, an archive of a known height range). Plain archives are not affected.
    /// </summary>
    public long? MaxDecompressedLength { get; init; }

    internal void Validate()
    {
        if (MaxZstdWindowLog is < 10 or > 31)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxZstdWindowLog), MaxZstdWindowLog, "The zstd window log must be 10 to 31.");
        }

        if (MaxExpansionRatio <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxExpansionRatio), MaxExpansionRatio, "The expansion ratio must be positive.");
        }

        if (MaxDecompressedLength is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDecompressedLength), MaxDecompressedLength, "The decompressed budget must be positive.");
        }

        if (MaxHeaderLength <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxHeaderLength), MaxHeaderLength, "The header limit must be positive.");
        }

        if (MaxSectionLength <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSectionLength), MaxSectionLength, "The section limit must be positive.");
        }
    }
}
