using Venus.ChainSync.Libp2p.Protobuf;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p.PubSub;

/// <summary>What the gossipsub router loop is told, apart from received RPCs.</summary>
internal abstract record RouterEvent
{
    /// <summary>Our outbound stream to a peer is open.</summary>
    public sealed record LinkUp(PubSubLink Link) : RouterEvent;

    /// <summary>A peer disconnected, or our stream to it failed (<paramref name="Link"/>: only if that link is still
    /// the peer's).</summary>
    public sealed record PeerGone(PeerId Peer, PubSubLink? Link) : RouterEvent;

    /// <summary>An application subscribed to a topic nobody here had subscribed to.</summary>
    public sealed record Join(string Topic) : RouterEvent;

    /// <summary>The last subscription of a topic ended.</summary>
    public sealed record Leave(string Topic) : RouterEvent;

    /// <summary>The application publishes <paramref name="Data"/>; <paramref name="Done"/> completes once it is sent.</summary>
    public sealed record Publish(string Topic, byte[] Data, TaskCompletionSource Done) : RouterEvent;

    /// <summary>A received message's validators have spoken.</summary>
    public sealed record Validated(PendingValidation Item, MessageVerdict Verdict) : RouterEvent;

    /// <summary>Runs <paramref name="Action"/> on the loop (to read its state consistently: tests, diagnostics).</summary>
    public sealed record Inspect(Action Action) : RouterEvent;

    /// <summary>Time for a heartbeat.</summary>
    public sealed record Heartbeat : RouterEvent;
}

/// <summary>One RPC a peer sent.</summary>
internal sealed record InboundRpc(PeerId Peer, RPC Rpc);

/// <summary>A received message waiting for its topic's validators.</summary>
internal sealed record PendingValidation(MessageId Id, Message Message, PeerId ReceivedFrom, PubSubMessage Delivered);
