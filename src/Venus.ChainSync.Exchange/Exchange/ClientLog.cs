using Microsoft.Extensions.Logging;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Exchange;

/// <summary>
/// Log events of <see cref="ChainExchangeClient"/>, ids 3000–3099. Peer misbehaviour is Debug (it is expected on an
/// open network and the tracker handles it); a request no peer could answer is a Warning.
/// </summary>
internal static partial class ClientLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Trace, Message = "Asking {Peer} for {Length} tipsets ({Options}) from {Head}")]
    public static partial void Requesting(ILogger logger, PeerId peer, ulong length, ExchangeOptions options, TipSetKey head);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "{Peer} answered {Count} tipsets ({Status}) in {ElapsedMs} ms")]
    public static partial void Answered(ILogger logger, PeerId peer, int count, ExchangeStatus status, double elapsedMs);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, Message = "{Peer} failed a request for {Length} tipsets: {Outcome}: {Reason}")]
    public static partial void PeerFailed(ILogger logger, PeerId peer, ulong length, PeerOutcome outcome, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "No peer could answer a request for {Length} tipsets from {Head}; {PeerCount} peers asked")]
    public static partial void AllPeersFailed(ILogger logger, ulong length, TipSetKey head, int peerCount);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Debug, Message = "{Peer} answered Partial with {Count} tipsets; asking again from height {Height}")]
    public static partial void ContinuingAfterPartial(ILogger logger, PeerId peer, int count, long height);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Debug, Message = "Peer {Peer} added to the exchange client")]
    public static partial void PeerAdded(ILogger logger, PeerId peer);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Debug, Message = "Peer {Peer} removed from the exchange client")]
    public static partial void PeerRemoved(ILogger logger, PeerId peer);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Debug, Message = "{Peer} sent a tipset at height {ChildHeight} whose parent {Parent} is at height {ParentHeight}")]
    public static partial void SegmentsDoNotLink(ILogger logger, PeerId peer, long childHeight, TipSetKey parent, long parentHeight);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Debug, Message = "Skipping {Peer}: its identify does not list {Protocol}")]
    public static partial void PeerDoesNotSpeakExchange(ILogger logger, PeerId peer, string protocol);
}
