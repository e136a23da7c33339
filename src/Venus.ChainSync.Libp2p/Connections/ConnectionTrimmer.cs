using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p.Connections;

/// <summary>
/// Chooses which peers to disconnect when there are too many: go-libp2p's basic connection manager
/// (p2p/net/connmgr, <c>BasicConnMgr.getConnsToClose</c>) as a pure policy. It tracks connections and protections;
/// the host asks it, closes what it names, and reports the closures back through <see cref="Remove"/>.
/// </summary>
/// <remarks>
/// <para>A trim runs when at least <see cref="HighWater"/> peers are connected (go's background loop skips only
/// below the high mark) and at most once per <see cref="SilencePeriod"/>. Candidates are the peers neither protected
/// nor still in their <see cref="GracePeriod"/> since their first current connection. If fewer than
/// <see cref="LowWater"/> are candidates nothing is closed (go: "too many are in the grace period"); otherwise all but
/// <see cref="LowWater"/> candidates are, so protected and new peers come on top of the low mark, as in go.</para>
/// <para>Order, lowest first: the score (go's tag value; 0 without a score function), then peers with an inbound
/// connection (go prunes inbound first), then peer id bytes, so equal peers always give the same answer. Go counts
/// connections and also weighs open streams, which this host does not track here; with one connection per peer, the
/// usual case, the counts agree.</para>
/// <para>A mark of 0 disables trimming, as in go.</para>
/// <para>Thread-safe. The score function is called outside the lock, once per candidate per trim.</para>
/// </remarks>
internal sealed class ConnectionTrimmer
{
    /// <summary>Lotus's <c>ConnMgrLow</c> (node/config/def.go): 150.</summary>
    public const int DefaultLowWater = 150;

    /// <summary>Lotus's <c>ConnMgrHigh</c> (node/config/def.go): 180.</summary>
    public const int DefaultHighWater = 180;

    /// <summary>Lotus's <c>ConnMgrGrace</c> (node/config/def.go): 20 s (go-libp2p's own default is 1 min).</summary>
    public static readonly TimeSpan DefaultGracePeriod = TimeSpan.FromSeconds(20);

    /// <summary>go-libp2p connmgr's <c>silencePeriod</c> default (NewConnManager): 10 s.</summary>
    public static readonly TimeSpan DefaultSilencePeriod = TimeSpan.FromSeconds(10);

    private readonly Func<PeerId, double>? _score;
    private readonly Lock _lock = new();
    private readonly Dictionary<long, Connection> _connections = [];
    private readonly Dictionary<PeerId, List<Connection>> _byPeer = [];
    private readonly Dictionary<PeerId, HashSet<string>> _protections = [];
    private long _nextId;
    private DateTimeOffset? _lastTrim;

