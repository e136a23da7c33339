using Microsoft.Extensions.Logging;

namespace Venus.ChainSync.Libp2p.Multiplexing;

/// <summary>Log events of the Yamux multiplexer (event ids 4300–4319). Peer misbehaviour is Debug.</summary>
internal static partial class YamuxLog
{
    [LoggerMessage(EventId = 4300, EventName = "YamuxProtocolViolation", Level = LogLevel.Debug, Message = "Yamux session closed: the peer broke the protocol")]
    public static partial void ProtocolViolation(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4301, EventName = "YamuxInboundStreamRefused", Level = LogLevel.Debug, Message = "Yamux inbound stream {StreamId} reset: {Reason}")]
    public static partial void InboundStreamRefused(ILogger logger, uint streamId, string reason);

    [LoggerMessage(EventId = 4302, EventName = "YamuxKeepAliveFailed", Level = LogLevel.Debug, Message = "Yamux keep-alive ping was not answered; closing the session")]
    public static partial void KeepAliveFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4303, EventName = "YamuxConnectionFailed", Level = LogLevel.Debug, Message = "Yamux session closed: the connection failed")]
    public static partial void ConnectionFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4305, EventName = "YamuxLoopFailed", Level = LogLevel.Error, Message = "A Yamux session loop failed unexpectedly; the session is closed")]
    public static partial void LoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4304, EventName = "YamuxRemoteGoAway", Level = LogLevel.Debug, Message = "Yamux peer sent GoAway with code {Code}")]
    public static partial void RemoteGoAway(ILogger logger, uint code);
}
