namespace Venus.ChainSync.Network;

/// <summary>A gossip message as received.</summary>
/// <param name="Topic">The topic it was published on.</param>
/// <param name="Data">The payload.</param>
/// <param name="Source">The peer that published it (gossipsub's <c>from</c>).</param>
/// <param name="ReceivedFrom">The peer that forwarded it to us.</param>
public sealed record PubSubMessage(string Topic, ReadOnlyMemory<byte> Data, PeerId Source, PeerId ReceivedFrom);

/// <summary>Publish/subscribe over gossip topics (gossipsub in a real host).</summary>
/// <remarks>
/// A subscription delivers messages published after it started, in arrival order, until its token is cancelled.
/// A slow subscriber may lose messages (gossip is lossy by nature); it never blocks the network.
/// </remarks>
public interface IPubSub
{
    /// <summary>Publishes <paramref name="data"/> on <paramref name="topic"/>.</summary>
    ValueTask PublishAsync(string topic, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Joins <paramref name="topic"/> and yields its messages until <paramref name="cancellationToken"/> is cancelled.</summary>
    IAsyncEnumerable<PubSubMessage> SubscribeAsync(string topic, CancellationToken cancellationToken);
}
