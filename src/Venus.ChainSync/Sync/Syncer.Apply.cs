using Venus.ChainSync.Diagnostics;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync;

/// <summary>One tipset forwards: limits, timing, parent roots, block validation, storage, head, execution.</summary>
public sealed partial class Syncer
{
    /// <summary>
    /// Checks <paramref name="tipSet"/> against its parent, stores it, makes it the head when heavier, then (in full
    /// execution) executes it; a non-null stop ends the sync. <paramref name="parentState"/> is null only in
    /// <see cref="ExecutionMode.None"/> when the parent's state is not recorded: the tipset's claim is then taken as
    /// it, and recorded once the tipset is valid. <paramref name="stored"/> says its messages came from the store.
    /// </summary>
    /// <returns>The stop, or the tipset's own state (null in <see cref="ExecutionMode.None"/>).</returns>
    private async Task<(SyncResult? Stop, TipSetState? State)> ApplyAsync(
        SyncRun run, TipSet parent, TipSetState? parentState, FullTipSet tipSet, bool stored, CancellationToken cancellationToken)
    {
        // Temporal first: a block from the future may become valid, so nothing else about it is judged yet.
        long now = _time.GetUtcNow().ToUnixTimeSeconds();
        long latest = now + (long)_options.AllowableClockDrift.TotalSeconds;
        foreach (FullBlock block in tipSet.Blocks)
        {
            if (block.Header.Timestamp > (ulong)Math.Max(0, latest))
            {
                return (run.Failed(SyncReason.FutureBlock, $"block {block.Cid} is from the future ({block.Header.Timestamp} > {now} + drift)"), null);
            }
        }

        // In no-execution mode the first block's claim stands for the parent's state; every block must make the same.
        TipSetState claimed = new(tipSet.TipSet.ParentStateRoot, tipSet.Blocks[0].Header.ParentMessageReceipts);
        TipSetState expected = parentState ?? claimed;

        // Every block is judged, not only up to the first bad one: each block bad in itself is cached in its own right
        // (it may turn up again in another tipset), as Lotus marks each block that fails validation.
        List<BlockFault> faults = CheckRules(parent, expected, tipSet);
        if (faults.Count == 0)
        {
            (faults, string? notNow) = await ValidateAllAsync(tipSet, parent, cancellationToken).ConfigureAwait(false);
            if (notNow is not null)
            {
                return (run.Failed(SyncReason.ValidationUnavailable, notNow), null);
            }
        }

        if (faults.Count > 0)
        {
            await MarkBadAsync(run, tipSet.TipSet, faults, cancellationToken).ConfigureAwait(false);
            return (run.Invalid(faults[0].Code, faults[0].Reason), null);
        }

        // Valid: its messages are stored (unless they came from the store), the parent's state recorded if it was only
        // claimed, and it may be the head.
        if (!stored)
        {
            await _store.PutMessagesAsync(tipSet, cancellationToken).ConfigureAwait(false);
        }

        if (parentState is null)
        {
            await _store.SetStateAsync(parent.Key, claimed, cancellationToken).ConfigureAwait(false);
        }

        await MoveHeadIfHeavierAsync(tipSet.TipSet, cancellationToken).ConfigureAwait(false);
        run.Reached = tipSet.TipSet;
        run.Progress?.Invoke(tipSet.TipSet);
        if (_options.Execution == ExecutionMode.None)
        {
            return (null, null);
        }

        return await ExecuteAsync(run, parent, tipSet, expected, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Executes a valid <paramref name="tipSet"/> and records its state; on a permanent failure marks it bad and takes it off the head.</summary>
    private async Task<(SyncResult? Stop, TipSetState? State)> ExecuteAsync(
        SyncRun run, TipSet parent, FullTipSet tipSet, TipSetState parentState, CancellationToken cancellationToken)
    {
        TipSetState state;
        try
        {
            state = await _executor!.ExecuteAsync(tipSet, parentState, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidTipSetException e)
        {
            string reason = $"tipset {tipSet.Key} failed execution: {e.Message}";
            Cid origin = tipSet.Blocks[0].Cid;
            _bad.MarkTipSet(tipSet.TipSet, reason);
            _metrics?.TipSetBad(BadTipSetReasons.Execution);
            SyncerLog.MarkedBad(_logger, origin, reason);
            await MarkAboveAsync(run.Target, tipSet.Height, origin, reason, cancellationToken).ConfigureAwait(false);
            await TakeOffHeadAsync(tipSet.TipSet, parent, cancellationToken).ConfigureAwait(false);
            return (run.Invalid(SyncReason.InvalidExecution, reason), null);
        }

        _metrics?.TipSetExecuted();
        await _store.SetStateAsync(tipSet.Key, state, cancellationToken).ConfigureAwait(false);
        return (null, state);
    }

    /// <summary>
    /// Executes the base of a forward walk when it is valid but has no state: the head, whose execution failed for a
    /// local reason when it became the head. Its messages were stored when it was validated, and its parent's state
    /// recorded before that.
    /// </summary>
    private async Task<(SyncResult? Stop, TipSetState? State)> ExecuteBaseAsync(SyncRun run, TipSet syncBase, CancellationToken cancellationToken)
    {
        FullTipSet? full = await _store.GetFullTipSetAsync(syncBase.Key, cancellationToken).ConfigureAwait(false);
        TipSet? parent = await _store.GetTipSetAsync(syncBase.Parents, cancellationToken).ConfigureAwait(false);
        TipSetState? parentState = parent is null ? null : await _store.GetStateAsync(parent.Key, cancellationToken).ConfigureAwait(false);
        if (full is null || parent is null || parentState is null)
        {
            return (run.Failed(SyncReason.StateUnavailable, $"the head {syncBase.Key} has no state, and its messages or its parent's state are not stored to compute it"), null);
        }

        return await ExecuteAsync(run, parent, full, parentState.Value, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>If <paramref name="bad"/> is the head, makes its parent the head again (under the head gate).</summary>
    private async ValueTask TakeOffHeadAsync(TipSet bad, TipSet parent, CancellationToken cancellationToken)
    {
        await _headGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            TipSet head = await _store.GetHeadAsync(cancellationToken).ConfigureAwait(false);
            if (head.Key == bad.Key)
            {
                await SetHeadAsync(head, parent, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _headGate.Release();
        }
    }

    /// <summary>
    /// Makes <paramref name="tipSet"/> the head if it weighs more than the head. Read, compare and set run under one
    /// gate shared by every sync of this syncer, so two concurrent syncs cannot both read the same head and the
    /// lighter of them set its tipset last.
    /// </summary>
    private async ValueTask MoveHeadIfHeavierAsync(TipSet tipSet, CancellationToken cancellationToken)
    {
        await _headGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            TipSet head = await _store.GetHeadAsync(cancellationToken).ConfigureAwait(false);
            if (await WeighAsync(tipSet, cancellationToken).ConfigureAwait(false) > await WeighAsync(head, cancellationToken).ConfigureAwait(false))
            {
                await SetHeadAsync(head, tipSet, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _headGate.Release();
        }
    }

    /// <summary>The engine's own rules for each block: the message limit, the exact timestamp, the parent roots.</summary>
    private List<BlockFault> CheckRules(TipSet parent, TipSetState parentState, FullTipSet tipSet)
    {
        var faults = new List<BlockFault>();
        ulong expected = parent.MinTimestamp + ((ulong)_options.BlockDelay.TotalSeconds * (ulong)(tipSet.Height - parent.Height));
        foreach (FullBlock block in tipSet.Blocks)
        {
            int messages = block.BlsMessages.Length + block.SecpkMessages.Length;
            if (messages > _options.MaxMessagesPerBlock)
            {
                faults.Add(new(block.Cid, $"block {block.Cid} has {messages} messages, more than {_options.MaxMessagesPerBlock}", SyncReason.TooManyMessages, BadTipSetReasons.MessageLimit));
            }
            else if (block.Header.Timestamp != expected)
            {
                faults.Add(new(block.Cid, $"block {block.Cid} has timestamp {block.Header.Timestamp}, not {expected}", SyncReason.WrongTimestamp, BadTipSetReasons.Timestamp));
            }
            else if (block.Header.ParentStateRoot != parentState.StateRoot || block.Header.ParentMessageReceipts != parentState.ReceiptsRoot)
            {
                faults.Add(new(block.Cid, $"block {block.Cid} names a parent state or receipts root other than its parent produced", SyncReason.ParentStateMismatch, BadTipSetReasons.ParentState));
            }
        }

        return faults;
    }

    /// <summary>
    /// The host validator's verdicts on every block, in parallel: the permanent failures, or — only when there is none
    /// — why a block cannot be judged now.
    /// </summary>
    private async Task<(List<BlockFault> Faults, string? NotNow)> ValidateAllAsync(FullTipSet tipSet, TipSet parent, CancellationToken cancellationToken)
    {
        BlockValidation[] verdicts = await Task.WhenAll(tipSet.Blocks.Select(b => ValidateBlockAsync(b, parent, cancellationToken))).ConfigureAwait(false);
        var faults = new List<BlockFault>();
        string? notNow = null;
        for (int i = 0; i < verdicts.Length; i++)
        {
            Cid block = tipSet.Blocks[i].Cid;
            if (!verdicts[i].IsValid && verdicts[i].IsPermanent)
            {
                faults.Add(new(block, $"block {block} is invalid: {verdicts[i].Reason}", SyncReason.InvalidBlock, BadTipSetReasons.Validator));
            }
            else if (!verdicts[i].IsValid)
            {
                notNow ??= $"block {block} cannot be validated now: {verdicts[i].Reason}";
            }
        }

        return faults.Count > 0 ? (faults, null) : (faults, notNow);
    }

    /// <summary>The validator's verdict; its exception is a temporary failure (the port's contract).</summary>
    private async Task<BlockValidation> ValidateBlockAsync(FullBlock block, TipSet parent, CancellationToken cancellationToken)
    {
        try
        {
            return await _validator.ValidateAsync(block, parent, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return BlockValidation.Temporary($"the validator failed: {e.Message}");
        }
    }

    /// <summary>One block found bad in itself: which, why (in words and as a code), and the reason tag for the metrics.</summary>
    private readonly record struct BlockFault(Cid Block, string Reason, SyncReason Code, string Tag);
}
