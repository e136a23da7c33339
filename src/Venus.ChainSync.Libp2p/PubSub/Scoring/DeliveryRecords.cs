namespace Venus.ChainSync.Libp2p.PubSub.Scoring;

/// <summary>
/// What the scorer remembers per message id, for P3 (who sent a near-first copy) and P4 (who forwarded an invalid
/// message): go's <c>messageDeliveries</c> (score.go), bounded.
/// </summary>
/// <remarks>
/// <para>A record lives for a fixed time from its creation (go: <c>seenMsgTTL</c>); since that time is the same for
/// all, creation order is expiry order, and expired records are dropped from the front of a queue on every insert and
/// refresh (go sweeps once a minute). At <see cref="PeerScoreLimits.MaxDeliveryRecords"/> the oldest is dropped
/// early; a later copy of that message then finds no record and moves no score, which is what go does for a copy
/// arriving after the TTL.</para>
/// <para>Ids are looked up as spans through an alternate comparer, so only a new record allocates its key. The ids
/// the router reports are ones it computed from messages it received (a Filecoin id is blake2b-256 of the data), so
/// a sender cannot choose their bytes; the hash is <see cref="HashCode.AddBytes"/>, seeded at random per process, so
/// that an id function with sender-chosen bytes (go's default <c>from</c> + <c>seqno</c>) cannot be aimed at one
/// bucket either.</para>
/// </remarks>
internal sealed class DeliveryRecords
{
    private readonly Dictionary<byte[], DeliveryRecord> _records;
    private readonly Dictionary<byte[], DeliveryRecord>.AlternateLookup<ReadOnlySpan<byte>> _bySpan;
    private readonly Queue<(byte[] Id, TimeSpan ExpiresAt)> _order = new();
    private readonly TimeSpan _ttl;
    private readonly int _capacity;

    public DeliveryRecords(TimeSpan ttl, int capacity)
    {
        _ttl = ttl;
        _capacity = capacity;
        _records = new Dictionary<byte[], DeliveryRecord>(IdComparer.Instance);
        _bySpan = _records.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    /// <summary>Records kept now.</summary>
    public int Count => _records.Count;

    /// <summary>Records dropped before their time to make room, since creation (a rising count means a flood or a
    /// bound too small for the traffic).</summary>
    public long Evicted { get; private set; }

    /// <summary>The record of <paramref name="id"/>, or null.</summary>
    public DeliveryRecord? Find(ReadOnlySpan<byte> id, TimeSpan now)
    {
        DropExpired(now);
        return _bySpan.TryGetValue(id, out DeliveryRecord? record) ? record : null;
    }

    /// <summary>The record of <paramref name="id"/>, created (first seen now) if there is none.</summary>
    public DeliveryRecord GetOrAdd(ReadOnlySpan<byte> id, TimeSpan now)
    {
        DropExpired(now);
        if (_bySpan.TryGetValue(id, out DeliveryRecord? record))
        {
            return record;
        }

        if (_records.Count >= _capacity)
        {
            _records.Remove(_order.Dequeue().Id);
            Evicted++;
        }

        byte[] key = id.ToArray();
        record = new DeliveryRecord();
        _records.Add(key, record);
        _order.Enqueue((key, now + _ttl));
        return record;
    }

    /// <summary>Drops the records whose time is up (go: strictly after their expiry).</summary>
    public void DropExpired(TimeSpan now)
    {
        // Every queued id is a live record: records leave only through the queue.
        while (_order.TryPeek(out (byte[] Id, TimeSpan ExpiresAt) oldest) && now > oldest.ExpiresAt)
        {
            _order.Dequeue();
            _records.Remove(oldest.Id);
        }
    }

    /// <summary>Byte-wise equality, with a per-process random seed in the hash.</summary>
    private sealed class IdComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly IdComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x is null ? y is null : y is not null && x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => Hash(obj);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate) => Hash(alternate);

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();

        private static int Hash(ReadOnlySpan<byte> bytes)
        {
            var hash = default(HashCode);
            hash.AddBytes(bytes);
            return hash.ToHashCode();
        }
    }
}
