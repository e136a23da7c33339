using Microsoft.Extensions.Logging;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Hosting;

/// <summary>The gossip intake's log events (ids 1000–1099).</summary>
internal static partial class GossipLog
{
    [LoggerMessage(EventId = 1000, EventName = "GossipStarted", Level = LogLevel.Information, Message = "Block gossip intake started on {Topic} with {Workers} workers")]
    public static partial void Started(this ILogger logger, string topic, int workers);

    [LoggerMessage(EventId = 1001, EventName = "GossipRejected", Level = LogLevel.Debug, Message = "Gossiped block from {Sender} dropped: {Result}")]
    public static partial void Rejected(this ILogger logger, PeerId sender, string result);

    [LoggerMessage(EventId = 1002, EventName = "GossipDoubleMining", Level = LogLevel.Warning, Message = "Miner {Miner} published a second block {Block} at height {Height}")]
    public static partial void DoubleMining(this ILogger logger, Address miner, Cid block, long height);

    [LoggerMessage(EventId = 1003, EventName = "GossipMessagesUnavailable", Level = LogLevel.Debug, Message = "Messages of gossiped block {Block} could not be loaded: {Reason}")]
    public static partial void MessagesUnavailable(this ILogger logger, Cid block, string reason);

    [LoggerMessage(EventId = 1004, EventName = "GossipFault", Level = LogLevel.Error, Message = "Local fault while handling gossiped block {Block}")]
    public static partial void Fault(this ILogger logger, Cid block, Exception exception);

    [LoggerMessage(EventId = 1005, EventName = "GossipSubscriptionEnded", Level = LogLevel.Warning, Message = "The subscription to {Topic} ended or failed; block gossip is no longer received")]
    public static partial void SubscriptionEnded(this ILogger logger, string topic, Exception? exception);
}
