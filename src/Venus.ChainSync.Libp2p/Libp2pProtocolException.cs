namespace Venus.ChainSync.Libp2p;

/// <summary>
/// A remote peer broke a libp2p protocol (bad framing, a length past its bound, a failed signature, a peer id other
/// than the one dialled, a stall past a deadline). The host closes the connection or stream it came on and carries
/// on with every other; it is never a fault of this node.
/// </summary>
/// <remarks>An <see cref="IOException"/>, so callers of the network ports (which document <c>IOException</c> for an
/// unreachable or misbehaving peer) need no new catch.</remarks>
internal sealed class Libp2pProtocolException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="protocol">The protocol whose rule was broken (<c>/noise</c>, <c>/yamux/1.0.0</c>, …).</param>
    /// <param name="message">What the peer did.</param>
    /// <param name="inner">The underlying failure, if any.</param>
    public Libp2pProtocolException(string protocol, string message, Exception? inner = null)
        : base($"{protocol}: {message}", inner)
    {
        Protocol = protocol;
    }

    /// <summary>The protocol whose rule was broken.</summary>
    public string Protocol { get; }
}
