using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p.PubSub;

/// <summary>The score thresholds the mesh consults (gossipsub-v1.1.md, "Score Thresholds").</summary>
/// <param name="Gossip">Below it a peer is sent no gossip (IHAVE) and its gossip is ignored.</param>
/// <param name="Publish">Below it a peer is not sent the messages we publish or forward outside the mesh.</param>
/// <param name="OpportunisticGraft">When the mesh's median score falls below it, better-scoring peers are grafted.</param>
internal sealed record MeshThresholds(double Gossip, double Publish, double OpportunisticGraft);

/// <summary>
/// The gossipsub mesh as pure state and decisions (gossipsub-v1.0.md and v1.1.md, "Mesh Maintenance", "Control
/// Messages"; checked against go-libp2p-pubsub's gossipsub.go): which peers are in each topic's mesh and fanout, the
/// prune backoffs, and what to GRAFT, PRUNE and IHAVE at each step. No I/O and no clock of its own: the router calls
/// it from its one loop with the time, and sends the <see cref="ControlPlan"/> it fills.
/// </summary>
/// <remarks>
/// <para><b>Bounds.</b> Mesh, fanout and backoff entries exist only for topics we joined or published to and for
/// connected peers' announced topics, both capped by the router; a GRAFT for a topic we did not join is ignored
/// without an entry (go's "spam hardening"). Backoff entries expire and are swept at each heartbeat.</para>
/// <para>Not thread-safe: it belongs to the router's loop.</para>
/// </remarks>
internal sealed partial class GossipMesh
{
    private readonly GossipSubParameters _parameters;
    private readonly MeshThresholds _thresholds;
    private readonly Func<PeerId, double> _score;
    private readonly Action<PeerId> _penalise;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly Dictionary<PeerId, MeshPeer> _peers = [];
    private readonly HashSet<PeerId> _direct;
    private readonly Dictionary<string, HashSet<PeerId>> _mesh = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Fanout> _fanout = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Topic, PeerId Peer), long> _backoff = [];
    private long _ticks;

    /// <param name="parameters">D and its friends, the backoffs and the gossip settings.</param>
    /// <param name="thresholds">The score thresholds.</param>
    /// <param name="score">A peer's current score (0 without scoring).</param>
    /// <param name="penalise">Adds one behaviour penalty (P7) to a peer that grafted during its backoff.</param>
    /// <param name="time">The clock for backoffs and fanout expiry.</param>
    /// <param name="random">Shuffles candidates; a seeded one makes decisions repeatable in tests.</param>
    /// <param name="directPeers">Peers we always send to and never mesh with (gossipsub v1.1 "explicit peering").</param>
    public GossipMesh(
        GossipSubParameters parameters,
        MeshThresholds thresholds,
        Func<PeerId, double> score,
        Action<PeerId> penalise,
        TimeProvider time,
        Random random,
        IEnumerable<PeerId>? directPeers = null)
    {
        _parameters = parameters;
        _thresholds = thresholds;
        _score = score;
        _penalise = penalise;
        _time = time;
        _random = random;
        _direct = [.. directPeers ?? []];
    }

    /// <summary>The topics we joined.</summary>
    public IReadOnlyCollection<string> Joined => _mesh.Keys;

    /// <summary>The mesh of <paramref name="topic"/>, empty when we did not join it.</summary>
    public IReadOnlyCollection<PeerId> MeshOf(string topic) => _mesh.TryGetValue(topic, out HashSet<PeerId>? mesh) ? mesh : [];

    /// <summary>The fanout of <paramref name="topic"/> (peers we publish to without having joined).</summary>
    public IReadOnlyCollection<PeerId> FanoutOf(string topic) => _fanout.TryGetValue(topic, out Fanout? fanout) ? fanout.Peers : [];

    /// <summary>A peer whose pubsub stream is up.</summary>
    public void AddPeer(MeshPeer peer) => _peers[peer.Id] = peer;

    /// <summary>A peer that left: out of every mesh and fanout (its backoffs stay until they expire).</summary>
    public void RemovePeer(PeerId peer)
    {
        if (!_peers.Remove(peer))
        {
            return;
        }

        foreach (HashSet<PeerId> mesh in _mesh.Values)
        {
            mesh.Remove(peer);
        }

        foreach (Fanout fanout in _fanout.Values)
        {
            fanout.Peers.Remove(peer);
        }
    }

    /// <summary>The peer announced <paramref name="topic"/>.</summary>
    public void Subscribed(PeerId peer, string topic)
    {
        if (_peers.TryGetValue(peer, out MeshPeer? known))
        {
            known.Topics.Add(topic);
        }
    }

    /// <summary>The peer left <paramref name="topic"/>: out of its mesh and fanout too.</summary>
    public void Unsubscribed(PeerId peer, string topic)
    {
        if (_peers.TryGetValue(peer, out MeshPeer? known))
        {
            known.Topics.Remove(topic);
        }

        if (_mesh.TryGetValue(topic, out HashSet<PeerId>? mesh))
        {
            mesh.Remove(peer);
        }

        if (_fanout.TryGetValue(topic, out Fanout? fanout))
        {
            fanout.Peers.Remove(peer);
        }
    }

    /// <summary>
    /// Joins <paramref name="topic"/>: the mesh starts from the fanout's peers (gossipsub-v1.0.md, "JOIN"), topped up
    /// to D with other peers of the topic that are not backing off and do not score below zero; each is grafted.
    /// </summary>
    public void Join(string topic, ControlPlan plan)
    {
        if (_mesh.ContainsKey(topic))
        {
            return;
        }

        var mesh = new HashSet<PeerId>();
        if (_fanout.Remove(topic, out Fanout? fanout))
        {
            foreach (PeerId peer in fanout.Peers)
            {
                if (_score(peer) >= 0 && !_direct.Contains(peer) && !IsBackingOff(topic, peer))
                {
                    mesh.Add(peer);
                }
            }
        }

        foreach (PeerId peer in Pick(Candidates(topic, mesh, p => _score(p) >= 0), _parameters.D - mesh.Count))
        {
            mesh.Add(peer);
        }

        _mesh.Add(topic, mesh);
        foreach (PeerId peer in mesh)
        {
            plan.Graft(peer, topic);
        }
    }

    /// <summary>Leaves <paramref name="topic"/>: every mesh peer is pruned with the unsubscribe backoff, which we
    /// keep too (go's <c>UnsubscribeBackoff</c>, so that rejoining soon does not graft peers that would refuse).</summary>
    public void Leave(string topic, ControlPlan plan)
    {
        if (!_mesh.Remove(topic, out HashSet<PeerId>? mesh))
        {
            return;
        }

        foreach (PeerId peer in mesh)
        {
            plan.Prune(peer, topic, _parameters.UnsubscribeBackoff);
            SetBackoff(topic, peer, _parameters.UnsubscribeBackoff);
        }
    }

    /// <summary>
    /// A GRAFT from <paramref name="peer"/> (gossipsub-v1.1.md, "Prune Backoff", "Outbound Mesh Quotas"): ignored
    /// for a topic we did not join; refused with a PRUNE for a direct peer, a peer still backing off (which also
    /// costs it a behaviour penalty, two when it comes within the graft flood threshold), a peer scoring below zero,
    /// or an inbound peer when the mesh already holds D_hi; else the peer joins the mesh.
    /// </summary>
    /// <returns>Whether the peer is in the mesh afterwards.</returns>
    public bool HandleGraft(PeerId peer, string topic, ControlPlan plan)
    {
        if (!_mesh.TryGetValue(topic, out HashSet<PeerId>? mesh) || !_peers.TryGetValue(peer, out MeshPeer? known))
        {
            return false;
        }

        if (mesh.Contains(peer))
        {
            return true;
        }

        if (_direct.Contains(peer))
        {
            plan.Prune(peer, topic, _parameters.PruneBackoff);
            return false;
        }

        if (_backoff.TryGetValue((topic, peer), out long expiry) && _time.GetTimestamp() < expiry)
        {
            _penalise(peer);
            // The backoff was set when it was pruned; a graft within the flood threshold of that is worse.
            long prunedAt = expiry - ToTicks(_parameters.PruneBackoff);
            if (_time.GetElapsedTime(prunedAt) < _parameters.GraftFloodThreshold)
            {
                _penalise(peer);
            }

            plan.Prune(peer, topic, _parameters.PruneBackoff);
            SetBackoff(topic, peer, _parameters.PruneBackoff);
            return false;
        }

        if (_score(peer) < 0 || (mesh.Count >= _parameters.Dhi && !known.Outbound))
        {
            plan.Prune(peer, topic, _parameters.PruneBackoff);
            SetBackoff(topic, peer, _parameters.PruneBackoff);
            return false;
        }

        mesh.Add(peer);
        return true;
    }

    /// <summary>A PRUNE from <paramref name="peer"/>: out of the mesh, and not grafted again before its backoff (at
    /// least ours; v1.0 peers announce none).</summary>
    public void HandlePrune(PeerId peer, string topic, TimeSpan? backoff)
    {
        if (_mesh.TryGetValue(topic, out HashSet<PeerId>? mesh))
        {
            mesh.Remove(peer);
        }

        TimeSpan announced = backoff ?? TimeSpan.Zero;
        SetBackoff(topic, peer, announced > _parameters.PruneBackoff ? announced : _parameters.PruneBackoff);
    }

    /// <summary>Whether <paramref name="peer"/> may not be grafted to <paramref name="topic"/> yet.</summary>
    public bool IsBackingOff(string topic, PeerId peer) =>
        _backoff.TryGetValue((topic, peer), out long expiry) && _time.GetTimestamp() < expiry;

    private void SetBackoff(string topic, PeerId peer, TimeSpan backoff)
    {
        long expiry = _time.GetTimestamp() + ToTicks(backoff);
        if (!_backoff.TryGetValue((topic, peer), out long current) || current < expiry)
        {
            _backoff[(topic, peer)] = expiry;
        }
    }

    private long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    /// <summary>Connected peers of <paramref name="topic"/> that speak the mesh protocols, are not in
    /// <paramref name="exclude"/>, not direct, pass <paramref name="accept"/> and, for a mesh
    /// (<paramref name="grafting"/>), are not backing off. Fanout and gossip ignore backoff, as go does.</summary>
    private List<PeerId> Candidates(string topic, IReadOnlySet<PeerId> exclude, Func<PeerId, bool> accept, bool grafting = true)
    {
        var candidates = new List<PeerId>();
        foreach (MeshPeer peer in _peers.Values)
        {
            if (peer.SpeaksMesh && peer.Topics.Contains(topic) && !exclude.Contains(peer.Id) && !_direct.Contains(peer.Id)
                && !(grafting && IsBackingOff(topic, peer.Id)) && accept(peer.Id))
            {
                candidates.Add(peer.Id);
            }
        }

        return candidates;
    }

    /// <summary>Up to <paramref name="count"/> of <paramref name="candidates"/>, at random.</summary>
    private List<PeerId> Pick(List<PeerId> candidates, int count)
    {
        if (count <= 0)
        {
            return [];
        }

        Shuffle(candidates);
        return candidates.Count <= count ? candidates : candidates.GetRange(0, count);
    }

    private void Shuffle<T>(List<T> items)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = _random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private sealed class Fanout(long lastPublished)
    {
        public HashSet<PeerId> Peers { get; } = [];

        public long LastPublished { get; set; } = lastPublished;
    }
}
