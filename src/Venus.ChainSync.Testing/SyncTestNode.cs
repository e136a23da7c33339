using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Venus.ChainSync.Hosting;
using Venus.ChainSync.Diagnostics;
using Venus.ChainSync.Exchange;
using Venus.ChainSync.Hello;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Testing;

/// <summary>
/// One node of a <see cref="SyncTestCluster"/>, composed exactly as a host composes one: <c>AddChainSync()</c> over the
/// in-memory ports (<see cref="InMemoryPortsServiceCollectionExtensions.AddInMemoryPorts"/>: its own
/// <see cref="InMemoryHost"/>, <see cref="InMemoryChainStore"/>, executor and weigher), started and stopped by the
/// hosted service <c>AddChainSync()</c> registers.
/// </summary>
/// <remarks>
/// <para><b>Parts.</b> The properties are the node's singletons from its container (<see cref="Services"/>), so a test
/// reaches the same dispatcher, syncer and exchange the hosted service runs. The cluster registers two things before
/// <c>AddChainSync()</c>, which it keeps because a host's registration wins: an exchange client with a seeded peer
/// shuffle (node i uses <see cref="SyncTestClusterOptions.Seed"/> + i), and the cluster's clock.</para>
/// <para><b>Lifetime.</b> Built by the cluster, started by <see cref="SyncTestCluster.StartAsync"/> and stopped by
/// <see cref="SyncTestCluster.DisposeAsync"/>; nothing runs before. Every member is thread-safe.</para>
/// </remarks>
public sealed class SyncTestNode
{
    /// <summary>The network name of every cluster node (its block topic is <c>/fil/blocks/cluster</c>).</summary>
    public const string NetworkName = "cluster";

    private readonly ConcurrentQueue<SyncFinishedEventArgs> _finished = new();
    private readonly ServiceProvider _services;
    private IHostedService[] _started = [];

    internal SyncTestNode(int index, InMemoryNetwork network, TipSet genesis, TipSetState genesisState, IChainWeigher weigher, SyncTestClusterOptions options)
    {
        TimeProvider time = network.Time;
        Index = index;
        Host = network.CreateHost($"node-{index}");
        Store = new InMemoryChainStore(genesis, genesisState);
        Weigher = options.WeigherFactory?.Invoke(index, weigher) ?? weigher;
        Executor = options.ExecutorFactory?.Invoke(index) ?? new TestTipSetExecutor();

        var services = new ServiceCollection();
        services.AddSingleton(time);
        if (options.LoggerFactory is { } logs)
        {
            services.AddSingleton(logs);
            services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        }

        // Registered before AddChainSync, so they win over its TryAdd defaults: the seeded shuffle keeps runs repeatable.
        services.AddSingleton(sp => new ChainExchangeClient(
            Host,
            time,
            sp.GetService<ILogger<ChainExchangeClient>>() ?? NullLogger<ChainExchangeClient>.Instance,
            options.ExchangeClient,
            sp.GetRequiredService<ExchangeMetrics>(),
            new Random(options.Seed + index)));
        services.AddInMemoryPorts(Host, Store, Executor, Weigher);
        services.AddChainSync(o =>
        {
            o.NetworkName = NetworkName;
            o.Syncer = options.Syncer ?? o.Syncer;
            o.Dispatcher = options.Dispatcher ?? o.Dispatcher;
            o.Tracker = options.TargetTracker ?? o.Tracker;
            o.ExchangeClient = options.ExchangeClient ?? o.ExchangeClient;
            o.ExchangeServer = options.ExchangeServer ?? o.ExchangeServer;
            o.Hello = options.Hello ?? o.Hello;
            options.ConfigureNode?.Invoke(index, o);
        });
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        BadTipSets = _services.GetRequiredService<BadTipSetCache>();
        Server = _services.GetRequiredService<ChainExchangeServer>();
        Exchange = _services.GetRequiredService<ChainExchangeClient>();
        Hello = _services.GetRequiredService<HelloService>();
        Tracker = _services.GetRequiredService<TargetTracker>();
        Syncer = _services.GetRequiredService<Syncer>();
        Dispatcher = _services.GetRequiredService<Dispatcher>();
        Api = _services.GetRequiredService<ISyncApi>();
        Dispatcher.SyncFinished += (_, e) => _finished.Enqueue(e);
    }

    /// <summary>The node's container, as <c>AddChainSync()</c> and the in-memory ports filled it.</summary>
    public IServiceProvider Services => _services;

    /// <summary>The node's sync API.</summary>
    public ISyncApi Api { get; }

    /// <summary>Position of this node in <see cref="SyncTestCluster.Nodes"/>.</summary>
    public int Index { get; }

