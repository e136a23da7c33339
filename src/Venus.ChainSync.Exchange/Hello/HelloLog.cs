using Microsoft.Extensions.Logging;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Hello;

/// <summary>
/// Log events of <see cref="HelloService"/>, ids 3200–3299. Peer misbehaviour and network trouble are Debug;
/// Error is kept for local faults (the host's chain port failing, the connection loop dying).
/// </summary>
internal static partial class HelloLog
{
    [LoggerMessage(EventId = 3200, EventName = "HelloStarted", Level = LogLevel.Debug, Message = "Hello service started for {Protocol}")]
    public static partial void Started(this ILogger logger, string protocol);

    [LoggerMessage(EventId = 3201, EventName = "HelloStopped", Level = LogLevel.Debug, Message = "Hello service stopped")]
    public static partial void Stopped(this ILogger logger);

    [LoggerMessage(EventId = 3202, EventName = "HelloConnectionLoopFailed", Level = LogLevel.Error, Message = "The hello connection loop failed; new peers are no longer greeted")]
    public static partial void ConnectionLoopFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3203, EventName = "HelloLocalFault", Level = LogLevel.Error, Message = "The chain source failed while handling a greeting with {Peer}")]
    public static partial void LocalFault(this ILogger logger, PeerId peer, Exception exception);

    [LoggerMessage(EventId = 3210, EventName = "HelloGreetingSent", Level = LogLevel.Debug, Message = "Sent our greeting to {Peer}: head {Key} at {Height}")]
    public static partial void GreetingSent(this ILogger logger, PeerId peer, TipSetKey key, long height);

    [LoggerMessage(EventId = 3211, EventName = "HelloGreetingNotSent", Level = LogLevel.Debug, Message = "Could not greet {Peer}")]
    public static partial void GreetingNotSent(this ILogger logger, PeerId peer, Exception exception);

    [LoggerMessage(EventId = 3212, EventName = "HelloLatencyMeasured", Level = LogLevel.Debug, Message = "Latency to {Peer}: round trip {RoundTrip}, clock offset {ClockOffset}")]
    public static partial void LatencyMeasured(this ILogger logger, PeerId peer, TimeSpan roundTrip, TimeSpan clockOffset);

    [LoggerMessage(EventId = 3220, EventName = "HelloGreetingReceived", Level = LogLevel.Debug, Message = "Greeting from {Peer}: head {Key} at {Height}")]
    public static partial void GreetingReceived(this ILogger logger, PeerId peer, TipSetKey key, long height);

    [LoggerMessage(EventId = 3221, EventName = "HelloGreetingUnreadable", Level = LogLevel.Debug, Message = "No whole greeting from {Peer} ({Failure})")]
    public static partial void GreetingUnreadable(this ILogger logger, PeerId peer, ReadFailure failure, Exception exception);

    [LoggerMessage(EventId = 3222, EventName = "HelloGreetingMalformed", Level = LogLevel.Debug, Message = "Malformed greeting from {Peer}")]
    public static partial void GreetingMalformed(this ILogger logger, PeerId peer, Exception exception);

    [LoggerMessage(EventId = 3223, EventName = "HelloWrongGenesis", Level = LogLevel.Debug, Message = "Peer {Peer} has genesis {TheirGenesis}, ours is {OurGenesis}; disconnecting")]
    public static partial void WrongGenesis(this ILogger logger, PeerId peer, Cid theirGenesis, Cid ourGenesis);

    [LoggerMessage(EventId = 3224, EventName = "HelloLatencyNotSent", Level = LogLevel.Debug, Message = "Could not answer the greeting of {Peer} with the latency message")]
    public static partial void LatencyNotSent(this ILogger logger, PeerId peer, Exception exception);

    [LoggerMessage(EventId = 3225, EventName = "HelloDisconnectFailed", Level = LogLevel.Debug, Message = "Could not disconnect {Peer}")]
    public static partial void DisconnectFailed(this ILogger logger, PeerId peer, Exception exception);

    [LoggerMessage(EventId = 3230, EventName = "HelloFetchBusy", Level = LogLevel.Debug, Message = "Greeting from {Peer} dropped: a fetch for that peer is running or {Running} fetches run")]
    public static partial void FetchBusy(this ILogger logger, PeerId peer, int running);

    [LoggerMessage(EventId = 3231, EventName = "HelloHeadIgnored", Level = LogLevel.Debug, Message = "Greeting from {Peer} names no head worth syncing to (key {Key}, height {Height})")]
    public static partial void HeadIgnored(this ILogger logger, PeerId peer, TipSetKey key, long height);

    [LoggerMessage(EventId = 3232, EventName = "HelloHeadLoaded", Level = LogLevel.Debug, Message = "Head {Key} greeted by {Peer} is in the local store")]
    public static partial void HeadLoaded(this ILogger logger, PeerId peer, TipSetKey key);

    [LoggerMessage(EventId = 3233, EventName = "HelloHeadFetched", Level = LogLevel.Debug, Message = "Fetched head {Key} from {Peer}")]
    public static partial void HeadFetched(this ILogger logger, PeerId peer, TipSetKey key);

    [LoggerMessage(EventId = 3234, EventName = "HelloFetchFailed", Level = LogLevel.Debug, Message = "Could not fetch head {Key} from {Peer}")]
    public static partial void FetchFailed(this ILogger logger, PeerId peer, TipSetKey key, Exception exception);

    [LoggerMessage(EventId = 3235, EventName = "HelloHeadReported", Level = LogLevel.Debug, Message = "Reported head {Key} at {Height} from {Peer}")]
    public static partial void HeadReported(this ILogger logger, PeerId peer, TipSetKey key, long height);

    [LoggerMessage(EventId = 3236, EventName = "HelloFetchedWrongTipSet", Level = LogLevel.Debug, Message = "Asked {Peer} for head {Key} and got {Received}")]
    public static partial void FetchedWrongTipSet(this ILogger logger, PeerId peer, TipSetKey key, TipSetKey received);
}
