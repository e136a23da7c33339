using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p.PubSub.Scoring;

internal sealed partial class PeerScore
{
    /// <summary>
    /// The heartbeat's maintenance (go's <c>refreshScores</c> plus its delivery-record sweep): forgets retained scores
    /// whose time is up; decays the counters of connected peers once for every whole
    /// <see cref="PeerScoreParameters.DecayInterval"/> since the last decay, a counter below
    /// <see cref="PeerScoreParameters.DecayToZero"/> becoming 0; brings time in mesh up to date and activates P3 for
    /// peers in the mesh longer than the activation time; drops expired delivery records.
    /// </summary>
    /// <remarks>Call it at least once per decay interval (the heartbeat, 1 s, does). Calling it more often is harmless:
    /// decay waits for a whole interval. Retained scores do not decay, as in go: a peer should not come back better
    /// for having been away.</remarks>
    public void RefreshScores()
    {
        lock (_lock)
        {
            TimeSpan now = Now;
            long intervals = (now - _lastDecay).Ticks / _parameters.DecayInterval.Ticks;
            _lastDecay += _parameters.DecayInterval * intervals;
            ForgetExpiredRetained(now);
            TopicDecay[]? topicDecay = intervals > 0 ? TopicDecays(intervals) : null;
            double behaviourDecay = Math.Pow(_parameters.BehaviourPenaltyDecay, intervals);
            foreach (PeerCounters counters in _peers.Values)
            {
                if (!counters.Connected)
                {
                    continue;
                }

                for (int i = 0; i < counters.Topics.Length; i++)
                {
                    Refresh(ref counters.Topics[i], _topics[i], topicDecay?[i], now);
                }

                if (intervals > 0)
                {
                    counters.BehaviourPenalty = Decayed(counters.BehaviourPenalty, behaviourDecay);
                }
            }

            _deliveries.DropExpired(now);
        }
    }

    private void Refresh(ref TopicCounters counter, TopicScoreParameters parameters, TopicDecay? decay, TimeSpan now)
    {
        if (decay is { } d)
        {
            counter.FirstMessageDeliveries = Decayed(counter.FirstMessageDeliveries, d.FirstMessageDeliveries);
            counter.MeshMessageDeliveries = Decayed(counter.MeshMessageDeliveries, d.MeshMessageDeliveries);
            counter.MeshFailurePenalty = Decayed(counter.MeshFailurePenalty, d.MeshFailurePenalty);
            counter.InvalidMessageDeliveries = Decayed(counter.InvalidMessageDeliveries, d.InvalidMessageDeliveries);
        }

        if (counter.InMesh)
        {
            counter.MeshTime = now - counter.GraftedAt;
            if (counter.MeshTime > parameters.MeshMessageDeliveriesActivation)
            {
                counter.MeshMessageDeliveriesActive = true;
            }
        }
    }

    // Decaying k times by f is one multiplication by f^k; and zeroing below the threshold after each step or once at
    // the end gives the same result, since the value only falls.
    private double Decayed(double value, double factor)
    {
        double decayed = value * factor;
        return decayed < _parameters.DecayToZero ? 0 : decayed;
    }

    private TopicDecay[] TopicDecays(long intervals)
    {
        var decays = new TopicDecay[_topics.Length];
        for (int i = 0; i < _topics.Length; i++)
        {
            TopicScoreParameters t = _topics[i];
            decays[i] = new TopicDecay(
                Math.Pow(t.FirstMessageDeliveriesDecay, intervals),
                Math.Pow(t.MeshMessageDeliveriesDecay, intervals),
                Math.Pow(t.MeshFailurePenaltyDecay, intervals),
                Math.Pow(t.InvalidMessageDeliveriesDecay, intervals));
        }

        return decays;
    }

    private void ForgetExpiredRetained(TimeSpan now)
    {
        // Retained in disconnection order, all for the same period: the expired ones are at the front.
        while (_retentionOrder.First is { } oldest && now > _peers[oldest.Value].RetainedUntil)
        {
            PeerId peer = oldest.Value;
            Forget(peer, _peers[peer]);
        }
    }

    private readonly record struct TopicDecay(double FirstMessageDeliveries, double MeshMessageDeliveries, double MeshFailurePenalty, double InvalidMessageDeliveries);
}
