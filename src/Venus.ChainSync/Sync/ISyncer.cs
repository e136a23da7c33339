using Venus.ChainSync.Primitives;

namespace Venus.ChainSync;

/// <summary>How a sync of one target ended.</summary>
public enum SyncOutcomeKind
{
    /// <summary>The target's chain was fetched, validated and executed; the head moved to it (or past it).</summary>
    Completed,

    /// <summary>Nothing to do or not worth doing: lighter than the head, already known with state, already in the head.</summary>
    Refused,

    /// <summary>The chain is invalid for good (cached as bad): a bad block, a bad root, a fork past finality, another genesis.</summary>
    Invalid,

    /// <summary>The sync failed for a passing reason (no peer could answer, a block from the future, a local fault); it may be retried.</summary>
    Failed,

    /// <summary>The sync was cancelled (stop, or the dispatcher lowered its concurrency).</summary>
    Cancelled,
}

/// <summary>The outcome of one sync, with a reason for anything but <see cref="SyncOutcomeKind.Completed"/>.</summary>
/// <param name="Kind">How it ended.</param>
/// <param name="Code">Why, as a code (<see cref="SyncReason.None"/> when completed).</param>
/// <param name="Reason">Why, in words for logs and people (empty when completed); branch on <paramref name="Code"/>.</param>
/// <param name="ReachedHead">The last tipset whose state the sync established (it may be short of the target on failure).</param>
public sealed record SyncResult(SyncOutcomeKind Kind, SyncReason Code, string Reason, TipSet? ReachedHead = null)
{
    /// <summary>A completed sync.</summary>
    public static SyncResult Completed(TipSet head) => new(SyncOutcomeKind.Completed, SyncReason.None, "", head);
}

/// <summary>
/// Carries the node from its head to one target: <c>Syncer.HandleNewTipSet</c> of Venus. The dispatcher calls it, at
/// most <c>MaxConcurrency</c> times at once, each for a different target.
/// </summary>
public interface ISyncer
{
    /// <summary>
    /// Syncs to <paramref name="target"/>'s head. Progress is reported through <paramref name="progress"/>: first the
    /// base the forward walk starts from (once the headers are in), then each tipset executed, in order. Never throws for a bad chain or a bad peer: those are outcomes. Cancellation ends
    /// with <see cref="SyncOutcomeKind.Cancelled"/> or an <see cref="OperationCanceledException"/>.
    /// </summary>
    Task<SyncResult> HandleNewTipSetAsync(Target target, Action<TipSet>? progress, CancellationToken cancellationToken);
}
