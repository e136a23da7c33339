namespace Venus.ChainSync.Libp2p.PubSub;

/// <summary>
/// The ids of messages already seen, each remembered for a fixed time from when it was first seen (go-libp2p-pubsub's
/// default <c>Strategy_FirstSeen</c>: seeing it again does not extend it), and never more than a fixed number of them.
/// </summary>
/// <remarks>
/// <para>Ids are kept in a set and, in the order they were added, in a queue with their expiry. The time-to-live is
/// the same for all, so the queue is in expiry order too and every call first drops the expired ids from its front:
/// expiry is O(1) amortised, with no background sweep (go sweeps once a minute, so its ids live up to a minute
/// longer than the TTL; here they go on time). Time is the monotonic <see cref="TimeProvider.GetTimestamp"/>, which a
/// change of the wall clock does not move.</para>
/// <para><b>At the bound</b> the oldest id is forgotten early, as if its time had run out, to make room. A flood of
/// new ids can therefore make an old message look new again, in which case it is validated again (the Filecoin
/// validators Ignore stale blocks and repeats) and forwarded at most once more. The other choice, refusing new ids,
/// would let every copy of every current message through the moment the cache is full, which is worse.</para>
/// <para>Not thread-safe: it belongs to the router's loop.</para>
/// </remarks>
internal sealed class SeenCache
{
    /// <summary>
    /// Default bound: 131 072 ids, about 11 MiB at the bound (some 44 bytes an id in the set, 40 in the queue). It
    /// holds 1 000 messages a second (the sustained load the benchmark asks for) for go's 120 s TTL, with
    /// room to spare; Filecoin's real traffic (a few blocks per 30 s epoch, tens of messages a second) is far below.
    /// go's cache has no bound.
    /// </summary>
    public const int DefaultCapacity = 1 << 17;

    private readonly HashSet<MessageId> _ids;
    private readonly Queue<(MessageId Id, long ExpiresAt)> _order;
    private readonly TimeProvider _time;
    private readonly long _ttlTicks;

    /// <summary>Creates an empty cache.</summary>
    /// <param name="ttl">How long an id is remembered from when it was first added (go's <c>TimeCacheDuration</c>,
    /// 120 s, which Lotus keeps; see <see cref="GossipSubParameters.SeenTtl"/>).</param>
    /// <param name="capacity">Most ids remembered at once (see <see cref="DefaultCapacity"/>).</param>
    /// <param name="time">The clock.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ttl"/> or <paramref name="capacity"/> is not
    /// positive.</exception>
    public SeenCache(TimeSpan ttl, int capacity, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _ttlTicks = (long)(ttl.TotalSeconds * time.TimestampFrequency);
        Capacity = capacity;
        _ids = [];
        _order = new Queue<(MessageId, long)>();
    }

    /// <summary>Most ids remembered at once.</summary>
    public int Capacity { get; }

    /// <summary>Ids remembered now (expired ones included until the next call drops them).</summary>
    public int Count => _ids.Count;

    /// <summary>Ids forgotten before their time to make room, since creation (for a metric: a rising count means
    /// the bound is too small for the traffic, or a flood).</summary>
    public long Evictions { get; private set; }

    /// <summary>Whether <paramref name="id"/> was added within the TTL.</summary>
    public bool Contains(MessageId id)
    {
        Expire(_time.GetTimestamp());
        return _ids.Contains(id);
    }

    /// <summary>Remembers <paramref name="id"/> as seen now.</summary>
    /// <returns>True when it was new; false when it is already remembered (its expiry is left as it was).</returns>
    public bool TryAdd(MessageId id)
    {
        long now = _time.GetTimestamp();
        Expire(now);
        if (_ids.Contains(id))
        {
            return false;
        }

        if (_ids.Count == Capacity)
        {
            _ids.Remove(_order.Dequeue().Id);
            Evictions++;
        }

        _ids.Add(id);
        _order.Enqueue((id, now + _ttlTicks));
        return true;
    }

    private void Expire(long now)
    {
        while (_order.TryPeek(out (MessageId Id, long ExpiresAt) oldest) && oldest.ExpiresAt <= now)
        {
            _order.Dequeue();
            _ids.Remove(oldest.Id);
        }
    }
}
