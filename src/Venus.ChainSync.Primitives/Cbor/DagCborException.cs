namespace Venus.ChainSync.Primitives.Cbor;

/// <summary>
/// Raised when bytes from outside are not the strict DAG-CBOR, or not the shape, that a decoder expects.
/// The message says what was wrong and <see cref="Offset"/> says where.
/// </summary>
/// <remarks>
/// This is the one exception type the decoders of this library throw for bad input. Caller mistakes (a null
/// argument, a destination too small) raise the usual argument exceptions instead.
/// </remarks>
public sealed class DagCborException : FormatException
{
    /// <summary>Creates the exception for a fault found at <paramref name="offset"/>.</summary>
    public DagCborException(string reason, int offset)
        : base($"{reason} (at byte {offset})")
    {
        Reason = reason;
        Offset = offset;
    }

    /// <summary>Creates the exception without a position.</summary>
    public DagCborException()
        : this("invalid DAG-CBOR", 0)
    {
    }

    /// <summary>Creates the exception without a position.</summary>
    public DagCborException(string message)
        : this(message, 0)
    {
    }

    /// <summary>Creates the exception without a position, wrapping <paramref name="innerException"/>.</summary>
    public DagCborException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
    }

    /// <summary>What was wrong, without the position.</summary>
    public string Reason { get; } = "invalid DAG-CBOR";

    /// <summary>Byte offset, from the start of the decoded item, where the fault was found.</summary>
    public int Offset { get; }
}
