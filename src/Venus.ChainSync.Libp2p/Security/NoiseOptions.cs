namespace Venus.ChainSync.Libp2p.Security;

/// <summary>Settings of the Noise handshake.</summary>
internal sealed record NoiseOptions
{
    /// <summary>The defaults.</summary>
    public static NoiseOptions Default { get; } = new();

    /// <summary>
    /// Longest a whole handshake may take before the peer is treated as stalled. 10 s: go-libp2p's noise package has
    /// no timeout of its own; its upgrader bounds an inbound connection's whole upgrade (security and muxer) at 15 s
    /// (p2p/net/upgrader/upgrader.go, defaultAcceptTimeout), of which the three Noise messages are the smaller part.
    /// </summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Stream muxers to offer in the handshake's <c>NoiseExtensions.stream_muxers</c> (early muxer negotiation,
    /// libp2p/specs noise/README.md, "Noise Extensions"); empty: no extensions are sent.
    /// </summary>
    public IReadOnlyList<string> StreamMuxers { get; init; } = [];
}
