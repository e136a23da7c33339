using Microsoft.Extensions.Diagnostics.HealthChecks;
using Venus.ChainSync.Exchange;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Hosting;

/// <summary>
/// Measures the node (head, wall-clock epoch, peers, syncs) and applies <see cref="ChainSyncHealthRules"/>. Reads
/// only the store, the tracker's snapshot through <see cref="ISyncApi"/>, and the exchange client's peer count.
/// </summary>
internal sealed class ChainSyncHealthCheck(
    IChainStore store,
    ISyncApi sync,
    IChainExchange exchange,
    ChainSyncOptions options,
    TimeSpan stalledAfter,
    HeadProgress progress,
    TimeProvider time) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        TipSet genesis = await store.GetGenesisAsync(cancellationToken).ConfigureAwait(false);
        TipSet head = await store.GetHeadAsync(cancellationToken).ConfigureAwait(false);
        DateTimeOffset now = time.GetUtcNow();
        TargetTrackerSnapshot targets = sync.SyncerTracker();
        var sample = new ChainSyncHealthSample(
            head.Height,
            ChainClock.EpochAt(now, (long)genesis.MinTimestamp, options.Syncer.BlockDelay),
            KnownPeers(exchange),
            targets.Buckets.Count(t => t.State == TargetState.Syncing),
            targets.Buckets.Count(t => t.State == TargetState.Wait),
            progress.Observe(head.Height, now));
        return ChainSyncHealthRules.Judge(sample, options.SyncedWithinEpochs, stalledAfter);
    }

    /// <summary>
    /// The peers the exchange client may ask: hello adds every peer that greeted well and drops those that leave,
    /// so this is the node's view of who can serve it. Unknown (null) when the host registered its own exchange.
    /// </summary>
    internal static int? KnownPeers(IChainExchange exchange) => exchange is ChainExchangeClient client ? client.Tracker.Count : null;
}
