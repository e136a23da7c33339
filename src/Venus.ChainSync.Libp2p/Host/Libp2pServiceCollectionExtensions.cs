using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using System.Diagnostics.Metrics;
using Venus.ChainSync.Libp2p;
using Venus.ChainSync.Libp2p.PubSub;
using Venus.ChainSync.Network;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the library's libp2p host.</summary>
public static class Libp2pServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="Libp2pHost"/> as the <see cref="IStreamHost"/> that <c>AddChainSync()</c> runs on, its
    /// <see cref="GossipSub"/> router as the <see cref="IPubSub"/>, and a hosted service that starts both (binding
    /// <see cref="Libp2pHostOptions.ListenAddresses"/>, dialling the bootstrap peers) before the services registered
    /// after it, and stops them after them.
    /// </summary>
    /// <remarks>
    /// Any <see cref="IStreamHost"/> and <see cref="IPubSub"/> registered earlier are replaced (register another
    /// pubsub after this call to use it instead). Call it before <c>AddChainSync()</c> so the host listens before sync
    /// starts. Gossipsub is configured through <see cref="Libp2pHostOptions.PubSub"/>. The identity is generated, loaded from
    /// <see cref="Libp2pHostOptions.IdentityKeyFile"/> (created when missing), or given as
    /// <see cref="Libp2pHostOptions.Identity"/>.
    /// </remarks>
    /// <exception cref="ArgumentException">At resolution: the options are invalid (every problem is listed).</exception>
    public static IServiceCollection AddLibp2pHost(this IServiceCollection services, Action<Libp2pHostOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(sp =>
        {
            var options = new Libp2pHostOptions();
            configure?.Invoke(options);
            return new Libp2pHost(options, sp.GetService<TimeProvider>() ?? TimeProvider.System, sp.GetService<ILoggerFactory>());
        });
        // Replaces any stream host registered before (the in-memory one a test or demo composed, say): calling this
        // says which host the node runs on.
        services.RemoveAll<IStreamHost>();
        services.AddSingleton<IStreamHost>(sp => sp.GetRequiredService<Libp2pHost>());
        services.TryAddSingleton(sp => new GossipSub(
            sp.GetRequiredService<Libp2pHost>(), sp.GetRequiredService<Libp2pHost>().Options.PubSub, sp.GetService<ILoggerFactory>(), sp.GetService<IMeterFactory>()));
        services.RemoveAll<IPubSub>();
        services.AddSingleton<IPubSub>(sp => sp.GetRequiredService<GossipSub>());
        services.AddHostedService<Libp2pHostService>();
        return services;
    }

    /// <summary>Starts the host, then its gossipsub, with the application; stops them the other way round.</summary>
    private sealed class Libp2pHostService(Libp2pHost host, GossipSub pubSub) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            await pubSub.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            await pubSub.StopAsync(cancellationToken).ConfigureAwait(false);
            await host.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
