using System.Diagnostics.CodeAnalysis;
using System.Net;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p.PubSub.Scoring;

/// <summary>
/// Gossipsub v1.1 peer scoring (gossipsub-v1.1.md, "Peer Scoring"): the counters behind P1–P7 for every tracked peer
/// and the score function over them, with the behaviour of go-libp2p-pubsub's <c>peerScore</c> (score.go) wherever
/// the spec leaves a choice. The router reports events (<see cref="AddPeer"/>, <see cref="Graft"/>,
/// <see cref="DeliverMessage"/>, …), calls <see cref="RefreshScores"/> on its heartbeat and asks
/// <see cref="Score"/>.
/// </summary>
/// <remarks>
/// <para><b>Pure.</b> No timers and no I/O: time comes from the <see cref="TimeProvider"/> (its monotonic timestamp),
/// counters decay only in <see cref="RefreshScores"/>, and time in mesh (P1, and P3's activation) is brought up to
/// date there too, as in go. Thread-safe: one lock, held briefly; <see cref="PeerScoreParameters.AppSpecificScore"/>
/// runs under it.</para>
/// <para><b>Bounds.</b> Tracked peers are the connected ones (the router reports only those, and the host bounds
/// them) plus at most <see cref="PeerScoreLimits.MaxRetainedPeers"/> retained ones. A peer costs one
/// <see cref="PeerCounters"/> with a <see cref="TopicCounters"/> per scored topic (fixed by the parameters; messages
/// on other topics create nothing) and at most <see cref="PeerScoreLimits.MaxColocationKeysPerPeer"/> colocation
/// keys. Delivery records are bounded by <see cref="PeerScoreLimits.MaxDeliveryRecords"/>, each with at most
/// <see cref="PeerScoreLimits.MaxForwardersPerRecord"/> peers.</para>
/// <para><b>Hash probes per event.</b> Peers are keyed by <see cref="PeerId"/>, whose hash is
/// <see cref="HashCode.AddBytes"/> over its bytes, seeded at random per process; its bytes are a public key or a
/// SHA-256 of one, which a peer can mint freely but not shape, and without the seed it could not aim them at one
/// bucket anyway, so the key is used as it is. Equality compares at most 128 bytes. A message event costs one topic probe (ordinal string hash,
/// over a table fixed at construction), one record probe and one peer probe for the sender, plus one peer probe per
/// remembered forwarder when validation ends. <see cref="Score"/> costs one peer probe and one colocation probe per
/// key.</para>
/// <para><b>Where this differs from go</b>: decay catches up on whole decay intervals elapsed since the last one,
/// rather than once per ticker tick (a late heartbeat still decays by the right amount); a copy of an id with no
/// record creates none (go creates one that nothing will ever resolve); the first deliverer of a message is
/// remembered with its forwarders, so that it cannot earn P3 twice by sending the message again within the window;
/// <see cref="RemovePeer"/> of a peer already retained does not extend its retention; messages on unscored topics
/// get no record; P3 stops when a peer leaves the mesh (go keeps charging it until the peer is grafted again, on top
/// of P3b; the spec's P3 is a mesh peer's, and rust-libp2p and js-libp2p-gossipsub stop it).</para>
/// </remarks>
internal sealed partial class PeerScore
{
    private readonly PeerScoreParameters _parameters;
    private readonly PeerScoreLimits _limits;
    private readonly TimeProvider _time;
    private readonly long _startedAt;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _topicIndex = new(StringComparer.Ordinal);
    private readonly TopicScoreParameters[] _topics;
    private readonly Dictionary<PeerId, PeerCounters> _peers = [];
    private readonly LinkedList<PeerId> _retentionOrder = new();
    private readonly IPColocation _colocation;
    private readonly DeliveryRecords _deliveries;
    private readonly Func<PeerId, double> _appSpecificScore;
    private TimeSpan _lastDecay;

