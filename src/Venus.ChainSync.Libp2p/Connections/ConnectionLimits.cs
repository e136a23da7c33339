namespace Venus.ChainSync.Libp2p.Connections;

/// <summary>
/// How much the host lets the network take: inbound connections in total and per address, handshakes in progress,
/// connections and streams per peer, memory per connection. The defaults are go-libp2p's resource manager
/// (p2p/host/resource-manager, <c>DefaultLimits</c> in limit_defaults.go and conn_limiter.go) as Lotus configures it
/// (node/modules/lp2p/rcmgr.go); each says where it comes from.
/// </summary>
public sealed record ConnectionLimits
{
    /// <summary>
    /// Inbound connections at once, handshaking or established. Lotus raises go's system <c>ConnsInbound</c> (base 64,
    /// plus 64 per GiB of the memory it scales by) to <c>logScale(2 × ConnMgrHigh)</c>, the next power of two above
    /// 2 × 180: 512, to allow two connections per peer.
    /// </summary>
    public int MaxInboundConnections { get; init; } = 512;

    /// <summary>
    /// Inbound connections at once from one IPv4 address (/32) or one IPv6 /56: conn_limiter.go's
    /// <c>defaultMaxConcurrentConns</c>, 8 ("so that it matches the number of concurrent dials" of swarm_dial.go).
    /// Loopback (127.0.0.0/8, ::1) is exempt, as go's <c>DefaultNetworkPrefixLimitV4/V6</c> make it.
    /// </summary>
    public int MaxInboundPerIp { get; init; } = 8;

    /// <summary>Inbound connections at once from one IPv6 /48: conn_limiter.go, 8 × <c>defaultMaxConcurrentConns</c> = 64.</summary>
    public int MaxInboundPerIpv6Slash48 { get; init; } = 64;

    /// <summary>
    /// Inbound connections still in their security and muxer handshakes. Go holds a connection not yet tied to a
    /// peer in the resource manager's transient scope, whose <c>TransientBaseLimit.ConnsInbound</c> is 32. (The
    /// upgrader's <c>AcceptQueueLength</c>, 16, bounds something else: upgraded connections not yet accepted.)
    /// </summary>
    public int MaxPendingUpgrades { get; init; } = 32;

    /// <summary>How long an inbound handshake may take before it is dropped: the upgrader's <c>defaultAcceptTimeout</c>,
    /// 15 s. Internal: the host takes <see cref="Libp2pHostOptions.UpgradeTimeout"/>.</summary>
    internal TimeSpan UpgradeTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Connections to one peer, both directions: <c>PeerBaseLimit.Conns</c>, 8. Internal: the host keeps one
    /// connection per peer.</summary>
    internal int MaxConnectionsPerPeer { get; init; } = 8;

    /// <summary>Streams with one peer, both directions: <c>PeerBaseLimit.Streams</c>, 512.</summary>
    public int MaxStreamsPerPeer { get; init; } = 512;

    /// <summary>Streams one peer may open to us: <c>PeerBaseLimit.StreamsInbound</c>, 256.</summary>
    public int MaxInboundStreamsPerPeer { get; init; } = 256;

    /// <summary>
    /// Streams one peer may open to us for one protocol: <c>ProtocolPeerBaseLimit.StreamsInbound</c>, 64 (the
    /// per-protocol total across peers, <c>ProtocolBaseLimit.StreamsInbound</c>, is 512).
    /// </summary>
    public int MaxInboundStreamsPerProtocol { get; init; } = 64;

    /// <summary>
    /// Receive-buffer memory one connection's streams may reserve beyond their initial 256 KiB windows, in bytes:
    /// <c>ConnBaseLimit.Memory</c>, 32 MiB, the budget go-yamux reserves from when it grows a fast stream's window.
    /// A stream whose window cannot grow within it keeps its window (it runs slower, nothing fails).
    /// </summary>
    public long MemoryPerConnection { get; init; } = 32L << 20;

    /// <summary>The problems with these limits, empty when they are usable: every limit positive, and none larger
    /// than the one that contains it.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        void Positive(string name, long value)
        {
            if (value <= 0)
            {
                problems.Add($"{name} must be positive (is {value}).");
            }
        }

        void AtMost(string name, long value, string outerName, long outer)
        {
            if (value > outer)
            {
                problems.Add($"{name} ({value}) cannot exceed {outerName} ({outer}).");
            }
        }

        Positive(nameof(MaxInboundConnections), MaxInboundConnections);
        Positive(nameof(MaxInboundPerIp), MaxInboundPerIp);
        Positive(nameof(MaxInboundPerIpv6Slash48), MaxInboundPerIpv6Slash48);
        Positive(nameof(MaxPendingUpgrades), MaxPendingUpgrades);
        Positive(nameof(MaxConnectionsPerPeer), MaxConnectionsPerPeer);
        Positive(nameof(MaxStreamsPerPeer), MaxStreamsPerPeer);
        Positive(nameof(MaxInboundStreamsPerPeer), MaxInboundStreamsPerPeer);
        Positive(nameof(MaxInboundStreamsPerProtocol), MaxInboundStreamsPerProtocol);
        Positive(nameof(MemoryPerConnection), MemoryPerConnection);
        if (UpgradeTimeout <= TimeSpan.Zero)
        {
            problems.Add($"{nameof(UpgradeTimeout)} must be positive (is {UpgradeTimeout}).");
        }

        AtMost(nameof(MaxInboundPerIp), MaxInboundPerIp, nameof(MaxInboundPerIpv6Slash48), MaxInboundPerIpv6Slash48);
        AtMost(nameof(MaxInboundPerIpv6Slash48), MaxInboundPerIpv6Slash48, nameof(MaxInboundConnections), MaxInboundConnections);
        AtMost(nameof(MaxPendingUpgrades), MaxPendingUpgrades, nameof(MaxInboundConnections), MaxInboundConnections);
        AtMost(nameof(MaxInboundStreamsPerPeer), MaxInboundStreamsPerPeer, nameof(MaxStreamsPerPeer), MaxStreamsPerPeer);
        AtMost(nameof(MaxInboundStreamsPerProtocol), MaxInboundStreamsPerProtocol, nameof(MaxInboundStreamsPerPeer), MaxInboundStreamsPerPeer);
        return problems;
    }
}
