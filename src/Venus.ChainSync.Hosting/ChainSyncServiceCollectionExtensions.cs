using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Venus.ChainSync;
using Venus.ChainSync.Diagnostics;
using Venus.ChainSync.Exchange;
using Venus.ChainSync.Hello;
using Venus.ChainSync.Hosting;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Venus.ChainSync in a host's service collection.</summary>
public static class ChainSyncServiceCollectionExtensions
{
    /// <summary>
    /// Adds chain sync: the exchange client and server, hello, block gossip intake, the target tracker, dispatcher,
    /// syncer and bad-tipset cache, <see cref="ISyncApi"/>, and a hosted service that starts and stops them in order.
    /// </summary>
    /// <remarks>
    /// <para>Everything is added with <c>TryAdd</c>, so a registration the host made first wins (its own
    /// <see cref="IBlockValidator"/>, <see cref="IChainExchange"/>, <see cref="TimeProvider"/>…).</para>
    /// <para>The host must register its ports: <see cref="IChainStore"/>, <see cref="ITipSetExecutor"/>,
    /// <see cref="IChainWeigher"/>, <see cref="IBlockstore"/> (what the exchange server serves from),
    /// <see cref="IStreamHost"/> and <see cref="IPubSub"/> (its libp2p host). Starting without them fails with one
    /// error naming every missing port. Options are validated at start (<see cref="ChainSyncOptionsValidator"/>).</para>
    /// </remarks>
    public static IServiceCollection AddChainSync(this IServiceCollection services, Action<ChainSyncOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<ChainSyncOptions> options = services.AddOptions<ChainSyncOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ChainSyncOptions>, ChainSyncOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<NodeLifecycle>();

        services.TryAddSingleton(sp => new ExchangeMetrics(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton(sp => new SyncMetrics(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton(sp => new GossipMetrics(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton(sp => new BadTipSetCache(Options(sp).BadTipSetCacheCapacity, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new TargetTracker(sp.GetRequiredService<TimeProvider>(), Options(sp).Tracker));
        services.TryAddSingleton<IBlockValidator>(SyntacticBlockValidator.Instance);

        services.TryAddSingleton(sp => new ChainExchangeClient(
            sp.GetRequiredService<IStreamHost>(),
            sp.GetRequiredService<TimeProvider>(),
            Log<ChainExchangeClient>(sp),
            Options(sp).ExchangeClient,
            sp.GetRequiredService<ExchangeMetrics>()));
        services.TryAddSingleton<IChainExchange>(sp => sp.GetRequiredService<ChainExchangeClient>());
        services.TryAddSingleton(sp => new ChainExchangeServer(
            sp.GetRequiredService<IStreamHost>(),
            sp.GetRequiredService<IBlockstore>(),
            Options(sp).ExchangeServer,
            sp.GetRequiredService<TimeProvider>(),
            Log<ChainExchangeServer>(sp),
            sp.GetRequiredService<ExchangeMetrics>()));
        services.TryAddSingleton<IHelloChainSource>(sp => new ChainStoreHelloSource(sp.GetRequiredService<IChainStore>(), sp.GetRequiredService<IChainWeigher>()));
        services.TryAddSingleton(sp => new HelloService(
            sp.GetRequiredService<IStreamHost>(),
            sp.GetRequiredService<IChainExchange>(),
            sp.GetRequiredService<IHelloChainSource>(),
            sp.GetRequiredService<ExchangeMetrics>(),
            sp.GetRequiredService<TimeProvider>(),
            Log<HelloService>(sp),
            Options(sp).Hello));

        services.TryAddSingleton(sp => new Syncer(
            sp.GetRequiredService<IChainStore>(),
            sp.GetRequiredService<IChainExchange>(),
            sp.GetRequiredService<IBlockValidator>(),
            sp.GetService<ITipSetExecutor>(),
            sp.GetRequiredService<IChainWeigher>(),
            sp.GetRequiredService<BadTipSetCache>(),
            Options(sp).Syncer,
            sp.GetRequiredService<TimeProvider>(),
            Log<Syncer>(sp),
            sp.GetRequiredService<SyncMetrics>()));
        services.TryAddSingleton<ISyncer>(sp => sp.GetRequiredService<Syncer>());
        services.TryAddSingleton(sp => new Dispatcher(
            sp.GetRequiredService<TargetTracker>(),
            sp.GetRequiredService<ISyncer>(),
            sp.GetRequiredService<IChainStore>(),
            sp.GetRequiredService<TimeProvider>(),
            Log<Dispatcher>(sp),
            Options(sp).Dispatcher,
            sp.GetRequiredService<SyncMetrics>()));
        services.TryAddSingleton(sp => new BlockGossip(
            sp.GetRequiredService<IPubSub>(),
            sp.GetRequiredService<IStreamHost>(),
            sp.GetRequiredService<IChainStore>(),
            sp.GetRequiredService<IBlockstore>(),
            sp.GetRequiredService<IChainExchange>(),
            sp.GetRequiredService<Dispatcher>(),
            Options(sp),
            sp.GetRequiredService<TimeProvider>(),
            Log<BlockGossip>(sp),
            sp.GetRequiredService<GossipMetrics>()));
        services.TryAddSingleton<ISyncApi>(sp => new SyncApi(
            sp.GetRequiredService<Dispatcher>(),
            sp.GetRequiredService<TargetTracker>(),
            sp.GetRequiredService<Syncer>(),
            sp.GetRequiredService<BadTipSetCache>(),
            sp.GetRequiredService<IChainStore>(),
            sp.GetRequiredService<IChainWeigher>(),
            sp.GetRequiredService<IChainExchange>(),
            sp.GetRequiredService<IPubSub>(),
            sp.GetRequiredService<IBlockstore>(),
            sp.GetRequiredService<IOptions<ChainSyncOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<NodeLifecycle>(),
            sp.GetService<IBlockSubmitFilter>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ChainSyncHostedService>());
        return services;
    }

    /// <summary>
    /// Adds chain sync as <see cref="AddChainSync(IServiceCollection, Action{ChainSyncOptions}?)"/> does, with its
    /// options bound from <paramref name="configuration"/> (say <c>configuration.GetSection("ChainSync")</c>), then
    /// <paramref name="configure"/> applied on top.
    /// </summary>
    /// <remarks>
    /// The section's keys are the option names, sections nested as in <see cref="ChainSyncOptions"/>
    /// (<c>Syncer:SegmentLength</c>, <c>ExchangeClient:FirstByteTimeout</c> as <c>00:00:05</c>). A <c>Network</c> key
    /// naming a preset (<c>mainnet</c>, <c>calibnet</c>; see <see cref="ChainSyncNetwork"/>) applies it first, so the
    /// other keys can still override what it sets. An unknown preset fails at start with the known names.
    /// </remarks>
    public static IServiceCollection AddChainSync(this IServiceCollection services, IConfiguration configuration, Action<ChainSyncOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddChainSync(options =>
        {
            if (configuration[NetworkKey] is { Length: > 0 } name)
            {
                ChainSyncNetwork network = ChainSyncNetwork.Find(name) ?? throw new InvalidOperationException(
                    $"Network '{name}' is not a known network preset ({string.Join(", ", ChainSyncNetwork.All.Select(n => n.Name))}).");
                options.UseNetwork(network);
            }

            configuration.Bind(options);
            configure?.Invoke(options);
        });

        // Options built from configuration are rebuilt when it reloads; the node reads them once, at start.
        services.AddSingleton<IOptionsChangeTokenSource<ChainSyncOptions>>(new ConfigurationChangeTokenSource<ChainSyncOptions>(configuration));
        return services;
    }

    /// <summary>The configuration key naming a <see cref="ChainSyncNetwork"/> preset.</summary>
    private const string NetworkKey = "Network";

    /// <summary>
    /// The host's logger when it registered logging, else none. Not registered as a fallback, because a host that
    /// calls <c>AddLogging()</c> after <c>AddChainSync()</c> would then silently keep the fallback (both use TryAdd).
    /// </summary>
    private static ILogger<T> Log<T>(IServiceProvider services) => services.GetService<ILogger<T>>() ?? NullLogger<T>.Instance;

    private static ChainSyncOptions Options(IServiceProvider services) => services.GetRequiredService<IOptions<ChainSyncOptions>>().Value;
}
