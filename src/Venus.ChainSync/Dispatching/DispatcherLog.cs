using Microsoft.Extensions.Logging;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync;

/// <summary>
/// Log events of <see cref="Dispatcher"/>, ids 2100–2199. Bad announcements and queue pressure are Debug; sync starts
/// and ends are Information (as Venus logs them); Error is kept for local faults (the store, the syncer, a handler).
/// </summary>
internal static partial class DispatcherLog
{
    [LoggerMessage(EventId = 2100, EventName = "DispatcherStarted", Level = LogLevel.Information, Message = "Dispatcher started with concurrency {Concurrency}")]
    public static partial void Started(this ILogger logger, int concurrency);

    [LoggerMessage(EventId = 2101, EventName = "DispatcherStopped", Level = LogLevel.Information, Message = "Dispatcher stopped")]
    public static partial void Stopped(this ILogger logger);


    [LoggerMessage(EventId = 2111, EventName = "DispatcherAnnouncementDropped", Level = LogLevel.Debug, Message = "Incoming queue full: dropped the oldest announcement, head {Key} at {Height}")]
    public static partial void AnnouncementDropped(this ILogger logger, TipSetKey key, long height);

    [LoggerMessage(EventId = 2120, EventName = "DispatcherTargetAdmitted", Level = LogLevel.Debug, Message = "Target #{Id} {Outcome}: head {Key} at {Height}, {Dropped} waiting targets dropped")]
    public static partial void TargetAdmitted(this ILogger logger, long id, AdmissionOutcome outcome, TipSetKey key, long height, int dropped);

    [LoggerMessage(EventId = 2121, EventName = "DispatcherTargetRefused", Level = LogLevel.Debug, Message = "Head {Key} at {Height} not admitted: {Outcome}")]
    public static partial void TargetRefused(this ILogger logger, TipSetKey key, long height, AdmissionOutcome outcome);

    [LoggerMessage(EventId = 2130, EventName = "DispatcherSyncStarted", Level = LogLevel.Information, Message = "Sync of target #{Id} started: head {Key} at {Height}")]
    public static partial void SyncStarted(this ILogger logger, long id, TipSetKey key, long height);

    [LoggerMessage(EventId = 2131, EventName = "DispatcherSyncFinished", Level = LogLevel.Information, Message = "Sync of target #{Id} ended {Kind} after {Elapsed}: {Reason}")]
    public static partial void SyncFinished(this ILogger logger, long id, SyncOutcomeKind kind, TimeSpan elapsed, string reason);

    [LoggerMessage(EventId = 2132, EventName = "DispatcherSyncRequeued", Level = LogLevel.Information, Message = "Sync of target #{Id} was cancelled by the dispatcher; the target waits again")]
    public static partial void SyncRequeued(this ILogger logger, long id);

    [LoggerMessage(EventId = 2133, EventName = "DispatcherConcurrencyChanged", Level = LogLevel.Information, Message = "Concurrency changed from {Old} to {New}; {Cancelled} surplus syncs cancelled")]
    public static partial void ConcurrencyChanged(this ILogger logger, int old, int @new, int cancelled);

    [LoggerMessage(EventId = 2110, EventName = "DispatcherGreetedHeadFailed", Level = LogLevel.Warning, Message = "The head {Key} greeted by {Peer} could not be taken in")]
    public static partial void GreetedHeadFailed(this ILogger logger, TipSetKey key, string peer, Exception exception);

    [LoggerMessage(EventId = 2190, EventName = "DispatcherSyncerFaulted", Level = LogLevel.Error, Message = "The syncer threw on target #{Id}; the target fails")]
    public static partial void SyncerFaulted(this ILogger logger, long id, Exception exception);

    [LoggerMessage(EventId = 2191, EventName = "DispatcherHeadUnavailable", Level = LogLevel.Error, Message = "The chain store could not give the head; syncs start without a base")]
    public static partial void HeadUnavailable(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2192, EventName = "DispatcherHandlerFailed", Level = LogLevel.Error, Message = "A SyncFinished handler threw for target #{Id}")]
    public static partial void HandlerFailed(this ILogger logger, long id, Exception exception);

    [LoggerMessage(EventId = 2193, EventName = "DispatcherTrackerRejected", Level = LogLevel.Error, Message = "The tracker refused the transition of target #{Id} after its sync")]
    public static partial void TrackerRejected(this ILogger logger, long id, Exception exception);

    [LoggerMessage(EventId = 2194, EventName = "DispatcherLoopFailed", Level = LogLevel.Error, Message = "The dispatcher loop {Loop} failed")]
    public static partial void LoopFailed(this ILogger logger, string loop, Exception exception);
}
