using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync;

/// <summary>The forward half: segments of full tipsets fetched ahead of their execution, then checked and executed.</summary>
public sealed partial class Syncer
{
    /// <summary>
    /// Goes from <paramref name="syncBase"/> (a tipset known valid) to the target. A fetch task, owned and awaited
    /// here, fills a one-slot channel with segments while this loop applies the previous one: segment k + 1 is
    /// fetched while segment k runs, and no more than one segment waits.
    /// </summary>
    private async Task<SyncResult> ForwardAsync(SyncRun run, TipSet syncBase, IReadOnlyList<TipSet> marks, CancellationToken cancellationToken)
    {
        TipSetState? parentState = await _store.GetStateAsync(syncBase.Key, cancellationToken).ConfigureAwait(false);
        if (parentState is null && _options.Execution == ExecutionMode.Full)
        {
            // The base is the head, valid but not executed yet (its execution failed for a local reason last time).
            (SyncResult? notExecuted, parentState) = await ExecuteBaseAsync(run, syncBase, cancellationToken).ConfigureAwait(false);
            if (notExecuted is not null)
            {
                return notExecuted;
            }
        }

        TipSet parent = syncBase;

        // The headers are in: report the base, the first tipset on the way known valid, so the target shows the
        // forward stage from now on (Target.Stage).
        run.Progress?.Invoke(syncBase);

        // One slot, writer waits: fetching runs at most one segment ahead, so memory stays bounded and a failed
        // execution wastes at most one segment of fetching.
        var segments = Channel.CreateBounded<Segment>(
            new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true, SingleWriter = true });
        using var fetchCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task fetching = FetchSegmentsAsync(syncBase, marks, segments.Writer, fetchCancellation.Token);

        SyncResult? stop = null;
        Exception? fetchFault = null;
        try
        {
            await foreach (Segment segment in segments.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (FullTipSet tipSet in segment.TipSets)
                {
                    (stop, TipSetState? state) = await ApplyAsync(run, parent, parentState, tipSet, segment.Stored, cancellationToken).ConfigureAwait(false);
                    if (stop is not null)
                    {
                        break;
                    }

                    parent = tipSet.TipSet;
                    parentState = state;
                }

                if (stop is not null)
                {
                    break;
                }
            }
        }
        finally
        {
            await fetchCancellation.CancelAsync().ConfigureAwait(false);
            try
            {
                await fetching.ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Kept and rethrown below unless the sync already ended for another reason.
            catch (Exception e)
#pragma warning restore CA1031
            {
                fetchFault = e;
            }
        }

        if (stop is not null)
        {
            return stop;
        }

        if (fetchFault is not null)
        {
            ExceptionDispatchInfo.Throw(fetchFault);
        }

        return parent.Key == run.Target.Key
            ? SyncResult.Completed(parent)
            : run.Failed(SyncReason.WalkEndedShort, "the forward walk ended short of the target");
    }

    /// <summary>
    /// Fetches the messages of every tipset from just above the base to the target, a segment at a time, oldest
    /// first, one chunk (from one mark down to the one below) at a time.
    /// </summary>
    private async Task FetchSegmentsAsync(TipSet syncBase, IReadOnlyList<TipSet> marks, ChannelWriter<Segment> writer, CancellationToken cancellationToken)
    {
        try
        {
            TipSet done = syncBase;
            for (int mark = marks.Count - 1; mark >= 0; mark--)
            {
                TipSet[] chunk = await LoadChunkAsync(marks[mark], done, cancellationToken).ConfigureAwait(false);
                for (int start = 0; start < chunk.Length; start += _options.SegmentLength)
                {
                    int length = Math.Min(_options.SegmentLength, chunk.Length - start);
                    TipSet[] headFirst = new TipSet[length];
                    for (int i = 0; i < length; i++)
                    {
                        headFirst[i] = chunk[start + length - 1 - i];
                    }

                    IReadOnlyList<FullTipSet>? stored = await LoadSegmentAsync(headFirst, cancellationToken).ConfigureAwait(false);
                    IReadOnlyList<FullTipSet> full = stored ?? await FetchMessagesAsync(headFirst, cancellationToken).ConfigureAwait(false);
                    if (full.Count != length)
                    {
                        throw new Exchange.ExchangeFailedException("the exchange returned messages for another segment");
                    }

                    var oldestFirst = new FullTipSet[length];
                    for (int i = 0; i < length; i++)
                    {
                        FullTipSet tipSet = full[length - 1 - i];
                        if (tipSet.Key != chunk[start + i].Key)
                        {
                            throw new Exchange.ExchangeFailedException("the exchange returned messages for another segment");
                        }

                        oldestFirst[i] = tipSet;
                    }

                    await writer.WriteAsync(new Segment(oldestFirst, Stored: stored is not null), cancellationToken).ConfigureAwait(false);
                }

                done = chunk[^1];
            }
        }
        finally
        {
            // Completing ends the reader's loop; a fault stays in this task, which the reader awaits and rethrows.
            writer.TryComplete();
        }
    }

    /// <summary>
    /// The segment's messages from the exchange. Each is a <see cref="FullTipSet"/>, whose messages are checked
    /// against their roots by construction, so a peer that sent others made the exchange fail, not this sync's blocks.
    /// </summary>
    private Task<IReadOnlyList<FullTipSet>> FetchMessagesAsync(TipSet[] headFirst, CancellationToken cancellationToken) =>
        _exchange.GetChainMessagesAsync(headFirst, cancellationToken);

    /// <summary>
    /// The segment from the store when every message of it is there already (gossip stored them, or an earlier sync
    /// fetched them), so a short catch-up behind gossip needs no request; otherwise <c>null</c> and the exchange is asked.
    /// </summary>
    private async Task<IReadOnlyList<FullTipSet>?> LoadSegmentAsync(TipSet[] headFirst, CancellationToken cancellationToken)
    {
        var full = new FullTipSet[headFirst.Length];
        for (int i = 0; i < headFirst.Length; i++)
        {
            FullTipSet? stored = await _store.GetFullTipSetAsync(headFirst[i].Key, cancellationToken).ConfigureAwait(false);
            if (stored is null)
            {
                return null;
            }

            full[i] = stored;
        }

        return full;
    }

    /// <summary>
    /// The tipsets above <paramref name="done"/> up to and including <paramref name="upper"/> (a mark, at most
    /// <see cref="SyncerOptions.HeaderWindow"/> above it), oldest first, walking down from the mark through the store.
    /// </summary>
    private async Task<TipSet[]> LoadChunkAsync(TipSet upper, TipSet done, CancellationToken cancellationToken)
    {
        var chunk = new List<TipSet>(Math.Min(_options.HeaderWindow, 1024));
        TipSet cursor = upper;
        while (cursor.Key != done.Key)
        {
            if (cursor.Height <= done.Height || chunk.Count == _options.HeaderWindow)
            {
                throw new InvalidOperationException($"The chain of {upper} does not pass through {done} within a window.");
            }

            chunk.Add(cursor);
            cursor = await ParentFromStoreAsync(cursor, cancellationToken).ConfigureAwait(false);
        }

        chunk.Reverse();
        return [.. chunk];
    }

    /// <summary>Full tipsets to apply, oldest first, and whether they came from the store (so need no storing).</summary>
    private sealed record Segment(FullTipSet[] TipSets, bool Stored);
}
