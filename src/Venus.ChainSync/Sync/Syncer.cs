using System.Diagnostics;
using System.Numerics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Venus.ChainSync.Diagnostics;
using Venus.ChainSync.Exchange;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync;

/// <summary>
/// Carries the node from its head to a target (Venus <c>Syncer.HandleNewTipSet</c>, Lotus <c>Syncer.Sync</c>): refuse
/// what is not worth syncing, fetch headers backwards until they link to a tipset known valid, check the fork, then
/// go forwards in segments (fetch messages, check timing, roots and blocks, move the head, execute).
/// </summary>
/// <remarks>
/// <para><b>Memory.</b> Headers are persisted as each backward window arrives and walked back through the store,
/// never held in a list that grows with the catch-up: at most <see cref="SyncerOptions.HeaderWindow"/> headers, three
/// segments of full tipsets (one being fetched, one in the one-slot channel, one being executed), and one mark tipset
/// per window (1/900 of the chain, so the forward walk reads each header from the store once rather than once per
/// window) are held.</para>
/// <para><b>Outcomes.</b> A bad chain or a bad peer is a <see cref="SyncResult"/>, never an exception. Only permanent
/// failures are cached as bad (in <see cref="BadTipSetCache"/>): a bad block with everything known above it, linked to
/// it as origin. A fork longer than <see cref="SyncerOptions.ForkLengthThreshold"/> or one that leaves the checkpoint
/// is <see cref="SyncOutcomeKind.Invalid"/> but deliberately <em>not</em> cached: Lotus caches "fork past finality"
/// and nodes that fell behind then could not recover (lotus#11531). A block from the future is
/// <see cref="SyncOutcomeKind.Failed"/> and never cached.</para>
/// <para><b>Messages.</b> The exchange already checks every block's messages against its message root, and the
/// store holds only messages that matched, so the syncer does not hash them again; it checks the per-block limit,
/// the timing rules and the parent roots itself, then hands blocks to the <see cref="IBlockValidator"/>.</para>
/// <para><b>Valid, as in Lotus.</b> A tipset is valid when its blocks pass the rules and the validator and its
/// parent's state is what they claim; it can become the head before its own state is known. In
/// <see cref="ExecutionMode.Full"/> the parent's state is the executor's, and each valid tipset is executed right after
/// it becomes the head, so its child can be checked at once; in <see cref="ExecutionMode.None"/> a tipset's state is
/// what its valid child claims, and nothing is executed.</para>
/// <para><b>Completed</b> means the target is valid. The head then is the target, unless a tipset weighing at least as
/// much was the head already (a target of equal parent weight can turn out no heavier).</para>
/// <para><b>Concurrency.</b> Several syncs may run at once (for different targets). Each moves the head only when the
/// tipset it executed weighs more than the head; the read, the comparison and the set are serialised across all runs
/// of this syncer, so the heaviest executed tipset wins whatever the interleaving. Writers outside the syncer (a
/// miner setting its own block as head) are not covered: the store's <see cref="IChainStore.SetHeadAsync"/> is the
/// last word for them.</para>
/// </remarks>
// CA1001: the only disposable field is a SemaphoreSlim whose wait handle is never asked for, so it holds nothing that
// needs disposing; making the syncer IDisposable would burden every host for no resource.
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "See the comment above.")]
public sealed partial class Syncer : ISyncer
{
    private readonly IChainStore _store;
    private readonly IChainExchange _exchange;
    private readonly IBlockValidator _validator;
    private readonly ITipSetExecutor? _executor;
    private readonly IChainWeigher _weigher;
    private readonly BadTipSetCache _bad;
    private readonly SyncerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SyncMetrics? _metrics;

    // Serialises every read-compare-set of the head by this syncer's runs (see MoveHeadIfHeavierAsync).
    private readonly SemaphoreSlim _headGate = new(1, 1);

    // Who hears of head moves (see HeadChangesAsync); published to under the head gate, so in the order of the moves.
    private readonly HeadChangeFeed _headChanges;

    /// <summary>The activity each sync runs in, tagged with the target's height and, at the end, the outcome.</summary>
    public const string SyncActivityName = "chainsync.sync";

