using System.Collections.Immutable;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Venus.ChainSync.Diagnostics;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync;

/// <summary>
/// Receives announced heads, queues them as sync targets and runs the syncer on the best of them, at most
/// <see cref="Concurrency"/> at once: Venus's <c>pkg/chainsync/dispatcher</c>.
/// </summary>
/// <remarks>
/// <para><b>Flow.</b> <see cref="SendAsync"/> takes in an <see cref="IncomingTipSet"/> (the node's own block, gossip
/// or hello, its messages already checked by construction), stores headers and messages, publishes the headers to
/// <see cref="IncomingBlocks"/> subscribers and queues the head. One loop moves queued heads
/// into the <see cref="TargetTracker"/>; one worker loop starts a sync on the tracker's best waiting target while
/// fewer than <see cref="Concurrency"/> run. Each ended run is reported by <see cref="SyncFinished"/>.</para>
/// <para><b>Outcomes.</b> <see cref="SyncOutcomeKind.Completed"/> and <see cref="SyncOutcomeKind.Refused"/> complete
/// the target (a refusal means the node has that chain or a heavier one, which is not an error, and keeping the target
/// in the history as complete makes the tracker refuse the same head if it is announced again);
/// <see cref="SyncOutcomeKind.Invalid"/> and <see cref="SyncOutcomeKind.Failed"/> fail it with the reason. A run the
/// dispatcher cancelled (concurrency lowered, or stop) that ends cancelled or failed sends its target back to waiting,
/// not to the history. Deliberate difference from Venus: its syncer answers a lighter or already-synced target with an
/// error ("do not sync to a target with less weight", "... has synced before"), so such targets show as errored there;
/// here they show as complete. Venus also has no requeue: a cancelled sync is an errored target.</para>
/// <para><b>Lifetime.</b> Nothing runs until <see cref="Start"/>. <see cref="StopAsync"/> cancels both loops and
/// every sync and returns once all of them have ended; it completes every <see cref="IncomingBlocks"/> enumeration.
/// The dispatcher starts once and cannot be restarted. Heads sent before <see cref="Start"/> wait in the queue.</para>
/// <para>Every member is thread-safe.</para>
/// </remarks>
public sealed partial class Dispatcher : IAsyncDisposable
{
    private readonly TargetTracker _tracker;
    private readonly ISyncer _syncer;
    private readonly IChainStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<Dispatcher> _logger;
    private readonly DispatcherOptions _options;
    private readonly SyncMetrics? _metrics;

    // Announced heads, from SendAsync to the incoming loop. DropOldest: the senders are the gossip loop, the
    // hello handler and the miner, and none of them may be blocked or made to buffer by a flood; dropping keeps memory
    // bounded, and dropping the oldest keeps the newest heads, which are the ones worth syncing (a head that is lost
    // is announced again by the next block or greeting, and the tracker refuses lighter heads anyway).
    private readonly Channel<ChainInfo> _incoming;

    // Wake-ups of the worker. One slot, DropWrite: a wake-up only says "look again", so any number of them while one
    // is pending mean the same thing; the worker then starts as many syncs as there is room for.
    private readonly Channel<bool> _wake;

    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();

    // Everything below is guarded by _gate.
    private readonly Dictionary<long, RunningSync> _running = [];
    private readonly List<Channel<BlockHeader>> _subscribers = [];
    private int _concurrency;
    private long _startOrder;
    private Life _life;
    private Task? _incomingLoop;
    private Task? _workerLoop;
    private Task? _stopping;

    private long _queued;
    private long _processed;
    private long _dropped;

