using Venus.ChainSync.Diagnostics;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync;

/// <summary>One tipset forwards: limits, timing, parent roots, block validation, execution, storage, head.</summary>
public sealed partial class Syncer
{
    /// <summary>Checks and executes <paramref name="tipSet"/> on <paramref name="parentState"/>; a non-null result stops the sync.</summary>
    private async Task<(SyncResult? Stop, TipSetState State)> ApplyAsync(
        SyncRun run, TipSet parent, TipSetState parentState, FullTipSet tipSet, CancellationToken cancellationToken)
    {
        // Temporal first: a block from the future may become valid, so nothing else about it is judged yet.
        long now = _time.GetUtcNow().ToUnixTimeSeconds();
        long latest = now + (long)_options.AllowableClockDrift.TotalSeconds;
        foreach (FullBlock block in tipSet.Blocks)
        {
            if (block.Header.Timestamp > (ulong)Math.Max(0, latest))
            {
                return (run.Failed($"block {block.Cid} is from the future ({block.Header.Timestamp} > {now} + drift)"), default);
            }
        }

        // Every block is judged, not only up to the first bad one: each block bad in itself is cached in its own right
        // (it may turn up again in another tipset), as Lotus marks each block that fails validation.
        List<BlockFault> faults = CheckRules(parent, parentState, tipSet);
        if (faults.Count == 0)
        {
            (faults, string? notNow) = await ValidateAllAsync(tipSet, parent, cancellationToken).ConfigureAwait(false);
            if (notNow is not null)
            {
                return (run.Failed(notNow), default);
            }
        }

        if (faults.Count > 0)
        {
            await MarkBadAsync(run, tipSet.TipSet, faults, cancellationToken).ConfigureAwait(false);
            return (run.Invalid(faults[0].Reason), default);
        }

        TipSetState state;
        try
        {
            state = await _executor.ExecuteAsync(tipSet, parentState, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidTipSetException e)
        {
            string reason = $"tipset {tipSet.Key} failed execution: {e.Message}";
            Cid origin = tipSet.Blocks[0].Cid;
            _bad.MarkTipSet(tipSet.TipSet, reason);
            _metrics?.TipSetBad(BadTipSetReasons.Execution);
            SyncerLog.MarkedBad(_logger, origin, reason);
            await MarkAboveAsync(run.Target, tipSet.Height, origin, reason, cancellationToken).ConfigureAwait(false);
            return (run.Invalid(reason), default);
        }

        _metrics?.TipSetExecuted();
        await _store.PutMessagesAsync(tipSet, cancellationToken).ConfigureAwait(false);
        await _store.SetStateAsync(tipSet.Key, state, cancellationToken).ConfigureAwait(false);
        await MoveHeadIfHeavierAsync(tipSet.TipSet, cancellationToken).ConfigureAwait(false);

        run.Reached = tipSet.TipSet;
        run.Progress?.Invoke(tipSet.TipSet);
        return (null, state);
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
                await _store.SetHeadAsync(tipSet, cancellationToken).ConfigureAwait(false);
                _metrics?.HeadSet(tipSet);
                SyncerLog.HeadMoved(_logger, tipSet);
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
                faults.Add(new(block.Cid, $"block {block.Cid} has {messages} messages, more than {_options.MaxMessagesPerBlock}", BadTipSetReasons.MessageLimit));
            }
            else if (block.Header.Timestamp != expected)
            {
                faults.Add(new(block.Cid, $"block {block.Cid} has timestamp {block.Header.Timestamp}, not {expected}", BadTipSetReasons.Timestamp));
            }
            else if (block.Header.ParentStateRoot != parentState.StateRoot || block.Header.ParentMessageReceipts != parentState.ReceiptsRoot)
            {
                faults.Add(new(block.Cid, $"block {block.Cid} names a parent state or receipts root other than its parent produced", BadTipSetReasons.ParentState));
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
                faults.Add(new(block, $"block {block} is invalid: {verdicts[i].Reason}", BadTipSetReasons.Validator));
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

    /// <summary>One block found bad in itself: which, why, and the reason tag for the metrics.</summary>
    private readonly record struct BlockFault(Cid Block, string Reason, string Tag);
}
