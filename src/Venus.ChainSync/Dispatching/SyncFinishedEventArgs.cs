namespace Venus.ChainSync;

/// <summary>Data of <see cref="Dispatcher.SyncFinished"/>: one sync run ended.</summary>
public sealed class SyncFinishedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    /// <param name="target">The target as the tracker holds it after the run.</param>
    /// <param name="result">What the syncer answered.</param>
    /// <param name="requeued">Whether the target went back to waiting instead of to the history.</param>
    public SyncFinishedEventArgs(Target target, SyncResult result, bool requeued)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(result);
        Target = target;
        Result = result;
        Requeued = requeued;
    }

    /// <summary>
    /// The target as the tracker holds it after the run: <see cref="TargetState.Complete"/> or
    /// <see cref="TargetState.Error"/> (in the history), or <see cref="TargetState.Wait"/> when <see cref="Requeued"/>.
    /// </summary>
    public Target Target { get; }

    /// <summary>What the syncer answered (a cancellation or a syncer fault is turned into a result).</summary>
    public SyncResult Result { get; }

    /// <summary>
    /// Whether the run was cancelled by the dispatcher (concurrency lowered, or stop) and the target went back to
    /// waiting, not to the history; it runs again later.
    /// </summary>
    public bool Requeued { get; }
}
