using Venus.ChainSync.Network;
using Message = Venus.ChainSync.Libp2p.Protobuf.Message;

namespace Venus.ChainSync.Libp2p.PubSub;

/// <summary>
/// gossipsub's message cache (gossipsub-v1.0.md, "Message Cache"; go's mcache.go): the messages of the last
/// <c>HistoryLength</c> heartbeat windows, served to IWANT, and the ids of the last <c>GossipLength</c> windows,
/// advertised in IHAVE. <see cref="Shift"/> at each heartbeat starts a new window and forgets the oldest.
/// </summary>
/// <remarks>
/// <para>The slack between the two lengths covers the time between our IHAVE and the peer's IWANT: an id is no longer
/// advertised some windows before its message is forgotten.</para>
/// <para><b>Bounds.</b> A peer may fetch one message through IWANT at most <c>GossipRetransmission</c> times (go's
/// default 3), after which <see cref="TryGetForPeer"/> says <see cref="CacheLookup.RetransmissionLimit"/>, so
/// repeating an IWANT cannot make us send a message again and again. The counts go with the message when it leaves
/// the cache. The cached payload is also capped in total bytes (our choice; go's cache has no cap): past the cap,
/// <see cref="Put"/> refuses a message, which is then still delivered and forwarded, only not gossiped.</para>
/// <para>Not thread-safe: it belongs to the router's loop. The messages are shared, not copied: callers must not
/// change a message after putting it.</para>
/// </remarks>
internal sealed class MessageCache
{
    /// <summary>
    /// Default cap on the cached messages' bytes: 64 MiB. With Lotus's 10 windows of 1 s that is 6.4 MiB/s of
    /// validated messages, far above Filecoin's traffic (blocks are a few KiB, a handful per 30 s epoch; Lotus's
    /// message pool refuses messages over 32 KiB); it stops a peer flooding valid 1 MiB messages from holding
    /// HistoryLength × its rate of them.
    /// </summary>
    public const long DefaultMaxBytes = 64L << 20;

    private readonly Dictionary<MessageId, Entry> _entries = [];
    private readonly List<(MessageId Id, string Topic)>[] _windows;
    private readonly int _gossipLength;
    private readonly int _retransmissionLimit;
    private int _newest;

    /// <summary>Creates an empty cache.</summary>
    /// <param name="historyLength">Windows a message is kept for (Lotus 10, go 5).</param>
    /// <param name="gossipLength">Newest windows whose ids are gossiped (go's <c>HistoryGossip</c>, 3); at most
    /// <paramref name="historyLength"/>.</param>
    /// <param name="retransmissionLimit">Times one peer may fetch one message (go's <c>GossipRetransmission</c>, 3).</param>
    /// <param name="maxBytes">Cap on the cached messages' serialized size (see <see cref="DefaultMaxBytes"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException">A length or limit out of range.</exception>
    public MessageCache(int historyLength, int gossipLength, int retransmissionLimit, long maxBytes = DefaultMaxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(historyLength);
        ArgumentOutOfRangeException.ThrowIfNegative(gossipLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(gossipLength, historyLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(retransmissionLimit);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        _windows = new List<(MessageId, string)>[historyLength];
        for (int i = 0; i < historyLength; i++)
        {
            _windows[i] = [];
        }

        _gossipLength = gossipLength;
        _retransmissionLimit = retransmissionLimit;
        MaxBytes = maxBytes;
    }

    /// <summary>Cap on the cached messages' bytes.</summary>
    public long MaxBytes { get; }

    /// <summary>Messages cached.</summary>
    public int Count => _entries.Count;

    /// <summary>Serialized bytes of the cached messages.</summary>
    public long Bytes { get; private set; }

    /// <summary>Adds <paramref name="message"/> under <paramref name="id"/> to the newest window.</summary>
    /// <returns>False when the id is already cached (the cache keeps the first copy) or the message would pass
    /// <see cref="MaxBytes"/>.</returns>
    public bool Put(MessageId id, Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_entries.ContainsKey(id))
        {
            return false;
        }

        int size = message.CalculateSize();
        if (Bytes + size > MaxBytes)
        {
            return false;
        }

        _entries.Add(id, new Entry(message, size));
        _windows[_newest].Add((id, message.Topic));
        Bytes += size;
        return true;
    }

    /// <summary>The cached message with <paramref name="id"/>, without counting a transmission.</summary>
    public bool TryGet(MessageId id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Message? message)
    {
        bool found = _entries.TryGetValue(id, out Entry? entry);
        message = entry?.Message;
        return found;
    }

    /// <summary>
    /// The cached message with <paramref name="id"/> for an IWANT from <paramref name="peer"/>, counted as one more
    /// transmission to that peer when it is returned.
    /// </summary>
    /// <param name="id">The id asked for.</param>
    /// <param name="peer">The peer asking.</param>
    /// <param name="message">The message when the outcome is <see cref="CacheLookup.Found"/>.</param>
    public CacheLookup TryGetForPeer(MessageId id, PeerId peer, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Message? message)
    {
        message = null;
        if (!_entries.TryGetValue(id, out Entry? entry))
        {
            return CacheLookup.NotFound;
        }

        entry.Transmissions ??= [];
        entry.Transmissions.TryGetValue(peer, out int sent);
        if (sent >= _retransmissionLimit)
        {
            return CacheLookup.RetransmissionLimit;
        }

        entry.Transmissions[peer] = sent + 1;
        message = entry.Message;
        return CacheLookup.Found;
    }

    /// <summary>The ids of <paramref name="topic"/> in the newest <c>GossipLength</c> windows, newest window first
    /// (a new list: callers may shuffle and trim it to <c>MaxIHaveLength</c>).</summary>
    public List<MessageId> GetGossipIds(string topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        var ids = new List<MessageId>();
        for (int age = 0; age < _gossipLength; age++)
        {
            foreach ((MessageId id, string entryTopic) in _windows[Index(age)])
            {
                if (string.Equals(entryTopic, topic, StringComparison.Ordinal))
                {
                    ids.Add(id);
                }
            }
        }

        return ids;
    }

    /// <summary>Starts a new window (at each heartbeat) and forgets the messages of the oldest.</summary>
    public void Shift()
    {
        List<(MessageId Id, string Topic)> oldest = _windows[Index(_windows.Length - 1)];
        foreach ((MessageId id, _) in oldest)
        {
            if (_entries.Remove(id, out Entry? entry))
            {
                Bytes -= entry.Size;
            }
        }

        // The oldest window's list, emptied, becomes the newest.
        oldest.Clear();
        _newest = Index(_windows.Length - 1);
    }

    /// <summary>The index in the ring of the window <paramref name="age"/> shifts old.</summary>
    private int Index(int age) => (_newest + age) % _windows.Length;

    private sealed class Entry(Message message, int size)
    {
        public Message Message { get; } = message;

        public int Size { get; } = size;

        /// <summary>IWANT transmissions per peer, created on the first.</summary>
        public Dictionary<PeerId, int>? Transmissions { get; set; }
    }
}

/// <summary>What <see cref="MessageCache.TryGetForPeer"/> found.</summary>
internal enum CacheLookup
{
    /// <summary>Cached, and the peer is under its retransmission limit: send it.</summary>
    Found,

    /// <summary>Not cached (never seen, or forgotten after <c>HistoryLength</c> heartbeats).</summary>
    NotFound,

    /// <summary>Cached, but the peer already had it <c>GossipRetransmission</c> times: do not send it again.</summary>
    RetransmissionLimit,
}
