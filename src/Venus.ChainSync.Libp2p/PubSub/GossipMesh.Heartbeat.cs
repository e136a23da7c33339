using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p.PubSub;

/// <summary>The heartbeat: mesh and fanout upkeep, opportunistic grafting, gossip.</summary>
internal sealed partial class GossipMesh
{
    /// <summary>
    /// One heartbeat (gossipsub-v1.1.md "Heartbeat", as go's <c>heartbeat</c>): for each joined topic, prunes peers
    /// scoring below zero; grafts up to D when below D_lo; above D_hi keeps the D_score best-scoring peers and fills
    /// to D at random while keeping D_out outbound peers; tops up outbound peers to D_out; every
    /// <c>OpportunisticGraftTicks</c> grafts better peers when the median score is below the threshold. Then expires
    /// fanouts unused for <c>FanoutTTL</c>, refreshes the rest, advertises <paramref name="cache"/>'s recent ids to
    /// D_lazy peers outside each mesh and fanout, shifts the cache and sweeps expired backoffs.
    /// </summary>
    public void Heartbeat(ControlPlan plan, MessageCache cache)
    {
        _ticks++;
        foreach ((string topic, HashSet<PeerId> mesh) in _mesh)
        {
            KeepMesh(topic, mesh, plan);
            EmitGossip(topic, mesh, cache, plan);
        }

        long now = _time.GetTimestamp();
        List<string>? expired = null;
        foreach ((string topic, Fanout fanout) in _fanout)
        {
            if (_time.GetElapsedTime(fanout.LastPublished, now) > _parameters.FanoutTtl)
            {
                (expired ??= []).Add(topic);
                continue;
            }

            fanout.Peers.RemoveWhere(p => !_peers.TryGetValue(p, out MeshPeer? peer) || !peer.Topics.Contains(topic) || _score(p) < _thresholds.Publish);
            foreach (PeerId peer in Pick(Candidates(topic, fanout.Peers, p => _score(p) >= _thresholds.Publish, grafting: false), _parameters.D - fanout.Peers.Count))
            {
                fanout.Peers.Add(peer);
            }

            EmitGossip(topic, fanout.Peers, cache, plan);
        }

        foreach (string topic in expired ?? [])
        {
            _fanout.Remove(topic);
        }

        cache.Shift();
        SweepBackoffs(now);
    }

    private void KeepMesh(string topic, HashSet<PeerId> mesh, ControlPlan plan)
    {
        foreach (PeerId peer in mesh.Where(p => _score(p) < 0).ToList())
        {
            mesh.Remove(peer);
            plan.Prune(peer, topic, _parameters.PruneBackoff);
            SetBackoff(topic, peer, _parameters.PruneBackoff);
        }

        if (mesh.Count < _parameters.Dlo)
        {
            Graft(topic, mesh, Pick(Candidates(topic, mesh, p => _score(p) >= 0), _parameters.D - mesh.Count), plan);
        }

        if (mesh.Count > _parameters.Dhi)
        {
            Shrink(topic, mesh, plan);
        }

        if (mesh.Count >= _parameters.Dlo)
        {
            int outbound = mesh.Count(IsOutbound);
            if (outbound < _parameters.Dout)
            {
                List<PeerId> more = Candidates(topic, mesh, p => IsOutbound(p) && _score(p) >= 0);
                Graft(topic, mesh, Pick(more, _parameters.Dout - outbound), plan);
            }
        }

        if (_ticks % _parameters.OpportunisticGraftTicks == 0 && mesh.Count > 1)
        {
            double median = Median(mesh);
            if (median < _thresholds.OpportunisticGraft)
            {
                List<PeerId> better = Candidates(topic, mesh, p => _score(p) > median);
                Graft(topic, mesh, Pick(better, _parameters.OpportunisticGraftPeers), plan);
            }
        }
    }

