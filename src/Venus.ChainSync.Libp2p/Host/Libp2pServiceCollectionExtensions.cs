using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Venus.ChainSync.Libp2p;
using Venus.ChainSync.Network;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the library's libp2p host.</summary>
public static class Libp2pServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="Libp2pHost"/> as the <see cref="IStreamHost"/> that <c>AddChainSync()</c> runs on, and
    /// a hosted service that starts it (binding <see cref="Libp2pHostOptions.ListenAddresses"/>, dialling the
    /// bootstrap peers) before the services registered after it, and stops it after them.
    /// </summary>
    /// <remarks>
    /// Any <see cref="IStreamHost"/> registered earlier is replaced. Call it before <c>AddChainSync()</c> so the host
    /// listens before sync starts. Gossip (<c>IPubSub</c>) is not part
    /// of this host yet: register one beside it. The identity is generated, loaded from
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
        services.AddHostedService<Libp2pHostService>();
        return services;
    }

    /// <summary>Starts and stops the host with the application.</summary>
    private sealed class Libp2pHostService(Libp2pHost host) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => host.StartAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => host.StopAsync(cancellationToken);
    }
}
