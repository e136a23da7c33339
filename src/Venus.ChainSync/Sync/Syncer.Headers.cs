using Venus.ChainSync.Diagnostics;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync;

/// <summary>The backward half: headers from the target down to a tipset with state, and the fork checks.</summary>
public sealed partial class Syncer
{
    /// <summary>
    /// Walks back from the target, through the store while headers are there and through the exchange in windows of
    /// at most <see cref="SyncerOptions.HeaderWindow"/> when they are not (each window persisted as it arrives), until
    /// a tipset known valid (the head, or one with a recorded state). Holds one window at most.
    /// </summary>
    private async Task<HeaderWalk> FetchHeadersAsync(SyncRun run, TipSet head, CancellationToken cancellationToken)
    {
        TipSetKey? checkpointKey = await _store.GetCheckpointAsync(cancellationToken).ConfigureAwait(false);
        TipSet? checkpoint = run.IsCheckpoint || checkpointKey is null
            ? null
            : await _store.GetTipSetAsync(checkpointKey, cancellationToken).ConfigureAwait(false);

        TipSet cursor = run.Target;
        long fetched = 0;

        // Every HeaderWindow-th tipset from the target down (target first): the forward walk loads each chunk by
        // walking down from one mark to the next, so the chain is walked once more in all, not once per chunk
        // (which made store reads grow with the square of the catch-up). One tipset per window is kept.
        var marks = new List<TipSet>();
        long steps = 0;

        // Tipsets of the incoming chain at or below our head's height: its side of the fork (lotus#5182, #5244).
        int theirSide = 0;
        while (true)
        {
            if (await IsValidatedAsync(cursor, head, cancellationToken).ConfigureAwait(false))
            {
                SyncerLog.HeadersLinked(_logger, run.Target, cursor, fetched);
                return new HeaderWalk(cursor, null, theirSide, marks);
            }

            if (steps++ % _options.HeaderWindow == 0)
            {
                marks.Add(cursor);
            }

            if (FindBad(cursor) is { } bad)
            {
                // Linked to the root cause, as Lotus's BadBlockReason.Linked keeps it: unmarking that one block is then
                // enough to see which of its descendants still stand on their own.
                string reason = $"the chain contains bad block {bad.Block}: {bad}";
                await MarkAboveAsync(run.Target, cursor.Height, bad.Origin ?? bad.Block, reason, cancellationToken).ConfigureAwait(false);
                _metrics?.TipSetBad(BadTipSetReasons.BadAncestor);
                return Stop(run.Invalid(SyncReason.BadBlock, reason));
            }

            if (DoubleMining.FindSecondBlock(cursor.Blocks) is { } second)
            {
                // Both blocks may each be valid, so neither is cached; every tipset above names this key as (an
                // ancestor of) its parents, so those can never be valid and are cached, linked to the second block.
                string reason = $"double mining: miner {second.Miner} has two blocks in tipset {cursor.Key} at height {cursor.Height}";
                await MarkAboveAsync(run.Target, cursor.Height, second.Cid, reason, cancellationToken).ConfigureAwait(false);
                _metrics?.TipSetBad(BadTipSetReasons.DoubleMining);
                return Stop(run.Invalid(SyncReason.DoubleMining, reason));
            }

            if (!run.IsCheckpoint)
            {
                if (cursor.Height <= head.Height && ++theirSide > _options.ForkLengthThreshold)
                {
                    // Not cached as bad: see the class remarks (lotus#11531).
                    return Stop(run.Invalid(SyncReason.ForkTooLong, $"fork longer than {_options.ForkLengthThreshold} tipsets on the incoming side"));
                }

                if (checkpoint is not null && cursor.Height <= checkpoint.Height)
                {
                    // The checkpoint is valid, so a chain through it would have stopped there.
                    return Stop(run.Invalid(SyncReason.ForkBelowCheckpoint, $"the chain forks below checkpoint {checkpoint}"));
                }
            }

            if (cursor.Height == 0)
            {
                // A genesis not known valid is not ours. Only the target is marked: the chain below it is another network.
                string reason = $"the chain reaches another genesis {cursor.Key}";
                _bad.MarkTipSet(run.Target, reason, cursor.Blocks[0].Cid);
                _metrics?.TipSetBad(BadTipSetReasons.OtherGenesis);
                return Stop(run.Invalid(SyncReason.OtherGenesis, reason));
            }

            TipSet? parent = await _store.GetTipSetAsync(cursor.Parents, cancellationToken).ConfigureAwait(false);
            if (parent is null)
            {
                int count = WindowBelow(cursor, head, theirSide);
                IReadOnlyList<TipSet> window = await _exchange.GetBlocksAsync(cursor.Parents, count, cancellationToken).ConfigureAwait(false);
                if (window.Count == 0 || window[0].Key != cursor.Parents)
                {
                    return Stop(run.Failed(SyncReason.UnlinkedHeaders, "the exchange returned headers that do not link to the chain"));
                }

                await _store.PutHeadersAsync([.. window.SelectMany(t => t.Blocks)], cancellationToken).ConfigureAwait(false);
                fetched += window.Count;
                parent = window[0];
            }

            cursor = parent;
        }

        static HeaderWalk Stop(SyncResult result) => new(null, result, 0, []);
    }

