namespace Venus.ChainSync.Libp2p.Transport;

/// <summary>A TCP dial that failed, with the reason as a value (<see cref="Failure"/>) rather than in the message.</summary>
internal sealed class TcpDialException : IOException
{
    /// <summary>Creates the exception.</summary>
    public TcpDialException(TcpDialFailure failure, string message, Exception? innerException = null)
        : base(message, innerException) => Failure = failure;

    /// <summary>Why the dial failed.</summary>
    public TcpDialFailure Failure { get; }
}
