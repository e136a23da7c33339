namespace Venus.ChainSync.Network;

/// <summary>A gossip message as received.</summary>
/// <param name="Topic">The topic it was published on.</param>
/// <param name="Data">The payload.</param>
/// <param name="Source">The peer that published it (gossipsub's <c>from</c>).</param>
/// <param name="ReceivedFrom">The peer that forwarded it to us.</param>
public sealed record PubSubMessage(string Topic, ReadOnlyMemory<byte> Data, PeerId Source, PeerId ReceivedFrom);

/// <summary>What a topic validator decides about a received message, as gossipsub validators do.</summary>
public enum MessageVerdict
{
    /// <summary>Valid: delivered to the subscriber and forwarded to other peers.</summary>
    Accept,

    /// <summary>
    /// Invalid: dropped, not forwarded, and counted against the peer that sent it (gossipsub's invalid-delivery
    /// penalty, which leads to graylisting).
    /// </summary>
    Reject,

    /// <summary>Not worth passing on (a repeat, out of the window we care about): dropped quietly, no penalty.</summary>
    Ignore,
}

/// <summary>
/// Judges a received message before the host forwards it. Runs for every message of the topic the host receives,
/// before the subscriber sees it, so it must be quick and must not do network I/O.
/// </summary>
/// <param name="message">The message; the same instance the subscription then yields when accepted.</param>
/// <param name="cancellationToken">Cancelled when the subscription ends.</param>
public delegate ValueTask<MessageVerdict> MessageValidator(PubSubMessage message, CancellationToken cancellationToken);

/// <summary>Publish/subscribe over gossip topics (gossipsub in a real host).</summary>
/// <remarks>
/// <para>A subscription delivers messages published after it started, in arrival order, until its token is
/// cancelled. A slow subscriber may lose messages (gossip is lossy by nature); it never blocks the network.</para>
/// <para><b>Validation.</b> With a validator, a received message is delivered and forwarded only when the validator
/// accepts it (<see cref="MessageVerdict.Accept"/>); a rejected one counts against the peer it came from in the host's
/// peer scoring; an ignored one is dropped without blame. The host yields the very message instance it validated, so
/// a validator may keep what it computed for the subscriber, keyed by that instance. Our own published messages are
/// not delivered back to us.</para>
/// </remarks>
public interface IPubSub
{
    /// <summary>Publishes <paramref name="data"/> on <paramref name="topic"/>.</summary>
    ValueTask PublishAsync(string topic, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>
    /// Joins <paramref name="topic"/> and yields the messages <paramref name="validator"/> accepts (every message when
    /// it is null) until <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    IAsyncEnumerable<PubSubMessage> SubscribeAsync(string topic, MessageValidator? validator, CancellationToken cancellationToken);
}