    /// <summary>Creates a syncer over the host's ports.</summary>
    /// <param name="store">The chain store.</param>
    /// <param name="exchange">Where missing headers and messages are fetched.</param>
    /// <param name="validator">The consensus checks of each block.</param>
    /// <param name="executor">The state executor; required in <see cref="ExecutionMode.Full"/>, unused (may be null) in <see cref="ExecutionMode.None"/>.</param>
    /// <param name="weigher">The chain weight.</param>
    /// <param name="badTipSets">Where bad blocks are remembered.</param>
    /// <param name="options">Limits and the execution mode.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">Where the syncer logs.</param>
    /// <param name="metrics">Where the syncer counts.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="ArgumentNullException">A port is null (the executor only in full execution mode).</exception>
    public Syncer(
        IChainStore store,
        IChainExchange exchange,
        IBlockValidator validator,
        ITipSetExecutor? executor,
        IChainWeigher weigher,
        BadTipSetCache badTipSets,
        SyncerOptions? options = null,
        TimeProvider? timeProvider = null,
        ILogger<Syncer>? logger = null,
        SyncMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(exchange);
        ArgumentNullException.ThrowIfNull(validator);
        ArgumentNullException.ThrowIfNull(weigher);
        ArgumentNullException.ThrowIfNull(badTipSets);
        // A copy: the options are settable, and a running syncer must not see them change under it.
        _options = (options ?? new SyncerOptions()).Clone();
        OptionsCheck.ThrowIfInvalid(_options.Validate(), nameof(options));
        if (_options.Execution == ExecutionMode.Full)
        {
            ArgumentNullException.ThrowIfNull(executor);
        }

        _store = store;
        _exchange = exchange;
        _validator = validator;
        _executor = executor;
        _weigher = weigher;
        _bad = badTipSets;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _metrics = metrics;
        _headChanges = new HeadChangeFeed(_options.HeadChangeSubscriberCapacity);
    }

    /// <inheritdoc/>
    public Task<SyncResult> HandleNewTipSetAsync(Target target, Action<TipSet>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        return RunAsync(new SyncRun(target.Head, progress, IsCheckpoint: false), cancellationToken);
    }