    /// <summary>
    /// How many tipsets to ask for below <paramref name="cursor"/>: the gap down to our head's height while above it
    /// (so a short catch-up asks for few), otherwise what is left of the fork budget; never more than a window or than
    /// there are epochs.
    /// </summary>
    private int WindowBelow(TipSet cursor, TipSet head, int theirSide)
    {
        long gap = cursor.Height - 1 - head.Height;
        long wanted = gap > 0 ? gap : Math.Max(1, _options.ForkLengthThreshold - theirSide + 1);
        return (int)Math.Min(Math.Min(wanted, _options.HeaderWindow), cursor.Height);
    }

    /// <summary>
    /// Finds the common ancestor of our head and <paramref name="syncBase"/> walking both back through the store, and
    /// refuses a fork longer than the threshold on either side or one that leaves the checkpoint.
    /// </summary>
    private async Task<SyncResult?> CheckForkAsync(SyncRun run, TipSet head, TipSet syncBase, int theirSide, CancellationToken cancellationToken)
    {
        TipSet ours = head;
        TipSet theirs = syncBase;
        int ourSide = 0;
        while (ours.Key != theirs.Key)
        {
            if (ours.Height >= theirs.Height)
            {
                if (++ourSide > _options.ForkLengthThreshold)
                {
                    return run.Invalid(SyncReason.ForkTooLong, $"fork longer than {_options.ForkLengthThreshold} tipsets on our side");
                }

                ours = await ParentFromStoreAsync(ours, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                if (++theirSide > _options.ForkLengthThreshold)
                {
                    return run.Invalid(SyncReason.ForkTooLong, $"fork longer than {_options.ForkLengthThreshold} tipsets on the incoming side");
                }

                theirs = await ParentFromStoreAsync(theirs, cancellationToken).ConfigureAwait(false);
            }
        }

        TipSetKey? checkpointKey = await _store.GetCheckpointAsync(cancellationToken).ConfigureAwait(false);
        if (checkpointKey is not null && ourSide > 0)
        {
            TipSet? checkpoint = await _store.GetTipSetAsync(checkpointKey, cancellationToken).ConfigureAwait(false);
            if (checkpoint is not null && ours.Height < checkpoint.Height)
            {
                return run.Invalid(SyncReason.ForkBelowCheckpoint, $"the chain forks below checkpoint {checkpoint}");
            }
        }

        if (ourSide > 0)
        {
            SyncerLog.ForkFound(_logger, ours, ourSide, theirSide);
        }

        return null;
    }

    private async ValueTask<TipSet> ParentFromStoreAsync(TipSet tipSet, CancellationToken cancellationToken) =>
        await _store.GetTipSetAsync(tipSet.Parents, cancellationToken).ConfigureAwait(false)
        ?? throw new InvalidOperationException($"The store lost the parent of {tipSet}, a tipset with state.");

    /// <summary>The first bad block of <paramref name="tipSet"/>, if any.</summary>
    private BadTipSetEntry? FindBad(TipSet tipSet)
    {
        foreach (BlockHeader block in tipSet.Blocks)
        {
            if (_bad.TryGet(block.Cid, out BadTipSetEntry? entry))
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>Marks bad, linked to <paramref name="origin"/>, every tipset from the target down to just above <paramref name="height"/>.</summary>
    private async ValueTask MarkAboveAsync(TipSet target, long height, Cid origin, string reason, CancellationToken cancellationToken)
    {
        TipSet? cursor = target;
        while (cursor is not null && cursor.Height > height)
        {
            _bad.MarkTipSet(cursor, reason, origin);
            cursor = await _store.GetTipSetAsync(cursor.Parents, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Marks each faulty block of <paramref name="tipSet"/> bad in itself, and everything known above it linked to the
    /// first of them. Counted once: one finding per tipset, with the first fault's reason.
    /// </summary>
    private async ValueTask MarkBadAsync(SyncRun run, TipSet tipSet, List<BlockFault> faults, CancellationToken cancellationToken)
    {
        foreach (BlockFault fault in faults)
        {
            _bad.Mark(fault.Block, fault.Reason);
            SyncerLog.MarkedBad(_logger, fault.Block, fault.Reason);
        }

        _metrics?.TipSetBad(faults[0].Tag);
        await MarkAboveAsync(run.Target, tipSet.Height, faults[0].Block, faults[0].Reason, cancellationToken).ConfigureAwait(false);
    }
}
