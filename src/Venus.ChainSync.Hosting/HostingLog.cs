using Microsoft.Extensions.Logging;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Hosting;

/// <summary>The hosting facade's log events (ids 1100–1199).</summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventId = 1100, EventName = "ChainSyncStarted", Level = LogLevel.Information, Message = "Chain sync started")]
    public static partial void Started(ILogger logger);

    [LoggerMessage(EventId = 1101, EventName = "ChainSyncStopped", Level = LogLevel.Information, Message = "Chain sync stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(EventId = 1103, EventName = "LoopFailed", Level = LogLevel.Error, Message = "A chain sync loop had failed before stop")]
    public static partial void LoopFailed(ILogger logger, Exception exception);
}