    /// <summary>The node's host, named <c>node-{Index}</c>.</summary>
    public InMemoryHost Host { get; }

    /// <summary>The node's peer id.</summary>
    public PeerId PeerId => Host.LocalPeer;

    /// <summary>The node's chain: headers, messages, executed states and head.</summary>
    public InMemoryChainStore Store { get; }

    /// <summary>The node's executor (a <see cref="TestTipSetExecutor"/> unless <see cref="SyncTestClusterOptions.ExecutorFactory"/> made another).</summary>
    public ITipSetExecutor Executor { get; }

    /// <summary>The fork-choice weight, matching the cluster's chain builder (unless <see cref="SyncTestClusterOptions.WeigherFactory"/> made another).</summary>
    public IChainWeigher Weigher { get; }

    /// <summary>Tipsets this node's syncer found bad.</summary>
    public BadTipSetCache BadTipSets { get; }

    /// <summary>Serves this node's store over <c>/fil/chain/xchg</c>.</summary>
    public ChainExchangeServer Server { get; }

    /// <summary>Fetches from peers; the hello service adds greeting peers to it and removes them on disconnect.</summary>
    public ChainExchangeClient Exchange { get; }

    /// <summary>The node's hello service.</summary>
    public HelloService Hello { get; }

    /// <summary>The node's sync targets.</summary>
    public TargetTracker Tracker { get; }

    /// <summary>The node's syncer.</summary>
    public Syncer Syncer { get; }

    /// <summary>The node's dispatcher.</summary>
    public Dispatcher Dispatcher { get; }

    /// <summary>Every <see cref="Dispatcher.SyncFinished"/> report so far, in the order raised (a copy).</summary>
    public IReadOnlyList<SyncFinishedEventArgs> SyncReports => [.. _finished];

    /// <summary>The node's head now.</summary>
    public ValueTask<TipSet> GetHeadAsync(CancellationToken cancellationToken = default) => Store.GetHeadAsync(cancellationToken);

    /// <summary>
    /// Completes when the node's head is the tipset with <paramref name="key"/> and no sync run towards that tipset is
    /// still going: at once if so, otherwise after the dispatcher reports the run that ended it (so that report is in
    /// <see cref="SyncReports"/> by then).
    /// </summary>
    /// <remarks>
    /// The head moves to a tipset before that tipset's own execution (as in Lotus), so a head alone does not mean its
    /// run is over; waiting for the run too lets a test stop the node without cancelling that execution.
    /// Event-driven: the head is read again after each <see cref="Dispatcher.SyncFinished"/>, never on a timer. A head
    /// moved past <paramref name="key"/> does not count; neither does a head set outside the dispatcher (for example
    /// by <see cref="Venus.ChainSync.Syncer.SyncCheckpointAsync"/> called directly) until the next run ends.
    /// </remarks>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first; the
    /// message names the head the node had.</exception>
    public async Task WaitForHeadAsync(TipSetKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);

        // One slot, DropWrite: a signal only says "read the head again", so any number pending mean the same.
        var changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
        void OnFinished(object? sender, SyncFinishedEventArgs e) => changed.Writer.TryWrite(true);

        // Subscribed before the first read, so a run ending between the read and the wait is not missed.
        Dispatcher.SyncFinished += OnFinished;
        TipSet head = await GetHeadAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            while (head.Key != key || Dispatcher.Running.Any(t => t.Head.Key == key))
            {
                await changed.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                head = await GetHeadAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(
                $"node-{Index} did not reach {key}: its head is {head.Key} at height {head.Height} after {_finished.Count} sync runs " +
                $"({string.Join("; ", _finished.Select(r => $"{r.Result.Kind} {r.Result.Reason}"))}).",
                e,
                cancellationToken);
        }
        finally
        {
            Dispatcher.SyncFinished -= OnFinished;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"node-{Index}";

    /// <summary>Starts the node's hosted services in registration order, as a host does.</summary>
    internal async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = new List<IHostedService>();
        foreach (IHostedService service in _services.GetServices<IHostedService>())
        {
            await service.StartAsync(cancellationToken).ConfigureAwait(false);
            started.Add(service);
            _started = [.. started];
        }
    }

    /// <summary>
    /// Stops the node's syncs (no fetch from any node is started after this), leaving its servers answering, so a
    /// cluster can quiesce every node before taking any server away.
    /// </summary>
    internal Task StopSyncsAsync() => Dispatcher.StopAsync(CancellationToken.None);

    /// <summary>Stops the hosted services in reverse order and disposes the container.</summary>
    internal async Task StopAsync()
    {
        for (int i = _started.Length - 1; i >= 0; i--)
        {
            await _started[i].StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        _started = [];
        await _services.DisposeAsync().ConfigureAwait(false);
    }
}
