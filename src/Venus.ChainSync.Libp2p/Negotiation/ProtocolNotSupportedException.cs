namespace Venus.ChainSync.Libp2p.Negotiation;

/// <summary>
/// The remote peer answered <c>na</c> to every protocol proposed in a multistream-select negotiation. The peer kept
/// the rules; it simply speaks none of these protocols, so this is an outcome to record (do not ask it again), not a
/// fault to punish.
/// </summary>
/// <remarks>An <see cref="IOException"/>, like <see cref="Libp2pProtocolException"/>, so callers of the network
/// ports need no new catch.</remarks>
internal sealed class ProtocolNotSupportedException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="protocols">The protocols proposed, in the order tried.</param>
    public ProtocolNotSupportedException(IReadOnlyList<string> protocols)
        : base($"the peer supports none of: {string.Join(", ", protocols)}")
    {
        Protocols = protocols;
    }

    /// <summary>The protocols proposed, in the order tried.</summary>
    public IReadOnlyList<string> Protocols { get; }
}
