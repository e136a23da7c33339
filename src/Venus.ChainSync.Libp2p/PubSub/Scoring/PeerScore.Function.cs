using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p.PubSub.Scoring;

internal sealed partial class PeerScore
{
    // gossipsub-v1.1.md, "The Score Function":
    //   Score(p) = TopicCap(Σ tᵢ·(w₁P₁ + w₂P₂ + w₃P₃ + w₃bP₃b + w₄P₄)) + w₅P₅ + w₆P₆ + w₇P₇
    // The cap only ever lowers a positive topic sum: it bounds what good behaviour in topics can buy, never forgives.
    private double ComputeScore(PeerId peer, PeerCounters counters)
    {
        double score = 0;
        for (int i = 0; i < _topics.Length; i++)
        {
            score += TopicScore(_topics[i], in counters.Topics[i]);
        }

        if (_parameters.TopicScoreCap > 0 && score > _parameters.TopicScoreCap)
        {
            score = _parameters.TopicScoreCap;
        }

        score += _appSpecificScore(peer) * _parameters.AppSpecificWeight;
        if (_parameters.IPColocationFactorWeight != 0)
        {
            score += _colocation.Factor(counters.ColocationKeys, _parameters.IPColocationFactorThreshold) * _parameters.IPColocationFactorWeight;
        }

        if (counters.BehaviourPenalty > _parameters.BehaviourPenaltyThreshold)
        {
            double excess = counters.BehaviourPenalty - _parameters.BehaviourPenaltyThreshold;
            score += excess * excess * _parameters.BehaviourPenaltyWeight;
        }

        return score;
    }

    private static double TopicScore(TopicScoreParameters parameters, in TopicCounters counters)
    {
        double sum = 0;
        if (counters.InMesh && parameters.TimeInMeshWeight != 0)
        {
            // Whole quanta only, as go divides the two durations as integers.
            double quanta = Math.Min(counters.MeshTime.Ticks / parameters.TimeInMeshQuantum.Ticks, parameters.TimeInMeshCap);
            sum += quanta * parameters.TimeInMeshWeight;
        }

        sum += counters.FirstMessageDeliveries * parameters.FirstMessageDeliveriesWeight;
        sum += counters.MeshDeliveryDeficitSquared(parameters) * parameters.MeshMessageDeliveriesWeight;
        sum += counters.MeshFailurePenalty * parameters.MeshFailurePenaltyWeight;
        sum += counters.InvalidMessageDeliveries * counters.InvalidMessageDeliveries * parameters.InvalidMessageDeliveriesWeight;
        return sum * parameters.TopicWeight;
    }
}