    /// <summary>Creates a trimmer with no connections.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative mark or period, or <paramref name="lowWater"/> above <paramref name="highWater"/>.</exception>
    public ConnectionTrimmer(
        int lowWater = DefaultLowWater,
        int highWater = DefaultHighWater,
        TimeSpan? gracePeriod = null,
        TimeSpan? silencePeriod = null,
        Func<PeerId, double>? score = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lowWater);
        ArgumentOutOfRangeException.ThrowIfLessThan(highWater, lowWater);
        LowWater = lowWater;
        HighWater = highWater;
        GracePeriod = gracePeriod ?? DefaultGracePeriod;
        SilencePeriod = silencePeriod ?? DefaultSilencePeriod;
        ArgumentOutOfRangeException.ThrowIfLessThan(GracePeriod, TimeSpan.Zero, nameof(gracePeriod));
        ArgumentOutOfRangeException.ThrowIfLessThan(SilencePeriod, TimeSpan.Zero, nameof(silencePeriod));
        _score = score;
    }

    /// <summary>Candidates a trim leaves connected.</summary>
    public int LowWater { get; }

    /// <summary>Connected peers at which a trim runs.</summary>
    public int HighWater { get; }

    /// <summary>How long after its first current connection a peer cannot be chosen.</summary>
    public TimeSpan GracePeriod { get; }

    /// <summary>Least time between two trims.</summary>
    public TimeSpan SilencePeriod { get; }

    /// <summary>Peers with at least one tracked connection.</summary>
    public int ConnectedPeers
    {
        get
        {
            lock (_lock)
            {
                return _byPeer.Count;
            }
        }
    }

    /// <summary>Tracks a new connection to <paramref name="peer"/>; the id returned is what <see cref="Remove"/> takes.</summary>
    public long Add(PeerId peer, DateTimeOffset openedAt, bool isInbound)
    {
        if (!peer.IsDefined)
        {
            throw new ArgumentException("default(PeerId) is not a peer.", nameof(peer));
        }

        lock (_lock)
        {
            var connection = new Connection(++_nextId, peer, openedAt, isInbound);
            _connections.Add(connection.Id, connection);
            if (!_byPeer.TryGetValue(peer, out List<Connection>? list))
            {
                list = [];
                _byPeer.Add(peer, list);
            }

            list.Add(connection);
            return connection.Id;
        }
    }

    /// <summary>Stops tracking a connection; false when it was not tracked (already removed).</summary>
    public bool Remove(long connection)
    {
        lock (_lock)
        {
            if (!_connections.Remove(connection, out Connection? removed))
            {
                return false;
            }

            List<Connection> list = _byPeer[removed.Peer];
            list.Remove(removed);
            if (list.Count == 0)
            {
                _byPeer.Remove(removed.Peer);
            }

            return true;
        }
    }

    /// <summary>Protects <paramref name="peer"/> from trimming under <paramref name="tag"/> (go: <c>Protect</c>); a peer
    /// may be protected before it connects.</summary>
    public void Protect(PeerId peer, string tag)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        lock (_lock)
        {
            if (!_protections.TryGetValue(peer, out HashSet<string>? tags))
            {
                tags = new HashSet<string>(StringComparer.Ordinal);
                _protections.Add(peer, tags);
            }

            tags.Add(tag);
        }
    }

    /// <summary>Removes one protection; returns whether <paramref name="peer"/> is still protected by another tag,
    /// as go's <c>Unprotect</c> does.</summary>
    public bool Unprotect(PeerId peer, string tag)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        lock (_lock)
        {
            if (!_protections.TryGetValue(peer, out HashSet<string>? tags))
            {
                return false;
            }

            tags.Remove(tag);
            if (tags.Count == 0)
            {
                _protections.Remove(peer);
                return false;
            }

            return true;
        }
    }

    /// <summary>Whether any tag protects <paramref name="peer"/>.</summary>
    public bool IsProtected(PeerId peer)
    {
        lock (_lock)
        {
            return _protections.ContainsKey(peer);
        }
    }

    /// <summary>
    /// The peers to disconnect now, lowest value first; empty below the high mark, within the silence period of the
    /// last trim, or when too few peers are out of their grace period. A non-empty answer (and a trim that found
    /// too few candidates) starts a new silence period. The peers stay tracked until their connections are removed.
    /// </summary>
    public IReadOnlyList<PeerId> SelectPeersToClose(DateTimeOffset now)
    {
        List<Candidate> candidates;
        lock (_lock)
        {
            if (LowWater == 0 || HighWater == 0 || _byPeer.Count < HighWater || (_lastTrim is { } last && now < last + SilencePeriod))
            {
                return [];
            }

            _lastTrim = now;
            DateTimeOffset graceStart = now - GracePeriod;
            candidates =
            [
                .. _byPeer
                    .Where(p => !_protections.ContainsKey(p.Key))
                    .Where(p => p.Value.Min(c => c.OpenedAt) <= graceStart)
                    .Select(p => new Candidate(p.Key, p.Value.Exists(c => c.IsInbound), 0)),
            ];
        }

        if (candidates.Count <= LowWater)
        {
            return [];
        }

        if (_score is not null)
        {
            candidates = [.. candidates.Select(c => c with { Score = _score(c.Peer) })];
        }

        return
        [
            .. candidates
                .OrderBy(c => c.Score)
                .ThenBy(c => c.HasInbound ? 0 : 1)
                .ThenBy(c => c.Peer, PeerOrder.Instance)
                .Take(candidates.Count - LowWater)
                .Select(c => c.Peer),
        ];
    }

    /// <summary>One tracked connection.</summary>
    private sealed record Connection(long Id, PeerId Peer, DateTimeOffset OpenedAt, bool IsInbound);

    /// <summary>A peer that may be closed, with what orders it.</summary>
    private readonly record struct Candidate(PeerId Peer, bool HasInbound, double Score);

    /// <summary>Orders peers by their id bytes, lexicographically, for a stable tie-break.</summary>
    private sealed class PeerOrder : IComparer<PeerId>
    {
        public static readonly PeerOrder Instance = new();

        public int Compare(PeerId x, PeerId y) => x.Bytes.SequenceCompareTo(y.Bytes);
    }
}
