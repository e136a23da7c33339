using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Venus.ChainSync.Libp2p;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Testing;
using Venus.ChainSync.TestSupport;

namespace Venus.ChainSync.Hosting.Tests;

/// <summary>
/// One node built only through <c>AddChainSync</c> and started through its hosted services, on an
/// <see cref="InMemoryNetwork"/> host, with the Testing fakes as its ports; optionally with a <see cref="Libp2pHost"/>
/// on loopback (<c>AddLibp2pHost</c>), which then carries everything: hello and the exchange on its streams, block
/// gossip on its gossipsub.
/// </summary>
internal sealed class HostedNode : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly IHostedService[] _hosted;
    private bool _started;

    private HostedNode(InMemoryHost host, InMemoryChainStore store, ServiceProvider provider)
    {
        Host = host;
        Store = store;
        _provider = provider;
        _hosted = [.. provider.GetServices<IHostedService>()];
        Api = provider.GetRequiredService<ISyncApi>();
        Libp2p = provider.GetService<Libp2pHost>();
    }

    public InMemoryHost Host { get; }

    public InMemoryChainStore Store { get; }

    /// <summary>The libp2p host carrying the node's streams, when it was built with one.</summary>
    public Libp2pHost? Libp2p { get; }

    public ISyncApi Api { get; }

    public IServiceProvider Services => _provider;

    /// <summary>Builds a node whose store holds <paramref name="genesis"/> (and whatever <paramref name="blockstore"/> holds).</summary>
    public static HostedNode Create(
        InMemoryNetwork network,
        string name,
        TipSet genesis,
        TipSetState genesisState,
        IBlockstore? blockstore = null,
        Action<ChainSyncOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        bool libp2p = false)
    {
        InMemoryHost host = network.CreateHost(name);
        var store = new InMemoryChainStore(genesis, genesisState, blockstore);
        var collection = new ServiceCollection();
        collection.AddInMemoryPorts(host, store);
        if (libp2p)
        {
            collection.AddLibp2pHost(o => o.ListenAddresses.Add("/ip4/127.0.0.1/tcp/0"));
        }
        services?.Invoke(collection);
        collection.AddChainSync(o =>
        {
            o.NetworkName = "testnetnet";
            configure?.Invoke(o);
        });
        return new HostedNode(host, store, collection.BuildServiceProvider());
    }

    /// <summary>Marks every tipset of <paramref name="chain"/> (oldest first) executed with the builder's states and makes the last the head.</summary>
    public async Task AdoptAsync(ChainBuilder builder, IReadOnlyList<TipSet> chain) => await Store.AdoptAsync(builder, chain);

    public async Task StartAsync()
    {
        foreach (IHostedService service in _hosted)
        {
            await service.StartAsync(TestGuard.Token());
        }

        _started = true;
    }

    /// <summary>Stops the node's hosted services (the provider stays, so its API can be called after stop).</summary>
    public async Task StopAsync()
    {
        foreach (IHostedService service in _hosted.Reverse())
        {
            await service.StopAsync(TestGuard.Token());
        }

        _started = false;
    }

    /// <summary>Connects this started node to <paramref name="other"/>: host to host over loopback until identified
    /// when both have a libp2p host, else on the in-memory network.</summary>
    public async Task ConnectAsync(InMemoryNetwork network, HostedNode other)
    {
        if (Libp2p is not null && other.Libp2p is not null)
        {
            await Libp2pStreamNetworkKit.ConnectAndIdentifyAsync(Libp2p, other.Libp2p);
        }
        else
        {
            network.Connect(Host, other.Host);
        }
    }

    public async Task<TipSet> HeadAsync() => await Store.GetHeadAsync(CancellationToken.None);

    /// <summary>Waits until this node's head is <paramref name="head"/>, following the head-change stream (no polling).</summary>
    public async Task WaitForHeadAsync(TipSet head)
    {
        CancellationToken guard = TestGuard.Token(60);
        while (true)
        {
            try
            {
                // The first batch is the current head, so a head already there ends the wait at once.
                await foreach (IReadOnlyList<HeadChange> moves in Api.ChainNotify(guard))
                {
                    if (moves[^1].TipSet.Key == head.Key)
                    {
                        return;
                    }
                }

                throw new InvalidOperationException($"the node stopped before its head reached {head}");
            }
            catch (SlowSubscriberException)
            {
                // A fast catch-up outran this reader's buffer; subscribing again starts from the head as it is now.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_started)
        {
            foreach (IHostedService service in _hosted.Reverse())
            {
                await service.StopAsync(TestGuard.Token());
            }
        }

        await _provider.DisposeAsync();
    }
}
