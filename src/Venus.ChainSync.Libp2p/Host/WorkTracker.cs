namespace Venus.ChainSync.Libp2p;

/// <summary>
/// The host's background work, so that stopping can wait for all of it: every loop and per-connection task is
/// started through <see cref="Run"/>, and <see cref="WhenIdleAsync"/> completes once none is left.
/// </summary>
/// <param name="onFault">Told of work that ended with an exception it did not handle itself (a bug, logged).</param>
internal sealed class WorkTracker(Action<Exception> onFault)
{
    private readonly Lock _gate = new();
    private int _running;
    private TaskCompletionSource? _idle;

    /// <summary>Starts <paramref name="work"/> on the thread pool and tracks it until it ends.</summary>
    public void Run(Func<Task> work)
    {
        lock (_gate)
        {
            _running++;
        }

        // Not fire-and-forget: the count above is what WhenIdleAsync waits on.
        _ = RunTrackedAsync(work);
    }

    /// <summary>Completes when no tracked work is running.</summary>
    public Task WhenIdleAsync()
    {
        lock (_gate)
        {
            if (_running == 0)
            {
                return Task.CompletedTask;
            }

            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _idle.Task;
        }
    }

    private async Task RunTrackedAsync(Func<Task> work)
    {
        try
        {
            await Task.Run(work).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The tracker is the last owner: a fault that escaped its work is reported, never rethrown into nothing.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            if (ex is not OperationCanceledException)
            {
                onFault(ex);
            }
        }
        finally
        {
            TaskCompletionSource? idle = null;
            lock (_gate)
            {
                if (--_running == 0)
                {
                    idle = _idle;
                    _idle = null;
                }
            }

            idle?.TrySetResult();
        }
    }
}
