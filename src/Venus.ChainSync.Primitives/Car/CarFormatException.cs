namespace Venus.ChainSync.Primitives.Car;

/// <summary>
/// Raised when a byte stream is not a well-formed CAR v1 (or a zstd-compressed one): a bad or truncated length
/// varint, a section over the size limit, a bad CID, a bad header, an unsupported version, a corrupt zstd frame,
/// or (with <see cref="CarReaderOptions.VerifyHashes"/>) a block whose bytes do not hash to its CID.
/// The message says what was wrong and <see cref="Offset"/> says where.
/// </summary>
/// <remarks>
/// This is the one exception type <see cref="CarReader"/> throws for bad input; errors of the underlying stream
/// (<see cref="IOException"/>), cancellation and caller mistakes keep their own types. Every fault is permanent:
/// reading the same bytes again fails the same way.
/// </remarks>
public sealed class CarFormatException : FormatException
{
    /// <summary>Creates the exception for a fault found at byte <paramref name="offset"/> of the CAR stream.</summary>
    public CarFormatException(string reason, long offset)
        : this(reason, offset, null)
    {
    }

    /// <summary>Creates the exception for a fault found at byte <paramref name="offset"/>, caused by <paramref name="innerException"/>.</summary>
    public CarFormatException(string reason, long offset, Exception? innerException)
        : base($"{reason} (at byte {offset} of the CAR stream)", innerException)
    {
        Reason = reason;
        Offset = offset;
    }

    /// <summary>Creates the exception without a position.</summary>
    public CarFormatException()
        : this("invalid CAR", 0)
    {
    }

    /// <summary>Creates the exception without a position.</summary>
    public CarFormatException(string message)
        : this(message, 0)
    {
    }

    /// <summary>Creates the exception without a position, wrapping <paramref name="innerException"/>.</summary>
    public CarFormatException(string message, Exception innerException)
        : this(message, 0, innerException)
    {
    }

    /// <summary>What was wrong, without the position.</summary>
    public string Reason { get; }

    /// <summary>
    /// Byte offset in the CAR stream where the fault was found: the start of the varint, header or section at
    /// fault. For a compressed file it counts decompressed bytes.
    /// </summary>
    public long Offset { get; }
}
