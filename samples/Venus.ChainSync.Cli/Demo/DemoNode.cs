using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Venus.ChainSync.Hosting;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Cli.Demo;

/// <summary>
/// One demo node, built only through <c>AddChainSync</c> and started through its hosted services, with the Testing
/// fakes as its ports: an <see cref="InMemoryHost"/> for streams and gossip, an <see cref="InMemoryChainStore"/>,
/// the <see cref="TestTipSetExecutor"/> and the parent-weight weigher. The same wiring as the hosting tests' nodes.
/// </summary>
internal sealed class DemoNode : IAsyncDisposable
{
    /// <summary>The block topic is <c>/fil/blocks/&lt;name&gt;</c>; any name works as long as every node uses it.</summary>
    private const string NetworkName = "demonet";

    private readonly ServiceProvider _provider;
    private readonly IHostedService[] _hosted;
    private int _started;

    private DemoNode(string name, InMemoryHost host, InMemoryChainStore store, ServiceProvider provider)
    {
        Name = name;
        Host = host;
        Store = store;
        _provider = provider;
        _hosted = [.. provider.GetServices<IHostedService>()];
        Api = provider.GetRequiredService<ISyncApi>();
    }

    /// <summary>The node's name, also its host's name on the network.</summary>
    public string Name { get; }

    /// <summary>Its libp2p-shaped host.</summary>
    public InMemoryHost Host { get; }

    /// <summary>Its chain store.</summary>
    public InMemoryChainStore Store { get; }

    /// <summary>Its sync API.</summary>
    public ISyncApi Api { get; }

    /// <summary>
    /// Builds a node on <paramref name="network"/> whose store holds <paramref name="genesis"/> and, when given,
    /// reads and writes <paramref name="blockstore"/> (the producer shares the chain builder's).
    /// </summary>
    public static DemoNode Create(InMemoryNetwork network, string name, TipSet genesis, TipSetState genesisState, IBlockstore? blockstore = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        InMemoryHost host = network.CreateHost(name);
        var store = new InMemoryChainStore(genesis, genesisState, blockstore);
        var services = new ServiceCollection();
        services.AddInMemoryPorts(host, store);
        // TimeProvider.System comes with AddChainSync: the builder's timestamps (2020 on, 30 s an epoch) are all in
        // the past, so no block is "from the future" and every one is inside gossip's acceptance window.
        services.AddChainSync(o => o.NetworkName = NetworkName);
        return new DemoNode(name, host, store, services.BuildServiceProvider());
    }

    /// <summary>Marks every tipset of <paramref name="chain"/> (oldest first) executed with the builder's states and makes the last the head.</summary>
    public ValueTask AdoptAsync(ChainBuilder builder, IReadOnlyList<TipSet> chain, CancellationToken cancellationToken) =>
        Store.AdoptAsync(builder, chain, cancellationToken);

    /// <summary>Starts the node's hosted services (exchange server, hello, gossip intake, dispatcher).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Counted before starting, so a start that fails half-way is still stopped on dispose.
        Interlocked.Exchange(ref _started, 1);
        foreach (IHostedService service in _hosted)
        {
            await service.StartAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The node's current head.</summary>
    public async Task<TipSet> HeadAsync(CancellationToken cancellationToken) => await Store.GetHeadAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Stops the hosted services in reverse order, then disposes the container.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _started, 0) == 1)
        {
            foreach (IHostedService service in _hosted.Reverse())
            {
                // Not cancellable: stopping awaits every loop, which is what keeps the process from leaking them.
                await service.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        await _provider.DisposeAsync().ConfigureAwait(false);
    }
}
