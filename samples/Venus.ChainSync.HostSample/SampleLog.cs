using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Venus.ChainSync.HostSample;

/// <summary>The sample's log events (ids 9000–9099).</summary>
internal static partial class SampleLog
{
    [LoggerMessage(EventId = 9000, EventName = "ProducerStarted", Level = LogLevel.Information, Message = "Producer started with {Tipsets} tipsets, head at height {Height}")]
    public static partial void ProducerStarted(ILogger logger, int tipsets, long height);

    [LoggerMessage(EventId = 9001, EventName = "Mined", Level = LogLevel.Information, Message = "Producer mined height {Height}")]
    public static partial void Mined(ILogger logger, long height);

    [LoggerMessage(EventId = 9002, EventName = "MiningRefused", Level = LogLevel.Warning, Message = "Producer could not mine: {Reason}")]
    public static partial void MiningRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 9010, EventName = "Progress", Level = LogLevel.Information, Message = "Head {Height} of {ProducerHeight}; sync {Stage}; health {Health}")]
    public static partial void Progress(ILogger logger, long height, long producerHeight, string stage, HealthStatus health);

    [LoggerMessage(EventId = 9011, EventName = "Synced", Level = LogLevel.Information, Message = "Synced to the producer's head at height {Height}")]
    public static partial void Synced(ILogger logger, long height);

    [LoggerMessage(EventId = 9012, EventName = "Stopping", Level = LogLevel.Information, Message = "Synced and --exit-when-synced given: stopping")]
    public static partial void Stopping(ILogger logger);
}