    /// <summary>
    /// Makes the tipset with <paramref name="key"/> the checkpoint (Lotus <c>SyncCheckpoint</c>): fetches and syncs
    /// to it if needed (ignoring weight and the fork-length threshold: the operator vouches for it), moves the head
    /// to it when the head does not descend from it, then records it with <see cref="IChainStore.SetCheckpointAsync"/>.
    /// Afterwards, forks that leave it are refused.
    /// </summary>
    /// <returns><see cref="SyncOutcomeKind.Completed"/> with the checkpoint, or why it could not be set.</returns>
    public async Task<SyncResult> SyncCheckpointAsync(TipSetKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        TipSet? checkpoint;
        try
        {
            checkpoint = await _store.GetTipSetAsync(key, cancellationToken).ConfigureAwait(false);
            if (checkpoint is null)
            {
                IReadOnlyList<TipSet> fetched = await _exchange.GetBlocksAsync(key, 1, cancellationToken).ConfigureAwait(false);
                if (fetched.Count != 1 || fetched[0].Key != key)
                {
                    return new SyncResult(SyncOutcomeKind.Failed, SyncReason.ExchangeFailed, "the exchange did not return the checkpoint");
                }

                checkpoint = fetched[0];
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new SyncResult(SyncOutcomeKind.Cancelled, SyncReason.Cancelled, "cancelled");
        }
        catch (ExchangeFailedException e)
        {
            return new SyncResult(SyncOutcomeKind.Failed, SyncReason.ExchangeFailed, e.Message);
        }

        SyncResult synced = await RunAsync(new SyncRun(checkpoint, null, IsCheckpoint: true), cancellationToken).ConfigureAwait(false);
        if (synced.Kind != SyncOutcomeKind.Completed)
        {
            return synced;
        }

        try
        {
            // Under the head gate: no sync of this syncer moves the head between the check and the checkpoint.
            await _headGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                TipSet head = await _store.GetHeadAsync(cancellationToken).ConfigureAwait(false);
                if (!await DescendsFromAsync(head, checkpoint, cancellationToken).ConfigureAwait(false))
                {
                    // The one place the head may become lighter: the operator chose this chain (as Lotus's SetCheckpoint does).
                    await SetHeadAsync(head, checkpoint, cancellationToken).ConfigureAwait(false);
                }

                await _store.SetCheckpointAsync(checkpoint.Key, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _headGate.Release();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new SyncResult(SyncOutcomeKind.Cancelled, SyncReason.Cancelled, "cancelled");
        }

        SyncerLog.CheckpointSet(_logger, checkpoint);
        return SyncResult.Completed(checkpoint);
    }

    private async Task<SyncResult> RunAsync(SyncRun run, CancellationToken cancellationToken)
    {
        using Activity? activity = ChainSyncDiagnostics.ActivitySource.StartActivity(SyncActivityName);
        activity?.SetTag("chainsync.target.height", run.Target.Height);
        SyncResult result;
        try
        {
            result = await SyncAsync(run, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            result = new SyncResult(SyncOutcomeKind.Cancelled, SyncReason.Cancelled, "cancelled", run.Reached);
        }
        catch (ExchangeFailedException e)
        {
            result = new SyncResult(SyncOutcomeKind.Failed, SyncReason.ExchangeFailed, e.Message, run.Reached);
        }
#pragma warning disable CA1031 // A host port's fault (store, executor) is a temporary failure of this sync, never a crash of the dispatcher.
        catch (Exception e)
#pragma warning restore CA1031
        {
            SyncerLog.LocalFault(_logger, run.Target, e);
            result = new SyncResult(SyncOutcomeKind.Failed, SyncReason.LocalFault, $"local fault: {e.Message}", run.Reached);
        }

        activity?.SetTag("chainsync.outcome", SyncMetrics.ResultTag(result.Kind, requeued: false));
        if (result.Kind is SyncOutcomeKind.Invalid or SyncOutcomeKind.Failed)
        {
            activity?.SetStatus(ActivityStatusCode.Error, result.Reason);
        }

        switch (result.Kind)
        {
            case SyncOutcomeKind.Completed:
                SyncerLog.SyncCompleted(_logger, run.Target);
                break;
            case SyncOutcomeKind.Refused:
                SyncerLog.SyncRefused(_logger, run.Target, result.Code, result.Reason);
                break;
            case SyncOutcomeKind.Invalid:
                SyncerLog.SyncInvalid(_logger, run.Target, result.Code, result.Reason);
                break;
            default:
                SyncerLog.SyncFailed(_logger, run.Target, result.Code, result.Reason);
                break;
        }

        return result;
    }

    private async Task<SyncResult> SyncAsync(SyncRun run, CancellationToken cancellationToken)
    {
        TipSet target = run.Target;
        if (FindBad(target) is { } badEntry)
        {
            return run.Invalid(SyncReason.BadBlock, $"the target contains bad block {badEntry.Block}: {badEntry}");
        }

        TipSet head = await _store.GetHeadAsync(cancellationToken).ConfigureAwait(false);
        SyncerLog.SyncStarted(_logger, target, head);
        if (await IsValidatedAsync(target, head, cancellationToken).ConfigureAwait(false))
        {
            // A checkpoint we already validated needs no sync; anything else validated is nothing to do.
            return run.IsCheckpoint ? SyncResult.Completed(target) : run.Refused(SyncReason.AlreadyValidated, "already validated");
        }

        if (!run.IsCheckpoint)
        {
            // Lotus's rule (Syncer.InformNewHead): compare parent weights, the only weight known before execution.
            // The head moves only if the executed tipset weighs more (IChainWeigher), so a tie costs work, not safety.
            if (target.ParentWeight < head.ParentWeight)
            {
                return run.Refused(SyncReason.LighterThanHead, "lighter than the head");
            }

            if (await IsInHeadChainAsync(target, head, cancellationToken).ConfigureAwait(false))
            {
                return run.Refused(SyncReason.InHeadChain, "already in the head's chain");
            }
        }

        // A target from the dispatcher is stored already (it stores what it takes in); one given directly may not be.
        if (await _store.GetTipSetAsync(target.Key, cancellationToken).ConfigureAwait(false) is null)
        {
            await _store.PutHeadersAsync(target.Blocks, cancellationToken).ConfigureAwait(false);
        }

        HeaderWalk walk = await FetchHeadersAsync(run, head, cancellationToken).ConfigureAwait(false);
        if (walk.Stop is { } stop)
        {
            return stop;
        }

        TipSet syncBase = walk.Base!;
        if (!run.IsCheckpoint)
        {
            SyncResult? forkRefusal = await CheckForkAsync(run, head, syncBase, walk.TheirSide, cancellationToken).ConfigureAwait(false);
            if (forkRefusal is not null)
            {
                return forkRefusal;
            }
        }

        return await ForwardAsync(run, syncBase, walk.Marks, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether <paramref name="target"/> is the head, part of it, or an ancestor within the fork-length threshold.</summary>
    private async ValueTask<bool> IsInHeadChainAsync(TipSet target, TipSet head, CancellationToken cancellationToken)
    {
        if (Target.Contains(head, target))
        {
            return true;
        }

        TipSet? cursor = await WalkDownAsync(head, target.Height, _options.ForkLengthThreshold, cancellationToken).ConfigureAwait(false);
        return cursor is not null && cursor.Height == target.Height && Target.Contains(cursor, target);
    }

    /// <summary>
    /// Whether <paramref name="tipSet"/> is known valid: the head (whose own state may still be pending), or a tipset
    /// with a recorded state (executed, or claimed by a valid child in <see cref="ExecutionMode.None"/>).
    /// </summary>
    private async ValueTask<bool> IsValidatedAsync(TipSet tipSet, TipSet head, CancellationToken cancellationToken) =>
        tipSet.Key == head.Key || await _store.GetStateAsync(tipSet.Key, cancellationToken).ConfigureAwait(false) is not null;

    private async ValueTask<bool> DescendsFromAsync(TipSet tipSet, TipSet ancestor, CancellationToken cancellationToken) =>
        (await WalkDownAsync(tipSet, ancestor.Height, int.MaxValue, cancellationToken).ConfigureAwait(false))?.Key == ancestor.Key;

    /// <summary>
    /// Walks from <paramref name="from"/> through the store to the first tipset at or below <paramref name="height"/>,
    /// taking at most <paramref name="maxSteps"/> steps; null when a parent is missing from the store.
    /// </summary>
    private async ValueTask<TipSet?> WalkDownAsync(TipSet from, long height, int maxSteps, CancellationToken cancellationToken)
    {
        TipSet? cursor = from;
        for (int steps = 0; cursor is not null && cursor.Height > height && steps < maxSteps; steps++)
        {
            cursor = await _store.GetTipSetAsync(cursor.Parents, cancellationToken).ConfigureAwait(false);
        }

        return cursor;
    }

    private async ValueTask<BigInteger> WeighAsync(TipSet tipSet, CancellationToken cancellationToken) =>
        await _weigher.WeightAsync(tipSet, cancellationToken).ConfigureAwait(false);

    /// <summary>One sync: its target, where it got to, and how results are made.</summary>
    private sealed record SyncRun(TipSet Target, Action<TipSet>? Progress, bool IsCheckpoint)
    {
        public TipSet? Reached { get; set; }

        public SyncResult Refused(SyncReason code, string reason) => new(SyncOutcomeKind.Refused, code, reason, Reached);

        public SyncResult Invalid(SyncReason code, string reason) => new(SyncOutcomeKind.Invalid, code, reason, Reached);

        public SyncResult Failed(SyncReason code, string reason) => new(SyncOutcomeKind.Failed, code, reason, Reached);
    }

    /// <summary>Where the backward walk ended: a base with state, or a reason to stop.</summary>
    /// <param name="Base">The tipset with state the walk reached, or null when it stopped.</param>
    /// <param name="Stop">Why the walk stopped, or null when it reached a base.</param>
    /// <param name="TheirSide">Tipsets of the incoming chain at or below our head's height.</param>
    /// <param name="Marks">Every <see cref="SyncerOptions.HeaderWindow"/>-th tipset from the target down, target first (see <see cref="FetchHeadersAsync"/>).</param>
    private sealed record HeaderWalk(TipSet? Base, SyncResult? Stop, int TheirSide, IReadOnlyList<TipSet> Marks);
}
