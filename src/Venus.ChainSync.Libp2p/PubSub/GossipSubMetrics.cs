using System.Diagnostics.Metrics;
using Venus.ChainSync.Diagnostics;

namespace Venus.ChainSync.Libp2p.PubSub;

/// <summary>
/// gossipsub's instruments on the <c>Venus.ChainSync</c> meter. Tags are closed sets: the topic kind
/// (<c>blocks</c>, <c>msgs</c>, <c>other</c>), never the topic, a peer or an id.
/// </summary>
internal sealed class GossipSubMetrics
{
    private readonly Counter<long> _messages;
    private readonly Counter<long> _control;
    private readonly Histogram<double> _scores;

    public GossipSubMetrics(IMeterFactory? meterFactory)
    {
        Meter meter = meterFactory?.Create(ChainSyncDiagnostics.Name) ?? new Meter(ChainSyncDiagnostics.Name);
        _messages = meter.CreateCounter<long>("venus.chainsync.pubsub.messages", "{message}", "Messages received, by topic kind and verdict (accepted, rejected, ignored, duplicate, throttled, invalid_signature, unsubscribed, graylisted).");
        _control = meter.CreateCounter<long>("venus.chainsync.pubsub.control", "{message}", "Control messages sent and received, by type (graft, prune, ihave, iwant) and direction.");
        _scores = meter.CreateHistogram<double>(
            "venus.chainsync.pubsub.peer_score",
            "{score}",
            "Connected peers' scores, sampled at each heartbeat.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [-2500, -1000, -500, -100, 0, 1, 10, 50, 100] });
        meter.CreateObservableGauge(
            "venus.chainsync.pubsub.mesh_peers",
            () =>
            {
                MeshSizeSnapshot sizes = Volatile.Read(ref _meshSizes);
                return new Measurement<int>[]
                {
                    new(sizes.Blocks, new KeyValuePair<string, object?>("topic_kind", "blocks")),
                    new(sizes.Msgs, new KeyValuePair<string, object?>("topic_kind", "msgs")),
                    new(sizes.Other, new KeyValuePair<string, object?>("topic_kind", "other")),
                };
            },
            "{peer}",
            "Peers in our meshes at the last heartbeat, by topic kind.");
    }

    // Written by the router loop at each heartbeat, read by the gauge on the exporter's thread: an immutable snapshot
    // swapped by reference, so a reader never sees half an update.
    private MeshSizeSnapshot _meshSizes = new(0, 0, 0);

    /// <summary>Records the mesh sizes (the router loop calls it at each heartbeat).</summary>
    public void MeshSizes(int blocks, int msgs, int other) => Volatile.Write(ref _meshSizes, new MeshSizeSnapshot(blocks, msgs, other));

    public void Message(string topic, string verdict)
    {
        if (_messages.Enabled)
        {
            _messages.Add(1, new("topic_kind", KindOf(topic)), new("verdict", verdict));
        }
    }

    public void Control(string type, string direction, int count = 1)
    {
        if (_control.Enabled && count > 0)
        {
            _control.Add(count, new("type", type), new("direction", direction));
        }
    }

    public void Score(double score)
    {
        if (_scores.Enabled)
        {
            _scores.Record(score);
        }
    }

    public static string KindOf(string topic) =>
        topic.StartsWith("/fil/blocks/", StringComparison.Ordinal) ? "blocks"
        : topic.StartsWith("/fil/msgs/", StringComparison.Ordinal) ? "msgs"
        : "other";

    private sealed record MeshSizeSnapshot(int Blocks, int Msgs, int Other);
}
