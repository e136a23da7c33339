using Microsoft.Extensions.Logging;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Exchange;

/// <summary>
/// Log events of <see cref="ChainExchangeServer"/>, ids 3100–3199. A peer's misbehaviour is Debug (it costs the
/// peer, not us); Error is kept for local faults (the store failed or holds corrupt data).
/// </summary>
internal static partial class ServerLog
{
    [LoggerMessage(EventId = 3100, EventName = "ExchangeServerStarted", Level = LogLevel.Information,
        Message = "Chain exchange server serving {Protocol}")]
    public static partial void Started(ILogger logger, string protocol);

    [LoggerMessage(EventId = 3101, EventName = "ExchangeServerStopped", Level = LogLevel.Information,
        Message = "Chain exchange server stopped; {InFlight} requests were in flight")]
    public static partial void Stopped(ILogger logger, int inFlight);

    [LoggerMessage(EventId = 3102, EventName = "ExchangeRequestServed", Level = LogLevel.Debug,
        Message = "Answered {Peer} with {Status}: {TipSets} tipsets, {Bytes} bytes")]
    public static partial void Served(ILogger logger, PeerId peer, ExchangeStatus status, int tipSets, long bytes);

    [LoggerMessage(EventId = 3103, EventName = "ExchangeLoadShed", Level = LogLevel.Debug,
        Message = "Answered {Peer} with GoAway: {Reason}")]
    public static partial void LoadShed(ILogger logger, PeerId peer, string reason);

    [LoggerMessage(EventId = 3104, EventName = "ExchangeBadRequest", Level = LogLevel.Debug,
        Message = "Bad request from {Peer}: {Reason}")]
    public static partial void BadRequest(ILogger logger, PeerId peer, string reason);

    [LoggerMessage(EventId = 3105, EventName = "ExchangeReadTimedOut", Level = LogLevel.Debug,
        Message = "No whole request from {Peer} in time ({Failure}); stream reset")]
    public static partial void ReadTimedOut(ILogger logger, PeerId peer, ReadFailure failure);

    [LoggerMessage(EventId = 3106, EventName = "ExchangeReadFailed", Level = LogLevel.Debug,
        Message = "Reading the request from {Peer} failed")]
    public static partial void ReadFailed(ILogger logger, PeerId peer, Exception exception);

    [LoggerMessage(EventId = 3107, EventName = "ExchangeWriteTimedOut", Level = LogLevel.Debug,
        Message = "{Peer} did not take the response within {Deadline}; stream reset")]
    public static partial void WriteTimedOut(ILogger logger, PeerId peer, TimeSpan deadline);

    [LoggerMessage(EventId = 3108, EventName = "ExchangeWriteFailed", Level = LogLevel.Debug,
        Message = "Writing the response to {Peer} failed")]
    public static partial void WriteFailed(ILogger logger, PeerId peer, Exception? exception);

    [LoggerMessage(EventId = 3109, EventName = "ExchangeServeFailed", Level = LogLevel.Error,
        Message = "Serving a request from {Peer} failed on a local fault; answered InternalError")]
    public static partial void ServeFailed(ILogger logger, PeerId peer, Exception exception);

    [LoggerMessage(EventId = 3110, EventName = "ExchangeDataMissing", Level = LogLevel.Debug,
        Message = "Block {Cid} is not in the store; answering {Peer} with the {TipSets} tipsets before it")]
    public static partial void DataMissing(ILogger logger, Cid cid, PeerId peer, int tipSets);

    [LoggerMessage(EventId = 3111, EventName = "ExchangeResponseCapped", Level = LogLevel.Debug,
        Message = "The response to {Peer} stops after {TipSets} tipsets at the {MaxBytes}-byte cap")]
    public static partial void ResponseCapped(ILogger logger, PeerId peer, int tipSets, long maxBytes);

    [LoggerMessage(EventId = 3112, EventName = "ExchangeHeadTooLarge", Level = LogLevel.Warning,
        Message = "The head tipset asked for by {Peer} encodes to {Bytes} bytes, over the {MaxBytes}-byte response cap")]
    public static partial void HeadTooLarge(ILogger logger, PeerId peer, long bytes, long maxBytes);

    [LoggerMessage(EventId = 3113, EventName = "ExchangeRefusedStopping", Level = LogLevel.Debug,
        Message = "Refused a stream from {Peer}: the server is not running")]
    public static partial void RefusedNotRunning(ILogger logger, PeerId peer);

    [LoggerMessage(EventId = 3114, EventName = "ExchangeBytesInFlightCapped", Level = LogLevel.Debug,
        Message = "The response to {Peer} stops after {TipSets} tipsets: the {Cap} cap on response bytes in flight is reached")]
    public static partial void BytesInFlightCapped(ILogger logger, PeerId peer, int tipSets, string cap);
}
