using System.Net;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p.PubSub.Scoring;

/// <summary>
/// Everything the scorer keeps about one peer: per-topic counters, colocation keys, the behaviour penalty, and
/// whether it is connected or retained after disconnecting.
/// </summary>
internal sealed class PeerCounters
{
    public PeerCounters(int topicCount) => Topics = new TopicCounters[topicCount];

    /// <summary>Counters per scored topic, indexed as the scorer numbers its topics.</summary>
    public TopicCounters[] Topics { get; }

    /// <summary>Whether the peer is connected; false while its score is retained.</summary>
    public bool Connected { get; set; }

    /// <summary>When a retained score is forgotten (scorer time).</summary>
    public TimeSpan RetainedUntil { get; set; }

    /// <summary>This peer's place in the scorer's retention order while retained, else null.</summary>
    public LinkedListNode<PeerId>? RetentionNode { get; set; }

    /// <summary>The colocation keys counted for this peer (never whitelisted ones).</summary>
    public IPAddress[] ColocationKeys { get; set; } = [];

    /// <summary>P7's counter.</summary>
    public double BehaviourPenalty { get; set; }
}
