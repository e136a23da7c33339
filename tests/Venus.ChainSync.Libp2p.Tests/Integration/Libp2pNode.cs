using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Venus.ChainSync.Hosting;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Testing;
using Venus.ChainSync.TestSupport;

namespace Venus.ChainSync.Libp2p.Tests.Integration;

/// <summary>
/// A node composed as a host node would compose it — <c>AddLibp2pHost()</c> then <c>AddChainSync()</c> — with the
/// Testing store and executor. Everything goes over the libp2p host on loopback: hello and the exchange on its
/// streams, block gossip on its gossipsub (the in-memory host the Testing ports bring is replaced by it).
/// </summary>
internal sealed class Libp2pNode : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly IHostedService[] _hosted;
    private bool _started;

    private Libp2pNode(InMemoryChainStore store, ServiceProvider provider)
    {
        Store = store;
        _provider = provider;
        _hosted = [.. provider.GetServices<IHostedService>()];
        Api = provider.GetRequiredService<ISyncApi>();
        Host = provider.GetRequiredService<Libp2pHost>();
    }

    public InMemoryChainStore Store { get; }

    public ISyncApi Api { get; }

    public Libp2pHost Host { get; }

    public static Libp2pNode Create(InMemoryNetwork gossip, string name, TipSet genesis, TipSetState genesisState, IBlockstore? blockstore = null)
    {
        var store = new InMemoryChainStore(genesis, genesisState, blockstore);
        var services = new ServiceCollection();
        services.AddInMemoryPorts(gossip.CreateHost(name), store);
        services.AddLibp2pHost(o => o.ListenAddresses.Add("/ip4/127.0.0.1/tcp/0"));
        services.AddChainSync(o => o.NetworkName = "testnetnet");
        return new Libp2pNode(store, services.BuildServiceProvider());
    }

    public async Task AdoptAsync(ChainBuilder builder, IReadOnlyList<TipSet> chain) => await Store.AdoptAsync(builder, chain);

    public async Task StartAsync()
    {
        foreach (IHostedService service in _hosted)
        {
            await service.StartAsync(TestGuard.Token());
        }

        _started = true;
    }

    /// <summary>Waits until the head is <paramref name="head"/>, following the head-change stream (no polling).</summary>
    public async Task WaitForHeadAsync(TipSet head)
    {
        CancellationToken guard = TestGuard.Token(120);
        while (true)
        {
            try
            {
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
