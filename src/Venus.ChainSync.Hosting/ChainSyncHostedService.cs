using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Venus.ChainSync.Exchange;
using Venus.ChainSync.Hello;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;

namespace Venus.ChainSync.Hosting;

/// <summary>
/// Starts and stops the node's chain sync in order: the ports are checked and the options validated, then the
/// exchange server, hello (and the loop that hands greeted heads to the dispatcher), block gossip and the
/// dispatcher start; stop goes the other way and awaits every loop.
/// </summary>
internal sealed partial class ChainSyncHostedService(IServiceProvider services) : IHostedService, IDisposable
{
    /// <summary>The ports a host must register, with what each is for.</summary>
    internal static readonly (Type Port, string Purpose)[] RequiredPorts =
    [
        (typeof(IChainStore), "the chain store: headers, messages, states, head, checkpoint"),
        (typeof(ITipSetExecutor), "the state executor, unless SyncerOptions.Execution is None"),
        (typeof(IChainWeigher), "the chain weight"),
        (typeof(IBlockstore), "the block store the exchange server serves from"),
        (typeof(IStreamHost), "the libp2p host's streams"),
        (typeof(IPubSub), "the libp2p host's gossip"),
    ];

    private readonly CancellationTokenSource _stop = new();
    private Parts? _parts;
    private ILogger? _logger;
    private Task _helloLoop = Task.CompletedTask;
    private Task _gossipLoop = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        ChainSyncOptions options = services.GetRequiredService<IOptions<ChainSyncOptions>>().Value;
        CheckPorts(services, options.Syncer.Execution);
        var parts = new Parts(services);
        ILogger logger = services.GetService<ILogger<ChainSyncHostedService>>() ?? NullLogger<ChainSyncHostedService>.Instance;
        _logger = logger;
        await CheckGenesisAsync(services.GetRequiredService<IChainStore>(), options, cancellationToken).ConfigureAwait(false);

        if (parts.HelloSource is ChainStoreHelloSource { HasGenesis: false } source)
        {
            await source.LoadGenesisAsync(cancellationToken).ConfigureAwait(false);
        }

        parts.Server.Start();
        try
        {
            await parts.Hello.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Leave nothing half started: the host may retry, or exit, either way without a serving server.
            await parts.Server.StopAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        _helloLoop = Task.Run(() => ForwardGreetedHeadsAsync(parts, _stop.Token), CancellationToken.None);
        _gossipLoop = Task.Run(() => parts.Gossip.RunAsync(_stop.Token), CancellationToken.None);
        parts.Dispatcher.Start();
        _parts = parts;
        services.GetRequiredService<NodeLifecycle>().Started();
        HostingLog.Started(logger);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_parts is not { } parts)
        {
            return;
        }

        _parts = null;
        services.GetRequiredService<NodeLifecycle>().Stop();
        await parts.Dispatcher.StopAsync(cancellationToken).ConfigureAwait(false);
        await _stop.CancelAsync().ConfigureAwait(false);
        await AwaitEndedAsync(_gossipLoop, _logger).ConfigureAwait(false);
        await AwaitEndedAsync(_helloLoop, _logger).ConfigureAwait(false);
        await parts.Hello.StopAsync(cancellationToken).ConfigureAwait(false);
        await parts.Server.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_logger is not null)
        {
            HostingLog.Stopped(_logger);
        }
    }

    /// <summary>Releases the stop signal (the container disposes the service after stopping it).</summary>
    public void Dispose() => _stop.Dispose();

    /// <summary>
    /// Throws one error naming every required port the host did not register (the executor only in
    /// <see cref="ExecutionMode.Full"/>).
    /// </summary>
    internal static void CheckPorts(IServiceProvider services, ExecutionMode execution)
    {
        var registered = services.GetService<IServiceProviderIsService>();
        string[] missing = [.. RequiredPorts
            .Where(p => p.Port != typeof(ITipSetExecutor) || execution == ExecutionMode.Full)
            .Where(p => registered is not null ? !registered.IsService(p.Port) : services.GetService(p.Port) is null)
            .Select(p => $"{p.Port.FullName} ({p.Purpose})")];
        if (missing.Length > 0)
        {
            throw new InvalidOperationException(
                $"Venus.ChainSync cannot start: register these host ports before AddChainSync()'s services are used: {string.Join("; ", missing)}.");
        }
    }

    /// <summary>
    /// Throws when <see cref="ChainSyncOptions.GenesisCid"/> is set (a network preset) and the store's genesis is
    /// another: syncing would only ever meet peers of the other network, or worse, write their chain into this store.
    /// </summary>
    internal static async ValueTask CheckGenesisAsync(IChainStore store, ChainSyncOptions options, CancellationToken cancellationToken)
    {
        if (options.GenesisCid is not { } expected)
        {
            return;
        }

        TipSet genesis = await store.GetGenesisAsync(cancellationToken).ConfigureAwait(false);
        if (genesis.Key != TipSetKey.Create(Cid.Parse(expected)))
        {
            throw new InvalidOperationException(
                $"Venus.ChainSync cannot start: the chain store's genesis is {genesis.Key}, but the options expect {expected} (network '{options.NetworkName}'). Use a store made for that network, or another network preset.");
        }
    }

    /// <summary>Hands each greeted head to the dispatcher (the engine's one hello intake) until stop.</summary>
    private static async Task ForwardGreetedHeadsAsync(Parts parts, CancellationToken stop)
    {
        try
        {
            await parts.Dispatcher.ForwardGreetedHeadsAsync(parts.Hello, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private static async Task AwaitEndedAsync(Task loop, ILogger? logger)
    {
        try
        {
            await loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The loop was stopped.
        }
#pragma warning disable CA1031 // A loop that failed earlier is reported; stopping the rest goes on.
        catch (Exception e)
#pragma warning restore CA1031
        {
            if (logger is not null)
            {
                HostingLog.LoopFailed(logger, e);
            }
        }
    }

    /// <summary>The parts the service starts, resolved once the ports are known to be there.</summary>
    private sealed class Parts(IServiceProvider services)
    {
        public ChainExchangeServer Server { get; } = services.GetRequiredService<ChainExchangeServer>();

        public HelloService Hello { get; } = services.GetRequiredService<HelloService>();

        public IHelloChainSource HelloSource { get; } = services.GetRequiredService<IHelloChainSource>();

        public BlockGossip Gossip { get; } = services.GetRequiredService<BlockGossip>();

        public Dispatcher Dispatcher { get; } = services.GetRequiredService<Dispatcher>();
    }
}
