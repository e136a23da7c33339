namespace Venus.ChainSync.Libp2p.PubSub;

/// <summary>
/// The router's parameters (gossipsub-v1.0.md and v1.1.md, "Parameters"), defaulting to what a Lotus node runs:
/// go-libp2p-pubsub's defaults (gossipsub.go, the <c>GossipSub*</c> variables; read at v0.16.0 and at the main branch
/// after it, which agree; Lotus's go.mod pins v0.17.0) with the overrides of Lotus's node/modules/lp2p/pubsub.go
/// <c>init()</c>, which Venus's pkg/net/gossipsub.go repeats. Each property says which. Lotus's bootstrapper settings (no mesh: D = Dlo = Dhi = Dout = Dscore = 0, Dlazy 64, gossip
/// factor 0.25, prune backoff 5 min, peer exchange on) are not the default here.
/// </summary>
/// <remarks>Heartbeat counts (<see cref="HistoryLength"/>, the tick counts) are in heartbeats of
/// <see cref="HeartbeatInterval"/>. <see cref="Validate"/> lists what is inconsistent.</remarks>
internal sealed record GossipSubParameters
{
    /// <summary>Lotus's parameters.</summary>
    public static GossipSubParameters Lotus { get; } = new();

    /// <summary>Desired mesh degree: 8 (Lotus; go 6).</summary>
    public int D { get; init; } = 8;

    /// <summary>Fewest mesh peers before the heartbeat grafts more: 6 (Lotus; go 5).</summary>
    public int Dlo { get; init; } = 6;

    /// <summary>Most mesh peers before the heartbeat prunes: 12 (go's default; Lotus sets the same).</summary>
    public int Dhi { get; init; } = 12;

    /// <summary>Mesh peers kept by score when pruning an oversubscribed mesh: 6 (Lotus; go 4).</summary>
    public int Dscore { get; init; } = 6;

    /// <summary>Outbound mesh peers kept when pruning (a sybil defence): 3 (Lotus; go 2).</summary>
    public int Dout { get; init; } = 3;

    /// <summary>Fewest non-mesh peers sent gossip at each heartbeat: 12 (Lotus; go 6).</summary>
    public int Dlazy { get; init; } = 12;