    /// <summary>Creates a scorer tracking no peers.</summary>
    /// <exception cref="ArgumentException"><paramref name="parameters"/> or <paramref name="limits"/> fail their
    /// <c>Validate</c>; the message lists the problems.</exception>
    public PeerScore(PeerScoreParameters parameters, TimeProvider time, PeerScoreLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(time);
        limits ??= PeerScoreLimits.Default;
        IReadOnlyList<string> problems = [.. parameters.Validate(), .. limits.Validate()];
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid peer score parameters: " + string.Join("; ", problems), nameof(parameters));
        }

        _parameters = parameters;
        _limits = limits;
        _time = time;
        _startedAt = time.GetTimestamp();
        _appSpecificScore = parameters.AppSpecificScore!;
        // Copied, so that the caller's dictionary changing later changes nothing here.
        var topics = new List<TopicScoreParameters>(parameters.Topics.Count);
        foreach ((string topic, TopicScoreParameters topicParameters) in parameters.Topics)
        {
            _topicIndex.Add(topic, topics.Count);
            topics.Add(topicParameters);
        }

        _topics = [.. topics];

        _colocation = new IPColocation(parameters.IPColocationFactorWhitelist, limits.MaxColocationKeysPerPeer);
        _deliveries = new DeliveryRecords(parameters.SeenMessageTtl, limits.MaxDeliveryRecords);
    }

    /// <summary>Peers tracked now, connected and retained.</summary>
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

    /// <summary>Disconnected peers whose score is retained now.</summary>
    public int RetainedPeerCount
    {
        get
        {
            lock (_lock)
            {
                return _retentionOrder.Count;
            }
        }
    }

    /// <summary>Delivery records kept now.</summary>
    public int DeliveryRecordCount
    {
        get
        {
            lock (_lock)
            {
                return _deliveries.Count;
            }
        }
    }

    /// <summary>Delivery records dropped early to stay within the bound, since creation.</summary>
    public long DeliveryRecordsEvicted
    {
        get
        {
            lock (_lock)
            {
                return _deliveries.Evicted;
            }
        }
    }

    private TimeSpan Now => _time.GetElapsedTime(_startedAt);

    /// <summary>
    /// A peer connected (go: <c>OnNewOutboundStream</c>), seen from <paramref name="addresses"/> (its connections'
    /// remote IPs, for P6). A peer whose score is retained picks it up again. Called again for a connected peer, it
    /// replaces the peer's addresses (go's periodic <c>refreshIPs</c>).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="peer"/> is <c>default</c>.</exception>
    public void AddPeer(PeerId peer, IEnumerable<IPAddress> addresses)
    {
        RequireDefined(peer);
        ArgumentNullException.ThrowIfNull(addresses);
        lock (_lock)
        {
            IPAddress[] keys = _colocation.KeysOf(addresses);
            if (!_peers.TryGetValue(peer, out PeerCounters? counters))
            {
                counters = new PeerCounters(_topics.Length);
                _peers.Add(peer, counters);
            }

            if (counters.RetentionNode is not null)
            {
                _retentionOrder.Remove(counters.RetentionNode);
                counters.RetentionNode = null;
            }

            counters.Connected = true;
            _colocation.Remove(counters.ColocationKeys);
            _colocation.Add(keys);
            counters.ColocationKeys = keys;
        }
    }

    /// <summary>
    /// A peer disconnected (go: <c>OnClosedOutboundStream</c>). A positive score is forgotten. A score of 0 or less is
    /// retained for <see cref="PeerScoreParameters.RetainScore"/> without decaying, so that reconnecting does not wash
    /// it: its first-delivery counters are reset, it leaves every mesh, and a mesh peer with an active P3 deficit
    /// collects the P3b penalty as at a prune. Its addresses still count for P6 meanwhile, as in go.
    /// </summary>
    public void RemovePeer(PeerId peer)
    {
        lock (_lock)
        {
            if (!_peers.TryGetValue(peer, out PeerCounters? counters) || !counters.Connected)
            {
                return;
            }

            if (ComputeScore(peer, counters) > 0)
            {
                Forget(peer, counters);
                return;
            }

            for (int i = 0; i < counters.Topics.Length; i++)
            {
                ref TopicCounters topic = ref counters.Topics[i];
                topic.FirstMessageDeliveries = 0;
                if (topic.InMesh)
                {
                    topic.MeshFailurePenalty += topic.MeshDeliveryDeficitSquared(_topics[i]);
                }

                topic.InMesh = false;
                topic.MeshMessageDeliveriesActive = false;
            }

            counters.Connected = false;
            counters.RetainedUntil = Now + _parameters.RetainScore;
            if (_retentionOrder.Count >= _limits.MaxRetainedPeers)
            {
                // The one retained longest has the least time left: all are retained for the same period.
                PeerId oldest = _retentionOrder.First!.Value;
                Forget(oldest, _peers[oldest]);
            }

            counters.RetentionNode = _retentionOrder.AddLast(peer);
        }
    }

    /// <summary>We grafted <paramref name="peer"/> into our mesh for <paramref name="topic"/>, or accepted its GRAFT:
    /// its time in mesh starts from now and P3 waits for the activation time again.</summary>
    public void Graft(PeerId peer, string topic)
    {
        lock (_lock)
        {
            if (!TryGetTopic(peer, topic, out PeerCounters? counters, out int index))
            {
                return;
            }

            ref TopicCounters counter = ref counters.Topics[index];
            counter.InMesh = true;
            counter.GraftedAt = Now;
            counter.MeshTime = TimeSpan.Zero;
            counter.MeshMessageDeliveriesActive = false;
        }
    }

    /// <summary><paramref name="peer"/> left our mesh for <paramref name="topic"/> (either side pruned): with an active
    /// P3 deficit it collects the sticky P3b penalty (the deficit squared), and P3 stops applying.</summary>
    public void Prune(PeerId peer, string topic)
    {
        lock (_lock)
        {
            if (!TryGetTopic(peer, topic, out PeerCounters? counters, out int index))
            {
                return;
            }

            ref TopicCounters counter = ref counters.Topics[index];
            counter.MeshFailurePenalty += counter.MeshDeliveryDeficitSquared(_topics[index]);
            counter.InMesh = false;
            // P3 is for mesh peers: once out, the sticky P3b carries the deficit (go leaves P3 on until the next
            // graft and so charges the deficit twice; the spec, rust-libp2p and js-libp2p-gossipsub do not).
            counter.MeshMessageDeliveriesActive = false;
        }
    }

    /// <summary>Adds <paramref name="count"/> to <paramref name="peer"/>'s behaviour penalty (P7), for what the router
    /// counts as misbehaviour: a GRAFT during backoff, IHAVE promises not kept.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public void AddPenalty(PeerId peer, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_lock)
        {
            if (_peers.TryGetValue(peer, out PeerCounters? counters))
            {
                counters.BehaviourPenalty += count;
            }
        }
    }

    /// <summary><paramref name="peer"/>'s score now; 0 for a peer not tracked. Time in mesh is as of the last
    /// <see cref="RefreshScores"/>.</summary>
    public double Score(PeerId peer)
    {
        lock (_lock)
        {
            return _peers.TryGetValue(peer, out PeerCounters? counters) ? ComputeScore(peer, counters) : 0;
        }
    }

    private bool TryGetTopic(PeerId peer, string topic, [NotNullWhen(true)] out PeerCounters? counters, out int index)
    {
        ArgumentNullException.ThrowIfNull(topic);
        index = -1;
        counters = null;
        return _topicIndex.TryGetValue(topic, out index) && _peers.TryGetValue(peer, out counters);
    }

    private void Forget(PeerId peer, PeerCounters counters)
    {
        if (counters.RetentionNode is not null)
        {
            _retentionOrder.Remove(counters.RetentionNode);
            counters.RetentionNode = null;
        }

        _colocation.Remove(counters.ColocationKeys);
        _peers.Remove(peer);
    }

    private static void RequireDefined(PeerId peer)
    {
        if (!peer.IsDefined)
        {
            throw new ArgumentException("default(PeerId) is not a peer.", nameof(peer));
        }
    }
}
