using Venus.ChainSync.Diagnostics;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync;

public sealed partial class Dispatcher
{
    private async Task RunIncomingAsync(CancellationToken stop)
    {
        try
        {
            await foreach (ChainInfo info in _incoming.Reader.ReadAllAsync(stop).ConfigureAwait(false))
            {
                Admission admission = _tracker.Add(info);
                Interlocked.Increment(ref _processed);
                if (admission.Target is { } target)
                {
                    _logger.TargetAdmitted(target.Id, admission.Outcome, target.Head.Key, target.Head.Height, admission.Dropped.Length);
                    Wake();
                }
                else
                {
                    _logger.TargetRefused(info.Head.Key, info.Height, admission.Outcome);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task RunWorkerAsync(CancellationToken stop)
    {
        try
        {
            while (await _wake.Reader.WaitToReadAsync(stop).ConfigureAwait(false))
            {
                _wake.Reader.TryRead(out _);
                if (HasRoom())
                {
                    TipSet? head = await GetHeadAsync(stop).ConfigureAwait(false);
                    StartWhileRoom(head);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private bool HasRoom()
    {
        lock (_gate)
        {
            return _running.Count < _concurrency;
        }
    }

    private async Task<TipSet?> GetHeadAsync(CancellationToken stop)
    {
        try
        {
            return await _store.GetHeadAsync(stop).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            // A store fault must not end the worker: the base is only informative (the syncer reads the head itself).
            _logger.HeadUnavailable(e);
            return null;
        }
    }

    private void StartWhileRoom(TipSet? head)
    {
        lock (_gate)
        {
            while (_life == Life.Running && _running.Count < _concurrency && _tracker.StartNext(head) is { } target)
            {
                var run = new RunningSync(target, ++_startOrder, CancellationTokenSource.CreateLinkedTokenSource(_stop.Token), _time.GetTimestamp());
                _running.Add(target.Id, run);

                // Run on the pool, never inline under the lock: a syncer may complete synchronously, and its end
                // takes the lock to retire the run. The run is in _running before it can end.
                run.Task = Task.Run(() => RunSyncAsync(run), CancellationToken.None);
                _logger.SyncStarted(target.Id, target.Head.Key, target.Head.Height);
            }
        }
    }

    private async Task RunSyncAsync(RunningSync run)
    {
        SyncResult result;
        try
        {
            result = await _syncer.HandleNewTipSetAsync(run.Target, current => OnProgress(run, current), run.Cancellation.Token).ConfigureAwait(false)
                ?? new SyncResult(SyncOutcomeKind.Failed, SyncReason.LocalFault, "The syncer returned no result.");
        }
        catch (OperationCanceledException) when (run.Cancellation.IsCancellationRequested)
        {
            result = new SyncResult(SyncOutcomeKind.Cancelled, SyncReason.Cancelled, "Cancelled by the dispatcher.");
        }
#pragma warning disable CA1031 // A syncer fault is a local fault of one run: it fails the target and must not kill the dispatcher.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _logger.SyncerFaulted(run.Target.Id, e);
            result = new SyncResult(SyncOutcomeKind.Failed, SyncReason.LocalFault, $"The syncer threw {e.GetType().Name}: {e.Message}");
        }

        Finish(run, result);
    }

    private void OnProgress(RunningSync run, TipSet current)
    {
        lock (_gate)
        {
            // A syncer reporting after its run ended is ignored: the target is no longer syncing.
            if (!run.Ended)
            {
                _tracker.UpdateProgress(run.Target.Id, current);
            }
        }
    }

    private void Finish(RunningSync run, SyncResult result)
    {
        long id = run.Target.Id;
        Target? final = null;
        bool requeue = false;
        lock (_gate)
        {
            run.Ended = true;
            _running.Remove(id);
            requeue = run.Cancellation.IsCancellationRequested && result.Kind is SyncOutcomeKind.Cancelled or SyncOutcomeKind.Failed;
            try
            {
                final = result.Kind switch
                {
                    _ when requeue => _tracker.Requeue(id),
                    SyncOutcomeKind.Completed or SyncOutcomeKind.Refused => _tracker.Complete(id),
                    _ => _tracker.Fail(id, ErrorOf(result)),
                };
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException)
            {
                // Only this dispatcher moves its targets, so this is a bug; the run is retired all the same.
                _logger.TrackerRejected(id, e);
            }
        }

        run.Cancellation.Dispose();
        TimeSpan elapsed = _time.GetElapsedTime(run.Started);
        _metrics?.TargetFinished(SyncMetrics.ResultTag(result.Kind, requeue), elapsed);
        if (requeue)
        {
            _logger.SyncRequeued(id);
        }
        else
        {
            _logger.SyncFinished(id, result.Kind, elapsed, result.Reason);
        }

        if (final is not null)
        {
            Raise(new SyncFinishedEventArgs(final, result, requeue));
        }

        Wake();
    }

    private static string ErrorOf(SyncResult result) =>
        string.IsNullOrEmpty(result.Reason) ? result.Kind.ToString() : $"{result.Kind}: {result.Reason}";

    private void Raise(SyncFinishedEventArgs args)
    {
        try
        {
            SyncFinished?.Invoke(this, args);
        }
#pragma warning disable CA1031 // A subscriber's fault must not break the dispatcher.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _logger.HandlerFailed(args.Target.Id, e);
        }
    }
}
