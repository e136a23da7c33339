using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p.PubSub;

/// <summary>Where a message goes: publishing and forwarding.</summary>
internal sealed partial class GossipMesh
{
    /// <summary>
    /// The peers a message of <paramref name="topic"/> is sent to (gossipsub-v1.0.md "Message Processing"; v1.1
    /// "Flood Publishing"), never <paramref name="exclude"/> (the peer it came from and its source). Our own messages
    /// with <paramref name="floodPublish"/> (Lotus turns it on) go to every peer of the topic scoring at least the
    /// publish threshold. Otherwise: direct peers and floodsub peers of the topic, plus the mesh when we joined the
    /// topic, or else its fanout, made of up to D peers on first use and kept for <c>FanoutTTL</c> after the last
    /// publish.
    /// </summary>
    public List<PeerId> Targets(string topic, bool ownMessage, bool floodPublish, IReadOnlySet<PeerId> exclude)
    {
        var targets = new List<PeerId>();
        foreach (MeshPeer peer in _peers.Values)
        {
            if (!peer.Topics.Contains(topic) || exclude.Contains(peer.Id))
            {
                continue;
            }

            bool direct = _direct.Contains(peer.Id);
            bool everyone = ownMessage && floodPublish;
            if (direct || ((everyone || !peer.SpeaksMesh) && _score(peer.Id) >= _thresholds.Publish))
            {
                targets.Add(peer.Id);
            }
        }

        if (ownMessage && floodPublish)
        {
            return targets;
        }

        IReadOnlyCollection<PeerId> mesh = _mesh.TryGetValue(topic, out HashSet<PeerId>? joined) ? joined : FanoutFor(topic, ownMessage);
        foreach (PeerId peer in mesh)
        {
            if (!exclude.Contains(peer) && !targets.Contains(peer))
            {
                targets.Add(peer);
            }
        }

        return targets;
    }

    /// <summary>The fanout of a topic we did not join; made on first use, and its publish time renewed when we
    /// publish.</summary>
    private HashSet<PeerId> FanoutFor(string topic, bool publishing)
    {
        long now = _time.GetTimestamp();
        if (!_fanout.TryGetValue(topic, out Fanout? fanout))
        {
            if (!publishing)
            {
                return [];
            }

            fanout = new Fanout(now);
            foreach (PeerId peer in Pick(Candidates(topic, fanout.Peers, p => _score(p) >= _thresholds.Publish, grafting: false), _parameters.D))
            {
                fanout.Peers.Add(peer);
            }

            _fanout.Add(topic, fanout);
        }

        if (publishing)
        {
            fanout.LastPublished = now;
        }

        return fanout.Peers;
    }
}
