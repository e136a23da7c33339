namespace Venus.ChainSync.Libp2p.PubSub.Scoring;

/// <summary>
/// Bounds on what the scorer keeps, ours (go-libp2p-pubsub bounds none of these). Peers tracked are the connected ones,
/// which the host bounds, plus at most <see cref="MaxRetainedPeers"/> disconnected ones; per peer there is one counter
/// set per scored topic and at most <see cref="MaxColocationKeysPerPeer"/> addresses.
/// </summary>
internal sealed record PeerScoreLimits
{
    /// <summary>The defaults.</summary>
    public static PeerScoreLimits Default { get; } = new();

    /// <summary>
    /// Delivery records (one per message id under validation or recently delivered, on a scored topic) kept at once:
    /// 65 536. Measured, a record costs about 145 bytes, and about 330 with all of its forwarder slots filled: 9 MiB
    /// at the bound, 20.5 MiB at worst. At the benchmark load of 1 000 messages a second that is 65 s of
    /// records, less than the 120 s TTL; a record is needed for the P3 window (milliseconds) and for as long as
    /// validation takes, so forgetting the oldest early only means a late copy of an old invalid message goes
    /// unpenalised. Filecoin's real traffic (a few blocks per 30 s epoch, tens of messages a second) never reaches it.
    /// </summary>
    public int MaxDeliveryRecords { get; init; } = 1 << 16;

    /// <summary>
    /// Peers remembered per delivery record as having sent a copy: 16, above the mesh's upper bound (Dhi, 12). A peer
    /// beyond this is neither credited P3 nor penalised P4 for that copy; the cap keeps a popular message from costing
    /// one entry per connected peer, and the list is scanned linearly to drop a peer's repeated copies.
    /// </summary>
    public int MaxForwardersPerRecord { get; init; } = 16;

    /// <summary>
    /// Disconnected peers whose (non-positive) score is kept for <see cref="PeerScoreParameters.RetainScore"/>: 4 096,
    /// about 2.5 MiB with Lotus's two topics (measured: some 570 bytes a peer with an IPv4 and an IPv6 address, plus
    /// its id). At the bound the peer retained longest is forgotten first. Peer ids cost an attacker nothing, so
    /// retention deters a careless peer more than a determined one; the bound is there so that reconnecting under new
    /// ids cannot grow memory without limit.
    /// </summary>
    public int MaxRetainedPeers { get; init; } = 4096;

    /// <summary>
    /// Colocation keys kept per peer: 16 (an IPv4 address gives one key, an IPv6 address two: itself and its /64). The
    /// host keeps one connection per peer, so honest peers have one or two; keys past the bound are ignored.
    /// </summary>
    public int MaxColocationKeysPerPeer { get; init; } = 16;

    /// <summary>Longest message id accepted: 256 bytes (a Filecoin id is 32; go's default <c>from</c> + <c>seqno</c>
    /// id is at most a 128-byte peer id plus 8). A longer one is a caller mistake.</summary>
    public int MaxMessageIdLength { get; init; } = 256;

    /// <summary>What is wrong with these limits, empty when nothing is: every bound at least 1.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        void AtLeastOne(string name, int value)
        {
            if (value < 1)
            {
                problems.Add($"{name} must be at least 1 (is {value})");
            }
        }

        AtLeastOne(nameof(MaxDeliveryRecords), MaxDeliveryRecords);
        AtLeastOne(nameof(MaxForwardersPerRecord), MaxForwardersPerRecord);
        AtLeastOne(nameof(MaxRetainedPeers), MaxRetainedPeers);
        AtLeastOne(nameof(MaxColocationKeysPerPeer), MaxColocationKeysPerPeer);
        AtLeastOne(nameof(MaxMessageIdLength), MaxMessageIdLength);
        return problems;
    }
}
