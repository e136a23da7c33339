using Venus.ChainSync.Libp2p.Connections;

namespace Venus.ChainSync.Libp2p;

/// <summary>
/// Settings of a <see cref="Libp2pHost"/>. Defaults follow go-libp2p, which Lotus runs, and Lotus's own
/// configuration; each says where its number comes from.
/// </summary>
public sealed class Libp2pHostOptions
{
    /// <summary>
    /// Addresses to listen on (<c>/ip4/…/tcp/…</c>, <c>/ip6/…/tcp/…</c>; port 0 picks a free port). Empty: dial
    /// only. Default: none.
    /// </summary>
    public IList<string> ListenAddresses { get; } = [];

    /// <summary>
    /// Peers to connect to at start, as full multiaddrs with <c>/p2p/&lt;peer id&gt;</c> (a node's bootstrap
    /// list). A peer that cannot be reached is logged and retried only when something opens a stream to it.
    /// </summary>
    public IList<string> BootstrapPeers { get; } = [];

    /// <summary>
    /// The identity key; when null, <see cref="IdentityKeyFile"/> is used, and when that is null too a new key is
    /// generated for this run (the peer id then changes on every start).
    /// </summary>
    public Libp2pIdentity? Identity { get; set; }

    /// <summary>
    /// A file holding the identity key in the libp2p protobuf form (<c>crypto.MarshalPrivateKey</c>): loaded when
    /// it exists, otherwise generated and saved there (mode 0600).
    /// </summary>
    public string? IdentityKeyFile { get; set; }

    /// <summary>How the host's gossipsub behaves (<see cref="PubSub.GossipSub"/>, registered as the
    /// <c>IPubSub</c> by <c>AddLibp2pHost</c>).</summary>
    public PubSub.GossipSubOptions PubSub { get; } = new();

    /// <summary>What identify reports as our agent. Default <c>venus-chainsync/&lt;version&gt;</c>.</summary>
    public string AgentVersion { get; set; } = "venus-chainsync/" + typeof(Libp2pHostOptions).Assembly.GetName().Version?.ToString(3);

    /// <summary>Identify's protocol version; go-libp2p and Lotus send <c>ipfs/0.1.0</c>.</summary>
    public string ProtocolVersion { get; set; } = "ipfs/0.1.0";

    /// <summary>Time for a TCP dial including DNS (go-libp2p swarm <c>defaultDialTimeout</c> 15 s).</summary>
    public TimeSpan DialTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Time to secure and multiplex a connection once TCP is up (go-libp2p transport upgrader
    /// <c>defaultAcceptTimeout</c> 15 s).
    /// </summary>
    public TimeSpan UpgradeTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Time to agree a stream's protocol (go-libp2p basic host <c>DefaultNegotiationTimeout</c> 10 s).</summary>
    public TimeSpan NegotiationTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time for a peer's identify answer (go-libp2p identify <c>Timeout</c> 30 s).</summary>
    public TimeSpan IdentifyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether to answer <c>/ipfs/ping/1.0.0</c> (on, as in Lotus).</summary>
    public bool EnablePing { get; set; } = true;

    /// <summary>Connections above which the host trims (Lotus <c>ConnMgrHigh</c> 180).</summary>
    public int HighWater { get; set; } = 180;

    /// <summary>Connections trimming brings the count down to (Lotus <c>ConnMgrLow</c> 150).</summary>
    public int LowWater { get; set; } = 150;

    /// <summary>How long a new connection is safe from trimming (Lotus <c>ConnMgrGrace</c> 20 s).</summary>
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How often the host checks the water marks (go-libp2p connmgr's silence period, 10 s).</summary>
    public TimeSpan TrimInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Caps on inbound connections and on streams, each defaulting to go-libp2p's resource manager as Lotus scales
    /// it (documented on <see cref="ConnectionLimits"/>). Past a connection cap the connection is closed at once;
    /// past a stream cap the stream is reset and the connection keeps serving.
    /// </summary>
    public ConnectionLimits Limits { get; set; } = new();

    /// <summary>The problems with these settings; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        foreach (string address in ListenAddresses)
        {
            if (!Multiaddr.TryParse(address, out _, out string? error))
            {
                problems.Add($"ListenAddresses: '{address}' is not a multiaddr ({error})");
            }
        }

        foreach (string address in BootstrapPeers)
        {
            if (!Multiaddr.TryParse(address, out Multiaddr? parsed, out string? error))
            {
                problems.Add($"BootstrapPeers: '{address}' is not a multiaddr ({error})");
            }
            else if (parsed.PeerId is null)
            {
                problems.Add($"BootstrapPeers: '{address}' has no /p2p/<peer id>");
            }
        }

        Positive(problems, DialTimeout, nameof(DialTimeout));
        Positive(problems, UpgradeTimeout, nameof(UpgradeTimeout));
        Positive(problems, NegotiationTimeout, nameof(NegotiationTimeout));
        Positive(problems, IdentifyTimeout, nameof(IdentifyTimeout));
        Positive(problems, TrimInterval, nameof(TrimInterval));
        if (GracePeriod < TimeSpan.Zero)
        {
            problems.Add($"{nameof(GracePeriod)} must not be negative");
        }

        if (LowWater < 0 || HighWater < 1 || LowWater > HighWater)
        {
            problems.Add($"{nameof(LowWater)} ({LowWater}) and {nameof(HighWater)} ({HighWater}) must satisfy 0 <= LowWater <= HighWater, HighWater >= 1");
        }

        if (string.IsNullOrEmpty(AgentVersion) || AgentVersion.Length > 256)
        {
            problems.Add($"{nameof(AgentVersion)} must be 1 to 256 characters");
        }

        if (string.IsNullOrEmpty(ProtocolVersion) || ProtocolVersion.Length > 256)
        {
            problems.Add($"{nameof(ProtocolVersion)} must be 1 to 256 characters");
        }

        problems.AddRange(Limits.Validate().Select(p => $"{nameof(Limits)}: {p}"));
        problems.AddRange(PubSub.Validate().Select(problem => "PubSub: " + problem));
        return problems;
    }

    private static void Positive(List<string> problems, TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            problems.Add($"{name} must be positive");
        }
    }
}
