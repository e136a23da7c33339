using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Venus.ChainSync.Hosting;

/// <summary>How the chain-sync health check added by <c>IHealthChecksBuilder.AddChainSync()</c> is registered and judges.</summary>
public sealed class ChainSyncHealthCheckOptions
{
    /// <summary>The registration's name (default <c>chainsync</c>), the key of its entry in a <see cref="HealthReport"/>.</summary>
    public string Name { get; set; } = "chainsync";

    /// <summary>Tags of the registration, for filtering health endpoints (none by default).</summary>
    public ICollection<string> Tags { get; } = [];

    /// <summary>
    /// How long a node that is behind may go without its head moving before it counts as stalled, even with a
    /// sync running (default 5 minutes, ten 30 s epochs). A catching-up node moves its head after every executed
    /// segment of <see cref="SyncerOptions.SegmentLength"/> tipsets, which takes seconds, so minutes without a
    /// move mean the sync is stuck rather than slow. Progress is seen only when the check runs, so this is
    /// measured from the first check that saw the current head.
    /// </summary>
    public TimeSpan StalledAfter { get; set; } = TimeSpan.FromMinutes(5);
}
