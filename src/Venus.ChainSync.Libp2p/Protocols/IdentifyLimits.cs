namespace Venus.ChainSync.Libp2p.Protocols;

/// <summary>
/// Bounds on what a peer may send in identify; past any of them the read fails with
/// <see cref="Libp2pProtocolException"/>. The defaults are go-libp2p's (p2p/protocol/identify/id.go), so nothing an
/// honest go peer sends is refused.
/// </summary>
/// <param name="MaxMessageBytes">Longest single delimited message (go's <c>signedIDSize</c>, 8 KiB, the size its
/// delimited reader accepts).</param>
/// <param name="MaxMessages">Most delimited messages on one stream. go's <c>readAllIDMessages</c> makes
/// <c>maxMessages</c> (10) reads and the end of the stream takes one of them, so it accepts at most 9.</param>
/// <param name="MaxProtocols">Most protocol ids, over all messages (go's <c>maxPeerProtocols</c>, 1024; go truncates,
/// this refuses).</param>
/// <param name="MaxProtocolIdLength">Longest protocol id, in UTF-8 bytes: what one multistream-select message can
/// carry (go-multistream's 1024-byte cap, less the newline), since no longer id could ever be negotiated.</param>
/// <param name="MaxAddresses">Most listen addresses, over all messages, readable or not (go's
/// <c>connectedPeerMaxAddrs</c>, 500; go truncates, this refuses).</param>
/// <param name="Timeout">The whole read must finish within this (go's <c>DefaultTimeout</c>, 5 s, for every
/// identify and push interaction).</param>
internal sealed record IdentifyLimits(
    int MaxMessageBytes,
    int MaxMessages,
    int MaxProtocols,
    int MaxProtocolIdLength,
    int MaxAddresses,
    TimeSpan Timeout)
{
    /// <summary>go-libp2p's bounds.</summary>
    public static IdentifyLimits Default { get; } = new(
        MaxMessageBytes: 8 * 1024,
        MaxMessages: 9,
        MaxProtocols: 1024,
        MaxProtocolIdLength: 1023,
        MaxAddresses: 500,
        Timeout: TimeSpan.FromSeconds(5));
}
