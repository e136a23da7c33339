namespace Venus.ChainSync.Libp2p.Protocols;

/// <summary>
/// What a peer said about itself in identify (libp2p/specs identify/README.md), parsed: the addresses this host can
/// read, the count of those it could not, and every other field as sent. An absent field is null or empty.
/// </summary>
/// <param name="ProtocolVersion">The protocol family (<c>ipfs/0.1.0</c>), or null when absent.</param>
/// <param name="AgentVersion">The implementation (<c>lotus-1.28.0+mainnet</c>), or null when absent.</param>
/// <param name="PublicKey">The peer's public key in the peer-id spec's protobuf form, unchecked here (the caller
/// compares it with the peer id the secure channel authenticated); empty when absent.</param>
/// <param name="ListenAddresses">The listen addresses <see cref="Multiaddr.FromBytes"/> accepts.</param>
/// <param name="ObservedAddress">Our address as the peer sees it, or null when absent or unreadable.</param>
/// <param name="Protocols">The protocols the peer accepts streams for.</param>
/// <param name="SkippedAddresses">Listen addresses skipped because they use protocols <see cref="Multiaddr"/> does
/// not read (<c>/quic-v1</c>, <c>/webtransport</c>, <c>/p2p-circuit</c>…, which real peers list): not a fault.</param>
internal sealed record IdentifyInfo(
    string? ProtocolVersion,
    string? AgentVersion,
    ReadOnlyMemory<byte> PublicKey,
    IReadOnlyList<Multiaddr> ListenAddresses,
    Multiaddr? ObservedAddress,
    IReadOnlyList<string> Protocols,
    int SkippedAddresses)
{
    /// <summary>An identify message with nothing in it.</summary>
    public static IdentifyInfo Empty { get; } = new(null, null, ReadOnlyMemory<byte>.Empty, [], null, [], 0);

    /// <summary>
    /// This information updated by an identify push: each field the push carries replaces ours, each it leaves out
    /// is kept.
    /// </summary>
    /// <remarks>
    /// The spec's rule ("missing fields should be ignored, as peers may choose to send partial updates"). go-libp2p
    /// always pushes its full state (id.go: "It sends full identify messages") and replaces the stored protocols,
    /// addresses and versions with whatever arrives; for its pushes the two rules agree, except that a push with an
    /// empty list keeps ours here. The wire cannot tell "emptied" from "unchanged" (a repeated field has no
    /// presence), and keeping is the safer reading of a partial update. A list is present when it had any entry,
    /// readable or skipped.
    /// </remarks>
    public IdentifyInfo WithPush(IdentifyInfo push)
    {
        ArgumentNullException.ThrowIfNull(push);
        bool pushHasAddresses = push.ListenAddresses.Count > 0 || push.SkippedAddresses > 0;
        return new IdentifyInfo(
            push.ProtocolVersion ?? ProtocolVersion,
            push.AgentVersion ?? AgentVersion,
            push.PublicKey.IsEmpty ? PublicKey : push.PublicKey,
            pushHasAddresses ? push.ListenAddresses : ListenAddresses,
            push.ObservedAddress ?? ObservedAddress,
            push.Protocols.Count > 0 ? push.Protocols : Protocols,
            pushHasAddresses ? push.SkippedAddresses : SkippedAddresses);
    }
}
