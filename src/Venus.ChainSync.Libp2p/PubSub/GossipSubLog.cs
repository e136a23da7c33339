using Microsoft.Extensions.Logging;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p.PubSub;

/// <summary>Log events of gossipsub (event ids 4400–4449). Peer misbehaviour is Debug; Error only for our faults.</summary>
internal static partial class GossipSubLog
{
    [LoggerMessage(EventId = 4400, EventName = "PubSubPeerUp", Level = LogLevel.Debug, Message = "pubsub peer {Peer} up over {Protocol}")]
    public static partial void PeerUp(ILogger logger, PeerId peer, PubSubProtocol protocol);

    [LoggerMessage(EventId = 4401, EventName = "PubSubPeerDown", Level = LogLevel.Debug, Message = "pubsub peer {Peer} down")]
    public static partial void PeerDown(ILogger logger, PeerId peer);

    [LoggerMessage(EventId = 4402, EventName = "PubSubStreamFailed", Level = LogLevel.Debug, Message = "pubsub stream with {Peer} failed")]
    public static partial void StreamFailed(ILogger logger, PeerId peer, Exception exception);

    [LoggerMessage(EventId = 4403, EventName = "PubSubMessageRejected", Level = LogLevel.Debug, Message = "pubsub message from {Peer} on {Topic} rejected: {Reason}")]
    public static partial void MessageRejected(ILogger logger, PeerId peer, string topic, string reason);

    [LoggerMessage(EventId = 4408, EventName = "PubSubSignatureRejected", Level = LogLevel.Debug, Message = "pubsub message from {Peer} on {Topic} refused: {Status}")]
    public static partial void SignatureRejected(ILogger logger, PeerId peer, string topic, SignatureStatus status);

    [LoggerMessage(EventId = 4404, EventName = "PubSubOutboundDropped", Level = LogLevel.Debug, Message = "pubsub RPC to {Peer} dropped: its queue is full")]
    public static partial void OutboundDropped(ILogger logger, PeerId peer);

    [LoggerMessage(EventId = 4405, EventName = "PubSubValidatorFailed", Level = LogLevel.Error, Message = "a pubsub validator for {Topic} threw; the message is ignored")]
    public static partial void ValidatorFailed(ILogger logger, string topic, Exception exception);

    [LoggerMessage(EventId = 4406, EventName = "PubSubLoopFailed", Level = LogLevel.Error, Message = "the gossipsub router loop failed")]
    public static partial void LoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4407, EventName = "PubSubSubscriptionsIgnored", Level = LogLevel.Debug, Message = "pubsub peer {Peer} sent {Count} subscriptions, over the cap; ignored")]
    public static partial void SubscriptionsIgnored(ILogger logger, PeerId peer, int count);
}
