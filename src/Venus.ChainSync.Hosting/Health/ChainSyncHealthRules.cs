using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Venus.ChainSync.Hosting;

/// <summary>What the health check measured, in one place, so the rules are plain code over data.</summary>
/// <param name="HeadHeight">The head's height.</param>
/// <param name="WallEpoch">The wall clock's epoch.</param>
/// <param name="Peers">Exchange peers known, or null when unknown (the host replaced the exchange client).</param>
/// <param name="ActiveSyncs">Syncs running.</param>
/// <param name="QueuedSyncs">Targets waiting for a worker.</param>
/// <param name="SinceHeadProgress">How long the head has been at this height, as far as the checks saw.</param>
internal readonly record struct ChainSyncHealthSample(long HeadHeight, long WallEpoch, int? Peers, int ActiveSyncs, int QueuedSyncs, TimeSpan SinceHeadProgress)
{
    public long EpochLag => Math.Max(0, WallEpoch - HeadHeight);
}

/// <summary>
/// The chain-sync health rules, in order: no peer is unhealthy (a node nobody talks to cannot follow the chain,
/// even if its head happens to be recent); a head within <see cref="ChainSyncOptions.SyncedWithinEpochs"/> of the
/// wall clock is healthy; behind with nothing running or queued is unhealthy (stale: nothing will move it);
/// behind with a sync but no head move for <see cref="ChainSyncHealthCheckOptions.StalledAfter"/> is unhealthy
/// (stalled); otherwise behind and syncing is degraded (catching up).
/// </summary>
internal static class ChainSyncHealthRules
{
    public static HealthCheckResult Judge(ChainSyncHealthSample sample, int syncedWithinEpochs, TimeSpan stalledAfter)
    {
        var data = new Dictionary<string, object>
        {
            [ChainSyncHealthData.HeadHeight] = sample.HeadHeight,
            [ChainSyncHealthData.WallEpoch] = sample.WallEpoch,
            [ChainSyncHealthData.EpochLag] = sample.EpochLag,
            [ChainSyncHealthData.ActiveSyncs] = (long)sample.ActiveSyncs,
            [ChainSyncHealthData.QueuedSyncs] = (long)sample.QueuedSyncs,
            [ChainSyncHealthData.SecondsSinceHeadProgress] = (long)sample.SinceHeadProgress.TotalSeconds,
        };
        if (sample.Peers is { } peers)
        {
            data[ChainSyncHealthData.Peers] = (long)peers;
        }

        if (sample.Peers == 0)
        {
            return HealthCheckResult.Unhealthy("no peers: no exchange or hello peer is known", data: data);
        }

        if (sample.EpochLag <= syncedWithinEpochs)
        {
            return HealthCheckResult.Healthy($"synced: head {sample.HeadHeight}, {sample.EpochLag} epochs behind the clock", data);
        }

        if (sample.ActiveSyncs + sample.QueuedSyncs == 0)
        {
            return HealthCheckResult.Unhealthy($"stale: head {sample.EpochLag} epochs behind the clock and nothing is syncing", data: data);
        }

        if (sample.SinceHeadProgress >= stalledAfter)
        {
            return HealthCheckResult.Unhealthy($"stalled: head {sample.EpochLag} epochs behind and unmoved for {sample.SinceHeadProgress}", data: data);
        }

        return HealthCheckResult.Degraded($"catching up: head {sample.EpochLag} epochs behind the clock", data: data);
    }
}
