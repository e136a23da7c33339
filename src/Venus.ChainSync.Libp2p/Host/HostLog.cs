using Microsoft.Extensions.Logging;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p;

/// <summary>The libp2p host's log events, 4000–4099. Peer misbehaviour is Debug; only our own faults are Error.</summary>
internal static partial class HostLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Listening on {Address}")]
    public static partial void Listening(ILogger logger, Multiaddr address);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Debug, Message = "Connected to {Peer} at {Address} (outbound: {Outbound})")]
    public static partial void Connected(ILogger logger, PeerId peer, Multiaddr address, bool outbound);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Debug, Message = "Disconnected from {Peer}")]
    public static partial void Disconnected(ILogger logger, PeerId peer);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Debug, Message = "Refused an inbound connection from {Address}: {Reason}")]
    public static partial void InboundRefused(ILogger logger, Multiaddr address, string reason);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Debug, Message = "Could not upgrade the connection from {Address}")]
    public static partial void UpgradeFailed(ILogger logger, Multiaddr address, Exception exception);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Debug, Message = "Dial of {Peer} at {Address} failed")]
    public static partial void DialFailed(ILogger logger, PeerId peer, Multiaddr address, Exception exception);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Debug, Message = "Closed a duplicate connection to {Peer} (outbound: {Outbound})")]
    public static partial void DuplicateConnectionClosed(ILogger logger, PeerId peer, bool outbound);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Debug, Message = "Identified {Peer}: agent {Agent}, {ProtocolCount} protocols")]
    public static partial void Identified(ILogger logger, PeerId peer, string agent, int protocolCount);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Debug, Message = "Identify of {Peer} failed")]
    public static partial void IdentifyFailed(ILogger logger, PeerId peer, Exception exception);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Debug, Message = "{Peer} pushed its identify: {ProtocolCount} protocols")]
    public static partial void IdentifyPushed(ILogger logger, PeerId peer, int protocolCount);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Debug, Message = "Identify push to {Peer} failed")]
    public static partial void PushFailed(ILogger logger, PeerId peer, Exception exception);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Debug, Message = "Refused a {Protocol} stream from {Peer}: stream limit")]
    public static partial void StreamRefused(ILogger logger, PeerId peer, string protocol);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Debug, Message = "An inbound stream from {Peer} failed")]
    public static partial void InboundStreamFailed(ILogger logger, PeerId peer, Exception exception);

    [LoggerMessage(EventId = 4013, Level = LogLevel.Debug, Message = "The {Protocol} handler failed on a stream from {Peer}")]
    public static partial void HandlerFailed(ILogger logger, PeerId peer, string protocol, Exception exception);

    [LoggerMessage(EventId = 4014, Level = LogLevel.Information, Message = "Trimmed the connection to {Peer} (above the high water mark)")]
    public static partial void Trimmed(ILogger logger, PeerId peer);

    [LoggerMessage(EventId = 4015, Level = LogLevel.Warning, Message = "Could not connect to bootstrap peer {Address}")]
    public static partial void BootstrapFailed(ILogger logger, Multiaddr address, Exception exception);

    [LoggerMessage(EventId = 4016, Level = LogLevel.Debug, Message = "Accepting a connection failed")]
    public static partial void AcceptFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4017, Level = LogLevel.Error, Message = "A libp2p host task failed unexpectedly")]
    public static partial void BackgroundFault(ILogger logger, Exception exception);
}
