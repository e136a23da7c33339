using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Venus.ChainSync.Diagnostics;
using Venus.ChainSync.Exchange;
using Venus.ChainSync.Hello;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Testing;

/// <summary>
/// One node of a <see cref="SyncTestCluster"/>: the real exchange server, exchange client, hello service,
/// dispatcher, target tracker and syncer over its own <see cref="InMemoryHost"/> and <see cref="InMemoryChainStore"/>.
/// </summary>
/// <remarks>
/// <para><b>Hello to dispatcher.</b> The hello service reports greeted heads as <see cref="ChainInfo"/> (it has already
/// stored each one's headers and messages through the node's store); the dispatcher wants the head with its messages.
/// The node runs one loop that reads <see cref="HelloService.Heads"/>, loads the full tipset from the store and hands
/// it to <see cref="Dispatcher.ForwardGreetedHeadsAsync"/>. That loop is the glue a host has to write; the Hosting layer will
/// own it for real nodes.</para>
/// <para><b>Lifetime.</b> Built by the cluster, started by <see cref="SyncTestCluster.StartAsync"/> and stopped by
/// <see cref="SyncTestCluster.DisposeAsync"/>; nothing runs before. Every member is thread-safe.</para>
/// </remarks>
public sealed class SyncTestNode
{
    private readonly ConcurrentQueue<SyncFinishedEventArgs> _finished = new();
    private Task? _helloToDispatcher;

    internal SyncTestNode(int index, InMemoryNetwork network, TipSet genesis, TipSetState genesisState, IChainWeigher weigher, ExchangeMetrics metrics, SyncTestClusterOptions options)
    {
        TimeProvider time = network.Time;
        ILoggerFactory logs = options.LoggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        Index = index;
        Host = network.CreateHost($"node-{index}");
        Store = new InMemoryChainStore(genesis, genesisState);
        weigher = options.WeigherFactory?.Invoke(index, weigher) ?? weigher;
        Weigher = weigher;
        Executor = options.ExecutorFactory?.Invoke(index) ?? new TestTipSetExecutor();
        BadTipSets = new BadTipSetCache(timeProvider: time);
        Server = new ChainExchangeServer(Host, Store.Blockstore, options.ExchangeServer, time, logs.CreateLogger<ChainExchangeServer>(), metrics);
        Exchange = new ChainExchangeClient(Host, time, logs.CreateLogger<ChainExchangeClient>(), options.ExchangeClient, metrics, new Random(options.Seed + index));
        Syncer = new Syncer(Store, Exchange, SyntacticBlockValidator.Instance, Executor, weigher, BadTipSets, options.Syncer, time, logs.CreateLogger<Syncer>());
        Tracker = new TargetTracker(time, options.TargetTracker ?? new TargetTrackerOptions());
        Dispatcher = new Dispatcher(Tracker, Syncer, Store, time, logs.CreateLogger<Dispatcher>(), options.Dispatcher ?? new DispatcherOptions());
        Hello = new HelloService(Host, Exchange, new ChainStoreHelloSource(Store, weigher, genesis), metrics, time, logs.CreateLogger<HelloService>(), options.Hello);
        Dispatcher.SyncFinished += (_, e) => _finished.Enqueue(e);
    }

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

    internal async Task StartAsync(CancellationToken cancellationToken)
    {
        Server.Start();
        Dispatcher.Start();
        await Hello.StartAsync(cancellationToken).ConfigureAwait(false);
        _helloToDispatcher = Task.Run(ForwardHelloHeadsAsync, CancellationToken.None);
    }

    /// <summary>Stops the hello service and the loop behind it (no new targets arrive after this).</summary>
    internal async Task StopHelloAsync()
    {
        // Heads completes once the service has stopped, which ends the loop: the service owns its end. The loop's
        // own awaits (an in-memory store, a dispatcher whose SendAsync never blocks) cannot hang.
        await Hello.StopAsync(CancellationToken.None).ConfigureAwait(false);
        if (_helloToDispatcher is not null)
        {
            await _helloToDispatcher.ConfigureAwait(false);
        }
    }

    /// <summary>Stops the dispatcher (every sync) and then the exchange server.</summary>
    internal async Task StopSyncAsync()
    {
        await Dispatcher.DisposeAsync().ConfigureAwait(false);
        await Server.DisposeAsync().ConfigureAwait(false);
    }

    private async Task ForwardHelloHeadsAsync()
    {
        // The engine's one hello intake; it ends when the hello service stops and completes its heads.
        await Dispatcher.ForwardGreetedHeadsAsync(Hello, CancellationToken.None).ConfigureAwait(false);
    }
}
