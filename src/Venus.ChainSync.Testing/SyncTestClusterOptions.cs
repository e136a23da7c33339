using Microsoft.Extensions.Logging;
using Venus.ChainSync.Exchange;
using Venus.ChainSync.Hello;
using Venus.ChainSync.Hosting;

namespace Venus.ChainSync.Testing;

/// <summary>
/// Settings of a <see cref="SyncTestCluster"/>, shared by all its nodes. Every component option left <c>null</c> is
/// that component's default; an option object given here is handed to every node, so do not change it afterwards.
/// </summary>
public sealed class SyncTestClusterOptions
{
    /// <summary>Options of every node's <see cref="Dispatcher"/> (per-node concurrency: <see cref="Dispatcher.SetConcurrent"/>).</summary>
    public DispatcherOptions? Dispatcher { get; init; }

    /// <summary>Options of every node's <see cref="Syncer"/>.</summary>
    public SyncerOptions? Syncer { get; init; }

    /// <summary>Options of every node's <see cref="TargetTracker"/>.</summary>
    public TargetTrackerOptions? TargetTracker { get; init; }

    /// <summary>Options of every node's <see cref="ChainExchangeClient"/>.</summary>
    public ExchangeClientOptions? ExchangeClient { get; init; }

    /// <summary>Options of every node's <see cref="ChainExchangeServer"/>.</summary>
    public ExchangeServerOptions? ExchangeServer { get; init; }

    /// <summary>Options of every node's <see cref="HelloService"/>.</summary>
    public HelloServiceOptions? Hello { get; init; }

    /// <summary>
    /// Makes the executor of the node with the given index (from 0); <c>null</c> gives every node a plain
    /// <see cref="TestTipSetExecutor"/>. A test hooks execution here (to hold a sync, or to cut a link mid-sync).
    /// </summary>
    public Func<int, ITipSetExecutor>? ExecutorFactory { get; init; }

    /// <summary>
    /// Makes the weigher of the node with the given index from the cluster's default (a <see cref="ParentWeightWeigher"/>
    /// matching the builder), which it may wrap; <c>null</c> keeps the default. The syncer weighs between reading the
    /// head and moving it, so a wrapper can hold a sync exactly there.
    /// </summary>
    public Func<int, IChainWeigher, IChainWeigher>? WeigherFactory { get; init; }

    /// <summary>
    /// Adjusts the options of the node with the given index after the shared ones above were applied; <c>null</c>
    /// changes nothing. A test mixes node kinds here (for example one node with
    /// <see cref="SyncerOptions.Execution"/> <see cref="ExecutionMode.None"/>); give that node new option objects
    /// rather than changing the shared ones.
    /// </summary>
    public Action<int, ChainSyncOptions>? ConfigureNode { get; init; }

    /// <summary>Where every component logs; <c>null</c> logs nowhere.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Seed of the network's random draws and of each node's peer shuffle (node i uses <c>Seed + i</c>).</summary>
    public int Seed { get; init; }
}
