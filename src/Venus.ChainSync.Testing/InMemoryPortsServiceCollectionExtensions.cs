using Microsoft.Extensions.DependencyInjection;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives.Storage;

namespace Venus.ChainSync.Testing;

/// <summary>Registers the Testing fakes as the host ports a chain-sync node needs, for hosts' tests and demos.</summary>
public static class InMemoryPortsServiceCollectionExtensions
{
    /// <summary>
    /// Registers <paramref name="store"/> as <see cref="IChainStore"/> and its blockstore as <see cref="IBlockstore"/>,
    /// <paramref name="host"/> as <see cref="IStreamHost"/> and <see cref="IPubSub"/>, a <see cref="TestTipSetExecutor"/>
    /// (or <paramref name="executor"/>) as <see cref="ITipSetExecutor"/>, and a <see cref="ParentWeightWeigher"/> (or
    /// <paramref name="weigher"/>) as <see cref="IChainWeigher"/>: the six ports <c>AddChainSync</c> asks of a host.
    /// </summary>
    public static IServiceCollection AddInMemoryPorts(this IServiceCollection services, InMemoryHost host, InMemoryChainStore store, ITipSetExecutor? executor = null, IChainWeigher? weigher = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(store);
        services.AddSingleton<IChainStore>(store);
        services.AddSingleton(store.Blockstore);
        services.AddSingleton<ITipSetExecutor>(executor ?? new TestTipSetExecutor());
        services.AddSingleton(weigher ?? new ParentWeightWeigher());
        services.AddSingleton<IStreamHost>(host);
        services.AddSingleton<IPubSub>(host);
        return services;
    }
}
