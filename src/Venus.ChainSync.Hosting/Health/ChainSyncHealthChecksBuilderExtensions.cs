using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Venus.ChainSync;
using Venus.ChainSync.Exchange;
using Venus.ChainSync.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the chain-sync health check.</summary>
public static class ChainSyncHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a health check of the node's chain sync (needs <c>AddChainSync()</c>). <b>Healthy</b>: the head is
    /// within <see cref="ChainSyncOptions.SyncedWithinEpochs"/> epochs of the wall clock's epoch and a peer is
    /// known. <b>Degraded</b>: behind, with peers and a sync running or queued, and the head moved within
    /// <see cref="ChainSyncHealthCheckOptions.StalledAfter"/>. <b>Unhealthy</b>: no peer known; or behind with
    /// nothing syncing (stale); or behind with the head unmoved for that long (stalled). The result's data holds
    /// the figures under the keys of <see cref="ChainSyncHealthData"/>.
    /// </summary>
    /// <remarks>A check that throws (a store failing, a node not started) is reported unhealthy by the health check service.</remarks>
    /// <exception cref="ArgumentException">The name is empty or <see cref="ChainSyncHealthCheckOptions.StalledAfter"/> is not positive.</exception>
    public static IHealthChecksBuilder AddChainSync(this IHealthChecksBuilder builder, Action<ChainSyncHealthCheckOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new ChainSyncHealthCheckOptions();
        configure?.Invoke(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Name, nameof(configure));
        if (options.StalledAfter <= TimeSpan.Zero)
        {
            throw new ArgumentException($"StalledAfter must be positive, not {options.StalledAfter}.", nameof(configure));
        }

        // Keyed by the registration's name: each registration remembers its own head progress, per container.
        string name = options.Name;
        TimeSpan stalledAfter = options.StalledAfter;
        builder.Services.TryAddKeyedSingleton<HeadProgress>(name);
        return builder.Add(new HealthCheckRegistration(
            name,
            sp => new ChainSyncHealthCheck(
                sp.GetRequiredService<IChainStore>(),
                sp.GetRequiredService<ISyncApi>(),
                sp.GetRequiredService<IChainExchange>(),
                sp.GetRequiredService<IOptions<ChainSyncOptions>>().Value,
                stalledAfter,
                sp.GetRequiredKeyedService<HeadProgress>(name),
                sp.GetRequiredService<TimeProvider>()),
            failureStatus: HealthStatus.Unhealthy,
            tags: [.. options.Tags]));
    }
}
