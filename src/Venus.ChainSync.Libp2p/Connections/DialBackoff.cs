using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p.Connections;

/// <summary>
/// Which (peer, address) pairs not to dial again yet, after dials to them failed: go-libp2p's swarm
/// <c>DialBackoff</c> (p2p/net/swarm/swarm_dial.go), with its quadratic schedule. A successful dial clears the peer.
/// </summary>
/// <remarks>
/// <para>After a pair's n-th failure in a row it is backed off for <c>min(BackoffBase + BackoffCoefficient·(n−1)²,
/// BackoffMax)</c>: 5 s, 6 s, 9 s, 14 s, 21 s, … up to 5 min. (Go's <c>AddBackoff</c> sets <c>BackoffBase</c> on the
/// first failure with tries = 1, then <c>BackoffBase + BackoffCoef·tries²</c> before incrementing tries.)</para>
/// <para>A pair's count is forgotten once one further backoff period has passed since its backoff ended, as go's
/// <c>cleanup</c> does, so a peer that fails now and then starts again at 5 s. Go sweeps every <c>BackoffMax</c> and
/// bounds nothing else; here the sweep happens when the table is full, at most <see cref="MaxPeers"/> peers and
/// <see cref="MaxAddressesPerPeer"/> addresses each are kept, and beyond that the peer (or address) whose last
/// failure is oldest is dropped: forgetting a backoff costs a wasted dial, never correctness.</para>
/// <para>Thread-safe; pure (no timers, time from the <see cref="TimeProvider"/>).</para>
/// </remarks>
internal sealed class DialBackoff
{
    /// <summary>The first backoff (go: <c>BackoffBase</c>, 5 s).</summary>
    public static readonly TimeSpan BackoffBase = TimeSpan.FromSeconds(5);

    /// <summary>The quadratic coefficient (go: <c>BackoffCoef</c>, 1 s).</summary>
    public static readonly TimeSpan BackoffCoefficient = TimeSpan.FromSeconds(1);

    /// <summary>The longest backoff (go: <c>BackoffMax</c>, 5 min).</summary>
    public static readonly TimeSpan BackoffMax = TimeSpan.FromMinutes(5);

    /// <summary>Peers tracked at once (ours; go has no cap).</summary>
    public const int MaxPeers = 4096;

    /// <summary>Addresses tracked per peer (ours; a peer's signed or identified addresses are far fewer).</summary>
    public const int MaxAddressesPerPeer = 32;

    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<PeerId, Dictionary<Multiaddr, Entry>> _peers = [];

    /// <summary>Creates an empty table reading time from <paramref name="time"/>.</summary>
    public DialBackoff(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <summary>Peers tracked now (for tests and metrics).</summary>
    public int PeerCount
    {
        get
        {
            lock (_lock)
            {
                return _peers.Count;
            }
        }
    }

    /// <summary>Whether <paramref name="address"/> of <paramref name="peer"/> failed recently enough not to dial it yet.</summary>
    public bool IsBackedOff(PeerId peer, Multiaddr address)
    {
        ArgumentNullException.ThrowIfNull(address);
        DateTimeOffset now = _time.GetUtcNow();
        lock (_lock)
        {
            return _peers.TryGetValue(peer, out Dictionary<Multiaddr, Entry>? addresses)
                && addresses.TryGetValue(address, out Entry entry)
                && now < entry.Until;
        }
    }

    /// <summary>Records a failed dial of <paramref name="address"/> of <paramref name="peer"/>, lengthening its backoff.</summary>
    public void RecordFailure(PeerId peer, Multiaddr address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!peer.IsDefined)
        {
            throw new ArgumentException("default(PeerId) is not a peer.", nameof(peer));
        }

        DateTimeOffset now = _time.GetUtcNow();
        lock (_lock)
        {
            if (!_peers.TryGetValue(peer, out Dictionary<Multiaddr, Entry>? addresses))
            {
                if (_peers.Count >= MaxPeers)
                {
                    MakeRoomForPeer(now);
                }

                addresses = [];
                _peers.Add(peer, addresses);
            }

            if (addresses.TryGetValue(address, out Entry entry) && !IsForgotten(entry, now))
            {
                int tries = entry.Tries + 1;
                addresses[address] = new Entry(tries, now + BackoffFor(tries), now);
                return;
            }

            if (!addresses.ContainsKey(address) && addresses.Count >= MaxAddressesPerPeer)
            {
                addresses.Remove(Oldest(addresses));
            }

            addresses[address] = new Entry(1, now + BackoffFor(1), now);
        }
    }

    /// <summary>Forgets every address of <paramref name="peer"/>: call after a successful dial.</summary>
    public void Clear(PeerId peer)
    {
        lock (_lock)
        {
            _peers.Remove(peer);
        }
    }

    /// <summary>The backoff after the <paramref name="failures"/>-th failure in a row (1 or more).</summary>
    public static TimeSpan BackoffFor(int failures)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failures, 1);
        // Capped before squaring: past 18 failures the schedule is at its maximum anyway, and tries² cannot overflow.
        long prior = Math.Min(failures - 1, 1000);
        TimeSpan backoff = BackoffBase + (BackoffCoefficient * (prior * prior));
        return backoff < BackoffMax ? backoff : BackoffMax;
    }

    // Go's cleanup keeps an entry while now < until + backoff(tries): one more period in which another failure
    // still counts as "in a row".
    private static bool IsForgotten(Entry entry, DateTimeOffset now) => now >= entry.Until + BackoffFor(entry.Tries);

    private void MakeRoomForPeer(DateTimeOffset now)
    {
        var emptied = new List<PeerId>();
        foreach ((PeerId peer, Dictionary<Multiaddr, Entry> addresses) in _peers)
        {
            foreach (Multiaddr address in addresses.Where(a => IsForgotten(a.Value, now)).Select(a => a.Key).ToList())
            {
                addresses.Remove(address);
            }

            if (addresses.Count == 0)
            {
                emptied.Add(peer);
            }
        }

        emptied.ForEach(p => _peers.Remove(p));
        if (_peers.Count >= MaxPeers)
        {
            PeerId oldest = _peers.MinBy(p => p.Value.Values.Max(e => e.LastFailure)).Key;
            _peers.Remove(oldest);
        }
    }

    private static Multiaddr Oldest(Dictionary<Multiaddr, Entry> addresses) => addresses.MinBy(a => a.Value.LastFailure).Key;

    /// <summary>One (peer, address) pair: failures in a row, backed off until, and when it last failed.</summary>
    private readonly record struct Entry(int Tries, DateTimeOffset Until, DateTimeOffset LastFailure);
}
