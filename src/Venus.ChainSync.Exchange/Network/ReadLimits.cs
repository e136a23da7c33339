namespace Venus.ChainSync.Network;

/// <summary>
/// Bounds on reading one message from an untrusted stream: its size, how long before the first byte, a floor on
/// the read speed after that, and an overall deadline.
/// </summary>
/// <param name="MaxBytes">Most bytes accepted; one more and the read fails.</param>
/// <param name="FirstByteTimeout">How long the peer may take before the first byte arrives (the server works out its answer meanwhile).</param>
/// <param name="MinBytesPerSecond">After the first byte, the peer must keep up this average speed; 0 turns the check off.</param>
/// <param name="Deadline">The whole read must end within this time.</param>
internal sealed record ReadLimits(long MaxBytes, TimeSpan FirstByteTimeout, long MinBytesPerSecond, TimeSpan Deadline)
{
    /// <summary>Checks that the limits make sense.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A limit is zero or negative where it must be positive.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBytes, 1, nameof(MaxBytes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxBytes, Array.MaxLength, nameof(MaxBytes)); // one array holds the message
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(FirstByteTimeout, TimeSpan.Zero, nameof(FirstByteTimeout));
        ArgumentOutOfRangeException.ThrowIfNegative(MinBytesPerSecond, nameof(MinBytesPerSecond));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Deadline, TimeSpan.Zero, nameof(Deadline));
    }
}

/// <summary>Why a bounded read stopped early.</summary>
internal enum ReadFailure
{
    /// <summary>The peer sent more than <see cref="ReadLimits.MaxBytes"/>.</summary>
    TooLarge,

    /// <summary>No first byte within <see cref="ReadLimits.FirstByteTimeout"/>.</summary>
    NoResponse,

    /// <summary>The peer fell below <see cref="ReadLimits.MinBytesPerSecond"/>.</summary>
    TooSlow,

    /// <summary>The read passed <see cref="ReadLimits.Deadline"/>.</summary>
    Deadline,

    /// <summary>The stream was reset or failed.</summary>
    StreamError,
}

/// <summary>A bounded read that stopped early; <see cref="Failure"/> says why.</summary>
internal sealed class BoundedReadException : IOException
{
    /// <summary>Creates the exception.</summary>
    public BoundedReadException(ReadFailure failure, string message, Exception? inner = null)
        : base(message, inner) => Failure = failure;

    /// <summary>Creates the exception.</summary>
    public BoundedReadException()
        : this(ReadFailure.StreamError, "bounded read failed")
    {
    }

    /// <summary>Creates the exception.</summary>
    public BoundedReadException(string message)
        : this(ReadFailure.StreamError, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public BoundedReadException(string message, Exception innerException)
        : this(ReadFailure.StreamError, message, innerException)
    {
    }

    /// <summary>Why the read stopped.</summary>
    public ReadFailure Failure { get; }
}
