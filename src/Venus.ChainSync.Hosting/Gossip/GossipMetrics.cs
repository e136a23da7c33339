using System.Diagnostics.Metrics;
using Venus.ChainSync.Diagnostics;

namespace Venus.ChainSync.Hosting;

/// <summary>The gossip intake's instrument on the shared <c>Venus.ChainSync</c> meter.</summary>
internal sealed class GossipMetrics
{
    private readonly Counter<long> _blocks;

    public GossipMetrics(IMeterFactory meterFactory)
    {
        Meter meter = meterFactory.Create(ChainSyncDiagnostics.Name);
        _blocks = meter.CreateCounter<long>("venus.chainsync.gossip.blocks", "{block}", "Gossiped blocks received, by result (GossipResults).");
    }

    /// <summary>Counts one block with a tag from <see cref="GossipResults"/>.</summary>
    public void Block(string result) => _blocks.Add(1, new KeyValuePair<string, object?>("result", result));
}