    /// <summary>Keeps the D_score best peers and D − D_score more at random, with D_out outbound ones among them
    /// whenever there are that many, and prunes the rest (go's heartbeat, "do we have too many peers?").</summary>
    private void Shrink(string topic, HashSet<PeerId> mesh, ControlPlan plan)
    {
        List<PeerId> ranked = [.. mesh];
        Shuffle(ranked); // ties in score are broken at random
        ranked.Sort((a, b) => _score(b).CompareTo(_score(a)));
        List<PeerId> rest = ranked.GetRange(_parameters.Dscore, ranked.Count - _parameters.Dscore);
        Shuffle(rest);
        List<PeerId> kept = [.. ranked.GetRange(0, _parameters.Dscore), .. rest];

        // The first D must hold D_out outbound peers if there are that many, even at the cost of a well-scored one
        // (go moves them to the front the same way): outbound peers we chose keep a mesh from being all attackers.
        List<PeerId> first = kept.GetRange(0, _parameters.D);
        int have = first.Count(IsOutbound);
        if (have < _parameters.Dout)
        {
            List<PeerId> after = kept.GetRange(_parameters.D, kept.Count - _parameters.D);
            List<PeerId> extra = [.. after.Where(IsOutbound).Take(_parameters.Dout - have)];
            kept = [.. extra, .. first.Where(IsOutbound), .. first.Where(p => !IsOutbound(p)), .. after.Where(p => !extra.Contains(p))];
        }

        for (int i = _parameters.D; i < kept.Count; i++)
        {
            mesh.Remove(kept[i]);
            plan.Prune(kept[i], topic, _parameters.PruneBackoff);
            SetBackoff(topic, kept[i], _parameters.PruneBackoff);
        }
    }

    private static void Graft(string topic, HashSet<PeerId> mesh, List<PeerId> peers, ControlPlan plan)
    {
        foreach (PeerId peer in peers)
        {
            mesh.Add(peer);
            plan.Graft(peer, topic);
        }
    }

    /// <summary>Sends IHAVE for the topic's recent ids to D_lazy peers (or <c>GossipFactor</c> of the eligible ones,
    /// if more) outside <paramref name="exclude"/> that score at least the gossip threshold (gossipsub-v1.1.md,
    /// "Adaptive Gossip Dissemination"); at most <c>MaxIHaveLength</c> ids each.</summary>
    private void EmitGossip(string topic, IReadOnlySet<PeerId> exclude, MessageCache cache, ControlPlan plan)
    {
        List<MessageId> ids = cache.GetGossipIds(topic);
        if (ids.Count == 0)
        {
            return;
        }

        List<PeerId> eligible = Candidates(topic, exclude, p => _score(p) >= _thresholds.Gossip, grafting: false);
        int target = Math.Max(_parameters.Dlazy, (int)(_parameters.GossipFactor * eligible.Count));
        foreach (PeerId peer in Pick(eligible, target))
        {
            List<MessageId> sent = ids;
            if (ids.Count > _parameters.MaxIHaveLength)
            {
                // A different random sample for each peer, as go does, so that together they cover more ids.
                sent = [.. ids];
                Shuffle(sent);
                sent = sent.GetRange(0, _parameters.MaxIHaveLength);
            }

            plan.IHave(peer, topic, sent);
        }
    }

    private bool IsOutbound(PeerId peer) => _peers.TryGetValue(peer, out MeshPeer? known) && known.Outbound;

    private double Median(HashSet<PeerId> mesh)
    {
        double[] scores = [.. mesh.Select(_score)];
        Array.Sort(scores);
        int middle = scores.Length / 2;
        return scores.Length % 2 == 1 ? scores[middle] : (scores[middle - 1] + scores[middle]) / 2;
    }

    private void SweepBackoffs(long now)
    {
        List<(string, PeerId)>? done = null;
        foreach (((string, PeerId) key, long expiry) in _backoff)
        {
            if (now >= expiry)
            {
                (done ??= []).Add(key);
            }
        }

        foreach ((string, PeerId) key in done ?? [])
        {
            _backoff.Remove(key);
        }
    }
}
