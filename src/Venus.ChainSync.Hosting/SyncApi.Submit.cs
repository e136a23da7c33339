using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Hosting;

internal sealed partial class SyncApi
{
    public async ValueTask<SubmitResult> SyncSubmitBlockAsync(BlockMsg block, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(block);
        _lifecycle.ThrowIfNotRunning();
        if (block.Header is not { } header)
        {
            return new SubmitResult(false, SubmitReason.NoHeader, "the block message has no header");
        }

        if (_filter is not null && await _filter.CheckAsync(header, cancellationToken).ConfigureAwait(false) is { } veto)
        {
            return new SubmitResult(false, SubmitReason.Vetoed, $"refused by the submit filter: {veto}");
        }

        if (MessageRoot.Check(header, block.BlsMessages, block.SecpkMessages) is not { } cids)
        {
            return new SubmitResult(false, SubmitReason.MessageRootMismatch, "its messages do not match its message root");
        }

        FullTipSet? full = await _loader.LoadAsync(cids, cancellationToken).ConfigureAwait(false);
        if (full is null)
        {
            return new SubmitResult(false, SubmitReason.MessagesMissing, "some of its messages are not in the block store");
        }

        // Already valid here (synced from a peer first, or submitted before): nothing to sync, so publish at once.
        if (await IsValidatedAsync(header, cancellationToken).ConfigureAwait(false))
        {
            await _pubSub.PublishAsync(BlockTopic, block.RawData, cancellationToken).ConfigureAwait(false);
            return new SubmitResult(true, SubmitReason.Published, "already valid here; published");
        }

        // Watch for the end of the sync whose head holds this block before queueing it, so the end cannot be missed.
        var synced = new TaskCompletionSource<SyncResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnFinished(object? sender, SyncFinishedEventArgs e)
        {
            if (!e.Requeued && e.Target.Head.Key.Cids.Contains(header.Cid))
            {
                synced.TrySetResult(e.Result);
            }
        }

        _dispatcher.SyncFinished += OnFinished;
        try
        {
            DispatchOutcome outcome = await _dispatcher.SendAsync(IncomingTipSet.Own(full), cancellationToken).ConfigureAwait(false);
            if (outcome != DispatchOutcome.Queued)
            {
                return new SubmitResult(false, SubmitReason.NotQueued, outcome.ToString());
            }

            // Bounded: the tracker may refuse the head without a sync (a heavier target covers it), and then no end comes.
            SyncResult? result;
            try
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifecycle.Stopping);
                result = await synced.Task.WaitAsync(_options.SubmitSyncTimeout, _time, linked.Token).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                result = null;
            }
            catch (OperationCanceledException) when (_lifecycle.Stopping.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                // The node stopped under the wait: the block will not be synced, so it is not published.
                _lifecycle.ThrowIfNotRunning();
                throw;
            }

            // Refused means the node already has this chain or a heavier one: the block is still valid news if validated.
            bool known = result?.Kind == SyncOutcomeKind.Completed || await IsValidatedAsync(header, cancellationToken).ConfigureAwait(false);
            if (!known)
            {
                return result is null
                    ? new SubmitResult(false, SubmitReason.TimedOut, $"not synced within {_options.SubmitSyncTimeout}")
                    : new SubmitResult(false, SubmitReason.SyncFailed, $"{result.Kind} ({result.Code}): {result.Reason}");
            }
        }
        finally
        {
            _dispatcher.SyncFinished -= OnFinished;
        }

        await _pubSub.PublishAsync(BlockTopic, block.RawData, cancellationToken).ConfigureAwait(false);
        return new SubmitResult(true, SubmitReason.Published, "synced and published");
    }

    private string BlockTopic => BlockGossip.TopicOf(_options.NetworkName);

    /// <summary>Whether the one-block tipset of <paramref name="header"/> is known valid: the head, or with a recorded state.</summary>
    private async ValueTask<bool> IsValidatedAsync(BlockHeader header, CancellationToken cancellationToken)
    {
        TipSetKey key = TipSetKey.Create(header.Cid);
        return (await _store.GetHeadAsync(cancellationToken).ConfigureAwait(false)).Key == key
            || await _store.GetStateAsync(key, cancellationToken).ConfigureAwait(false) is not null;
    }
}
