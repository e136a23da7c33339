using Microsoft.Extensions.DependencyInjection.Extensions;
using Venus.ChainSync;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Storage.RocksDb;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a <see cref="RocksDbStore"/> as the storage ports of a chain-sync node.</summary>
public static class RocksDbServiceCollectionExtensions
{
    /// <summary>
    /// Registers the store in <paramref name="path"/> (opened when first resolved, disposed with the container) as
    /// <see cref="RocksDbStore"/>, its block store as <see cref="IBlockstore"/>, its metadata as
    /// <see cref="IChainMetadataStore"/>, and, unless one is registered already, a <see cref="ChainStore"/> over both
    /// as <see cref="IChainStore"/>: the storage ports <c>AddChainSync</c> asks of a host.
    /// </summary>
    /// <remarks>
    /// Options are validated here, so a bad option fails at registration; a locked, foreign or incompatible directory
    /// fails when the store is first resolved (at the node's start), with a <see cref="RocksDbStoreException"/>.
    /// A new store's genesis is recorded by <see cref="ChainStore.InitializeAsync"/>, as with any chain store.
    /// </remarks>
    public static IServiceCollection AddRocksDbStore(this IServiceCollection services, string path, Action<RocksDbStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var options = new RocksDbStoreOptions();
        configure?.Invoke(options);
        options.Validate();

        services.AddSingleton(_ => RocksDbStore.Open(path, options));
        services.AddSingleton<IBlockstore>(sp => sp.GetRequiredService<RocksDbStore>().Blocks);
        services.AddSingleton<IChainMetadataStore>(sp => sp.GetRequiredService<RocksDbStore>().Metadata);
        services.TryAddSingleton<IChainStore>(sp => new ChainStore(sp.GetRequiredService<IBlockstore>(), sp.GetRequiredService<IChainMetadataStore>()));
        return services;
    }
}
