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

    /// <summary>The defaults: 1 MiB header, 8 MiB sections, no hash checks.</summary>
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

    internal void Validate()
    {
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