    /// <summary>Delay before the first heartbeat: 100 ms (go's default).</summary>
    public TimeSpan HeartbeatInitialDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Time between heartbeats: 1 s (go's default).</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long fanout state of a topic we publish to without joining is kept after the last publish:
    /// 60 s (go's default).</summary>
    public TimeSpan FanoutTtl { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Heartbeat windows the message cache keeps messages for (IWANT is answered from them): 10 (Lotus;
    /// go 5).</summary>
    public int HistoryLength { get; init; } = 10;

    /// <summary>Newest windows whose ids are advertised in IHAVE: 3 (go's <c>HistoryGossip</c>; Lotus keeps it).</summary>
    public int GossipLength { get; init; } = 3;

    /// <summary>Share of the non-mesh peers sent gossip when that is more than <see cref="Dlazy"/>: 0.1 (Lotus; go
    /// 0.25).</summary>
    public double GossipFactor { get; init; } = 0.1;

    /// <summary>Times one peer may fetch one message through IWANT: 3 (go's default).</summary>
    public int GossipRetransmission { get; init; } = 3;

    /// <summary>Backoff after a PRUNE, and the backoff we announce in ours: 1 min (go's default; Lotus
    /// bootstrappers 5 min).</summary>
    public TimeSpan PruneBackoff { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Backoff announced in the PRUNEs sent when we leave a topic: 10 s (go's default).</summary>
    public TimeSpan UnsubscribeBackoff { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Peers offered in a PRUNE's peer exchange: 16 (go's <c>GossipSubPrunePeers</c>).</summary>
    public int PrunePeers { get; init; } = 16;

    /// <summary>Concurrent dials to peers learnt from peer exchange: 8 (go's default).</summary>
    public int Connectors { get; init; } = 8;

    /// <summary>Most peer-exchange dials waiting for a connector: 128 (go's default).</summary>
    public int MaxPendingConnections { get; init; } = 128;

    /// <summary>Time-out of a peer-exchange dial: 30 s (go's default).</summary>
    public TimeSpan ConnectionTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Heartbeats between reconnection attempts to absent direct peers: 300 (go's default).</summary>
    public int DirectConnectTicks { get; init; } = 300;

    /// <summary>Delay before the first dial of the direct peers: 30 s (Lotus; go 1 s).</summary>
    public TimeSpan DirectConnectInitialDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Heartbeats between opportunistic grafting rounds: 60 (go's default).</summary>
    public int OpportunisticGraftTicks { get; init; } = 60;

    /// <summary>Peers grafted in an opportunistic round: 2 (go's default).</summary>
    public int OpportunisticGraftPeers { get; init; } = 2;

    /// <summary>A GRAFT sooner than this after our PRUNE earns an extra behaviour penalty: 10 s (go's default).</summary>
    public TimeSpan GraftFloodThreshold { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Most ids in one IHAVE, and most ids we ask of one peer per heartbeat: 5000 (go's default).</summary>
    public int MaxIHaveLength { get; init; } = 5000;

    /// <summary>Most IHAVE messages accepted from one peer per heartbeat: 10 (go's default).</summary>
    public int MaxIHaveMessages { get; init; } = 10;

    /// <summary>Time a peer has to deliver what it advertised and we asked for before it counts as a broken promise:
    /// 5 s (Lotus; go 3 s).</summary>
    public TimeSpan IWantFollowupTime { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Most ids in one IDONTWANT (gossipsub v1.2): 10 (go's <c>GossipSubMaxIDontWantLength</c>).</summary>
    public int MaxIDontWantLength { get; init; } = 10;

    /// <summary>Most IDONTWANT messages accepted from one peer per heartbeat: 1000 (go's default).</summary>
    public int MaxIDontWantMessages { get; init; } = 1000;

    /// <summary>Only messages at least this large are announced in IDONTWANT: 1024 bytes (go's default; below it the
    /// announcement would cost more than the duplicate it saves).</summary>
    public int IDontWantMessageThreshold { get; init; } = 1024;

    /// <summary>Heartbeats an IDONTWANT received is honoured for: 3 (go's default).</summary>
    public int IDontWantMessageTtl { get; init; } = 3;

    /// <summary>How long a message id is remembered as seen: 120 s (go's <c>TimeCacheDuration</c>; Lotus sets no
    /// <c>WithSeenMessagesTTL</c>, and its message pool derives a republish interval from this default).</summary>
    public TimeSpan SeenTtl { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Most message ids remembered as seen at once: <see cref="SeenCache.DefaultCapacity"/> (ours; go's
    /// cache is unbounded).</summary>
    public int SeenCapacity { get; init; } = SeenCache.DefaultCapacity;

    /// <summary>Cap on the message cache's bytes: <see cref="MessageCache.DefaultMaxBytes"/> (ours; go's cache is
    /// unbounded).</summary>
    public long MessageCacheMaxBytes { get; init; } = MessageCache.DefaultMaxBytes;

    /// <summary>Largest RPC read or written: 1 MiB (go's <c>DefaultMaxMessageSize</c>, which bounds the whole RPC;
    /// Lotus keeps it, Forest sets the same).</summary>
    public int MaxMessageSize { get; init; } = RpcFraming.DefaultMaxRpcBytes;

    /// <summary>
    /// What is wrong with these parameters, empty when nothing is: go's checks (gossipsub.go <c>validate</c>, where
    /// D = Dlo = Dhi = Dout = 0 is the bootstrapper's allowed "no mesh") plus ranges go leaves to chance (a zero tick
    /// count, which go divides by; a non-positive interval).
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        void Require(bool condition, string problem)
        {
            if (!condition)
            {
                problems.Add(problem);
            }
        }

        Require(D >= 0 && Dlo >= 0 && Dhi >= 0 && Dscore >= 0 && Dout >= 0 && Dlazy >= 0, "the mesh degrees (D, Dlo, Dhi, Dscore, Dout, Dlazy) must not be negative");
        Require(Dscore <= Dhi, $"Dscore ({Dscore}) must not exceed Dhi ({Dhi})");
        bool noMesh = D == 0 && Dlo == 0 && Dhi == 0 && Dout == 0;
        if (!noMesh)
        {
            Require(Dlo <= D && D <= Dhi, $"D ({D}) must lie between Dlo ({Dlo}) and Dhi ({Dhi})");
            // gossipsub-v1.1.md: D_out "must be set below D_lo and at most D/2"; go checks Dout < D / 2 in integer
            // division, which is stricter, so what go refuses is refused here too.
            Require(Dout < Dlo && Dout < D / 2, $"Dout ({Dout}) must be below Dlo ({Dlo}) and below D / 2 ({D / 2})");
        }

        Require(HistoryLength >= 1, $"HistoryLength ({HistoryLength}) must be at least 1");
        Require(GossipLength >= 0 && GossipLength <= HistoryLength, $"GossipLength ({GossipLength}) must lie between 0 and HistoryLength ({HistoryLength})");
        Require(GossipFactor is >= 0 and <= 1, $"GossipFactor ({GossipFactor}) must lie between 0 and 1");
        Require(GossipRetransmission >= 1, $"GossipRetransmission ({GossipRetransmission}) must be at least 1");
        Require(HeartbeatInterval > TimeSpan.Zero, "HeartbeatInterval must be positive");
        Require(HeartbeatInitialDelay >= TimeSpan.Zero, "HeartbeatInitialDelay must not be negative");
        Require(FanoutTtl > TimeSpan.Zero, "FanoutTtl must be positive");
        Require(PruneBackoff > TimeSpan.Zero && UnsubscribeBackoff > TimeSpan.Zero, "PruneBackoff and UnsubscribeBackoff must be positive");
        Require(PrunePeers >= 0, "PrunePeers must not be negative");
        Require(Connectors >= 1 && MaxPendingConnections >= 1, "Connectors and MaxPendingConnections must be at least 1");
        Require(ConnectionTimeout > TimeSpan.Zero, "ConnectionTimeout must be positive");
        Require(DirectConnectTicks >= 1 && OpportunisticGraftTicks >= 1, "DirectConnectTicks and OpportunisticGraftTicks must be at least 1");
        Require(DirectConnectInitialDelay >= TimeSpan.Zero, "DirectConnectInitialDelay must not be negative");
        Require(OpportunisticGraftPeers >= 0, "OpportunisticGraftPeers must not be negative");
        Require(GraftFloodThreshold >= TimeSpan.Zero, "GraftFloodThreshold must not be negative");
        Require(MaxIHaveLength >= 1 && MaxIHaveMessages >= 1, "MaxIHaveLength and MaxIHaveMessages must be at least 1");
        Require(IWantFollowupTime > TimeSpan.Zero, "IWantFollowupTime must be positive");
        Require(MaxIDontWantLength >= 0 && MaxIDontWantMessages >= 0 && IDontWantMessageThreshold >= 0, "the IDONTWANT bounds must not be negative");
        Require(IDontWantMessageTtl >= 1, "IDontWantMessageTtl must be at least 1");
        Require(SeenTtl > TimeSpan.Zero && SeenCapacity >= 1, "SeenTtl must be positive and SeenCapacity at least 1");
        Require(MessageCacheMaxBytes >= 1, "MessageCacheMaxBytes must be at least 1");
        Require(MaxMessageSize >= 1, "MaxMessageSize must be at least 1");
        return problems;
    }
}
