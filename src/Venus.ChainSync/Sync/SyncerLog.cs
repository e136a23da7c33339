using Microsoft.Extensions.Logging;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync;

/// <summary>The syncer's log events (ids 2200–2299).</summary>
internal static partial class SyncerLog
{
    [LoggerMessage(EventId = 2200, EventName = "SyncStarted", Level = LogLevel.Debug, Message = "Sync of {Target} started from head {Head}")]
    public static partial void SyncStarted(ILogger logger, TipSet target, TipSet head);

    [LoggerMessage(EventId = 2201, EventName = "SyncRefused", Level = LogLevel.Debug, Message = "Sync of {Target} refused ({Code}): {Reason}")]
    public static partial void SyncRefused(ILogger logger, TipSet target, SyncReason code, string reason);

    [LoggerMessage(EventId = 2202, EventName = "SyncInvalid", Level = LogLevel.Information, Message = "Sync of {Target} found an invalid chain ({Code}): {Reason}")]
    public static partial void SyncInvalid(ILogger logger, TipSet target, SyncReason code, string reason);

    [LoggerMessage(EventId = 2203, EventName = "SyncFailed", Level = LogLevel.Debug, Message = "Sync of {Target} failed ({Code}): {Reason}")]
    public static partial void SyncFailed(ILogger logger, TipSet target, SyncReason code, string reason);

    [LoggerMessage(EventId = 2204, EventName = "SyncCompleted", Level = LogLevel.Debug, Message = "Sync of {Target} completed")]
    public static partial void SyncCompleted(ILogger logger, TipSet target);

    [LoggerMessage(EventId = 2205, EventName = "HeadersLinked", Level = LogLevel.Debug, Message = "Headers of {Target} link to {Base} after {Fetched} fetched")]
    public static partial void HeadersLinked(ILogger logger, TipSet target, TipSet @base, long fetched);

    [LoggerMessage(EventId = 2206, EventName = "ForkFound", Level = LogLevel.Information, Message = "Fork from {Ancestor}: {OurSide} tipsets on our side, {TheirSide} on theirs")]
    public static partial void ForkFound(ILogger logger, TipSet ancestor, int ourSide, int theirSide);

    [LoggerMessage(EventId = 2207, EventName = "HeadMoved", Level = LogLevel.Debug, Message = "Head moved to {Head}")]
    public static partial void HeadMoved(ILogger logger, TipSet head);

    [LoggerMessage(EventId = 2208, EventName = "MarkedBad", Level = LogLevel.Information, Message = "Block {Block} marked bad: {Reason}")]
    public static partial void MarkedBad(ILogger logger, Cid block, string reason);

    [LoggerMessage(EventId = 2209, EventName = "LocalFault", Level = LogLevel.Error, Message = "Sync of {Target} hit a local fault")]
    public static partial void LocalFault(ILogger logger, TipSet target, Exception exception);

    [LoggerMessage(EventId = 2210, EventName = "CheckpointSet", Level = LogLevel.Information, Message = "Checkpoint set to {Checkpoint}")]
    public static partial void CheckpointSet(ILogger logger, TipSet checkpoint);

    [LoggerMessage(EventId = 2211, EventName = "HeadSubscribersDropped", Level = LogLevel.Warning, Message = "Dropped {Count} head-change subscribers that fell {Capacity} head moves behind")]
    public static partial void HeadSubscribersDropped(ILogger logger, int count, int capacity);
}