    /// <summary>Creates a dispatcher; nothing runs until <see cref="Start"/>.</summary>
    /// <param name="tracker">The queue of targets, which this dispatcher alone moves from state to state.</param>
    /// <param name="syncer">Runs each sync.</param>
    /// <param name="store">Where announced headers and messages are stored, and the head (the base of each sync) is read.</param>
    /// <param name="time">The clock (for sync durations in logs).</param>
    /// <param name="logger">Where events go (ids 2100–2199).</param>
    /// <param name="options">Bounds; validated here.</param>
    /// <param name="metrics">Where targets queued and active, run durations and dropped announcements are reported (none if <c>null</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public Dispatcher(TargetTracker tracker, ISyncer syncer, IChainStore store, TimeProvider time, ILogger<Dispatcher> logger, DispatcherOptions options, SyncMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        ArgumentNullException.ThrowIfNull(syncer);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(options);
        OptionsCheck.ThrowIfInvalid(options.Validate(), nameof(options));
        _tracker = tracker;
        _syncer = syncer;
        _store = store;
        _time = time;
        _logger = logger;
        _options = options;
        _concurrency = options.MaxConcurrency;
        _incoming = Channel.CreateBounded<ChainInfo>(
            new BoundedChannelOptions(options.IncomingCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            OnAnnouncementDropped);
        _wake = Channel.CreateBounded<bool>(
            new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
        _metrics = metrics;
        _metrics?.ObserveTargets(CountTargets);
    }

    /// <summary>Raised after each sync run ends, once the tracker holds the target's new state. Handlers run on the
    /// sync's thread and must be quick; an exception from a handler is logged and otherwise ignored.</summary>
    public event EventHandler<SyncFinishedEventArgs>? SyncFinished;

    private enum Life
    {
        Created,
        Running,
        Stopping,
    }

    /// <summary>Most syncs run at once now.</summary>
    public int Concurrency
    {
        get
        {
            lock (_gate)
            {
                return _concurrency;
            }
        }
    }

    /// <summary>The targets being synced now, oldest start first, as they were when their sync started (ask the
    /// tracker for their progress).</summary>
    public ImmutableArray<Target> Running
    {
        get
        {
            lock (_gate)
            {
                return [.. _running.Values.OrderBy(r => r.Order).Select(r => r.Target)];
            }
        }
    }

    /// <summary>Announcements queued by <see cref="SendAsync"/> so far.</summary>
    internal long AnnouncementsQueued => Interlocked.Read(ref _queued);

    /// <summary>Announcements the incoming loop has handed to the tracker so far.</summary>
    internal long AnnouncementsProcessed => Interlocked.Read(ref _processed);

    /// <summary>Announcements pushed out of the full queue so far.</summary>
    internal long AnnouncementsDropped => Interlocked.Read(ref _dropped);

    /// <summary>Starts the incoming loop and the worker loop.</summary>
    /// <exception cref="InvalidOperationException">Already started, or stopped.</exception>
    public void Start()
    {
        lock (_gate)
        {
            if (_life != Life.Created)
            {
                throw new InvalidOperationException("The dispatcher starts once and cannot be restarted.");
            }

            _life = Life.Running;
            CancellationToken stop = _stop.Token;
            _incomingLoop = Task.Run(() => RunIncomingAsync(stop), CancellationToken.None);
            _workerLoop = Task.Run(() => RunWorkerAsync(stop), CancellationToken.None);
            _logger.Started(_concurrency);
        }

        // Targets may already wait in the tracker.
        Wake();
    }

    /// <summary>
    /// Sets how many syncs may run at once. Raising it starts waiting targets at once. Lowering it cancels the most
    /// recently started syncs beyond the new limit; their targets go back to waiting (not to the history) and run
    /// again when there is room.
    /// </summary>
    /// <param name="concurrency">The new limit, at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="concurrency"/> is below 1.</exception>
    public void SetConcurrent(int concurrency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        List<RunningSync> surplus = [];
        int old;
        lock (_gate)
        {
            old = _concurrency;
            _concurrency = concurrency;

            // Runs already cancelled still count against the limit until they end, so that the limit is never
            // exceeded, but they are not cancelled twice.
            List<RunningSync> active = [.. _running.Values.Where(r => !r.Surplus).OrderByDescending(r => r.Order)];
            for (int i = 0; i < active.Count - concurrency; i++)
            {
                active[i].Surplus = true;
                surplus.Add(active[i]);
            }
        }

        // Cancelled outside the lock: cancellation runs the syncer's callbacks on this thread, and they may end the
        // run here and now, which takes the lock to retire it.
        foreach (RunningSync run in surplus)
        {
            try
            {
                run.Cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The run ended and was retired between the lock and here; nothing is left to cancel.
            }
        }

        _logger.ConcurrencyChanged(old, concurrency, surplus.Count);
        Wake();
    }

    /// <summary>
    /// Cancels both loops and every sync and returns once all of them have ended; cancelled syncs' targets go back to
    /// waiting. Completes every <see cref="IncomingBlocks"/> enumeration. Later calls return the same task; stopping a
    /// dispatcher that never started only closes it.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting (not stopping) when a syncer does not honour its cancellation.</param>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        Task stopping;
        lock (_gate)
        {
            _stopping ??= StopCoreAsync();
            stopping = _stopping;
        }

        return stopping.WaitAsync(cancellationToken);
    }

    /// <summary>Stops (<see cref="StopAsync"/>) and releases the cancellation source.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task StopCoreAsync()
    {
        Task[] loops;
        bool started;
        lock (_gate)
        {
            started = _life == Life.Running;
            _life = Life.Stopping;
            loops = [.. new[] { _incomingLoop, _workerLoop }.OfType<Task>()];
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _incoming.Writer.TryComplete();
        _wake.Writer.TryComplete();

        // Both loops end quietly on cancellation; no sync starts once the state is Stopping.
        await Task.WhenAll(loops).ConfigureAwait(false);

        Task[] syncs;
        Channel<BlockHeader>[] subscribers;
        lock (_gate)
        {
            syncs = [.. _running.Values.Select(r => r.Task)];
            subscribers = [.. _subscribers];
        }

        // A sync's task never faults: its outcome, whatever it is, is recorded in the tracker.
        await Task.WhenAll(syncs).ConfigureAwait(false);
        foreach (Channel<BlockHeader> subscriber in subscribers)
        {
            subscriber.Writer.TryComplete();
        }

        if (started)
        {
            _logger.Stopped();
        }
    }

    private void Wake() => _wake.Writer.TryWrite(true);

    private void OnAnnouncementDropped(ChainInfo info)
    {
        Interlocked.Increment(ref _dropped);
        _metrics?.AnnouncementDropped();
        _logger.AnnouncementDropped(info.Head.Key, info.Height);
    }

    /// <summary>Targets waiting in the tracker and syncs running, for the gauges.</summary>
    private (int Queued, int Active) CountTargets()
    {
        int active;
        lock (_gate)
        {
            active = _running.Count;
        }

        // Read apart, so the two may be a moment out of step; a gauge tolerates that, a negative count it would not.
        return (Math.Max(0, _tracker.Count - active), active);
    }

    /// <summary>One sync in flight. Mutable fields are guarded by the dispatcher's lock.</summary>
    private sealed class RunningSync(Target target, long order, CancellationTokenSource cancellation, long started)
    {
        public Target Target { get; } = target;

        /// <summary>When it started, as a <see cref="TimeProvider"/> timestamp.</summary>
        public long Started { get; } = started;

        public long Order { get; } = order;

        public CancellationTokenSource Cancellation { get; } = cancellation;

        public Task Task { get; set; } = Task.CompletedTask;

        /// <summary>Cancelled because the concurrency was lowered.</summary>
        public bool Surplus { get; set; }

        /// <summary>Retired: later progress reports are ignored.</summary>
        public bool Ended { get; set; }
    }
}
