using Venus.ChainSync.Hosting;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Cli.Demo;

/// <summary>Reads every node's head, sync stage and peers, and the head's climb rate since the previous sample.</summary>
/// <remarks>Not thread-safe: one sampling loop owns it.</remarks>
internal sealed class NodeSampler(DemoCluster cluster, TimeProvider time)
{
    private readonly Dictionary<string, (long Height, long Timestamp)> _first = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Height, long Timestamp)> _previous = new(StringComparer.Ordinal);

    /// <summary>One row per node, producer first.</summary>
    /// <param name="sinceFirst">Whether the rate is over the time since the first sample (an average for the summary) instead of since the previous one.</param>
    /// <param name="cancellationToken">Cancels the store reads.</param>
    public async Task<IReadOnlyList<NodeRow>> SampleAsync(bool sinceFirst, CancellationToken cancellationToken)
    {
        var rows = new List<NodeRow>(cluster.Nodes.Count);
        foreach (DemoNode node in cluster.Nodes)
        {
            TipSet head = await node.HeadAsync(cancellationToken).ConfigureAwait(false);
            long now = time.GetTimestamp();
            double rate = 0;
            _first.TryAdd(node.Name, (head.Height, now));
            if ((sinceFirst ? _first : _previous).TryGetValue(node.Name, out var previous))
            {
                double seconds = time.GetElapsedTime(previous.Timestamp, now).TotalSeconds;
                rate = seconds > 0 ? (head.Height - previous.Height) / seconds : 0;
            }

            _previous[node.Name] = (head.Height, now);
            rows.Add(new NodeRow(node.Name, head, StageOf(node.Api), node.Host.ConnectedPeers.Count, rate));
        }

        return rows;
    }

    /// <summary>The running sync's stage if one runs (SyncState lists running syncs first), else the newest finished one's.</summary>
    private static string StageOf(ISyncApi api)
    {
        IReadOnlyList<SyncStateEntry> syncs = api.SyncState();
        return syncs.Count == 0 ? "-" : syncs[0].Stage.ToString();
    }
}
