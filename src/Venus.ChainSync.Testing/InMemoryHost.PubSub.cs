using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Testing;

/// <summary>
/// Gossip as a mesh of the host's connections: a message travels only along connections, and a host passes it on
/// only after its validator accepted it, as a gossipsub host does.
/// </summary>
public sealed partial class InMemoryHost
{
    private const int GossipBuffer = 4096;

    // Enough for every message of a long test; the oldest ids are forgotten first, as gossipsub's seen cache expires.
    private const int SeenCapacity = 1 << 16;

    private readonly ConcurrentDictionary<Subscription, byte> _subscriptions = new();
    private readonly ConcurrentDictionary<PeerId, int> _rejected = new();
    private readonly Lock _seenGate = new();
    private readonly HashSet<Cid> _seen = [];
    private readonly Queue<Cid> _seenOrder = new();

    /// <summary>
    /// How many messages from each peer this host's validators rejected: what a gossipsub host feeds into the peer's
    /// score (its invalid-delivery penalty).
    /// </summary>
    public IReadOnlyDictionary<PeerId, int> GossipRejections => new Dictionary<PeerId, int>(_rejected);

    /// <inheritdoc/>
    /// <remarks>
    /// Sent along each of this host's connections (to every connected peer that a partition does not separate from it;
    /// across a link with <see cref="LinkFaults.Latency"/> it arrives after the latency). Each receiving host that
    /// subscribes to the topic validates it, delivers it and passes it on along its own connections; a host that does
    /// not subscribe, or whose validator does not accept it, passes nothing on. Every host sees a message once.
    /// </remarks>
    public ValueTask PublishAsync(string topic, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        cancellationToken.ThrowIfCancellationRequested();
        byte[] copy = data.ToArray();
        FirstSight(copy);
        _network.Forward(this, new PubSubMessage(topic, copy, LocalPeer, LocalPeer), except: null);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<PubSubMessage> SubscribeAsync(string topic, MessageValidator? validator, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);

        // Gossip is lossy: a subscriber that falls behind loses the oldest messages, never blocks the publisher.
        var channel = Channel.CreateBounded<PubSubMessage>(new BoundedChannelOptions(GossipBuffer) { FullMode = BoundedChannelFullMode.DropOldest });
        var subscription = new Subscription(topic, channel, validator, cancellationToken);
        _subscriptions.TryAdd(subscription, 0);
        try
        {
            await foreach (PubSubMessage message in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return message;
            }
        }
        finally
        {
            _subscriptions.TryRemove(subscription, out _);
        }
    }

    /// <summary>A message arriving over the connection from <paramref name="message"/>'s <see cref="PubSubMessage.ReceivedFrom"/>.</summary>
    internal void Receive(PubSubMessage message)
    {
        Subscription[] subscribed = [.. _subscriptions.Keys.Where(s => string.Equals(s.Topic, message.Topic, StringComparison.Ordinal))];
        if (subscribed.Length == 0 || message.Source == LocalPeer || !FirstSight(message.Data.Span))
        {
            return;
        }

        // One validator judges for the host (gossipsub has one per topic): the first subscription's that has one.
        Subscription? judge = subscribed.FirstOrDefault(s => s.Validator is not null);
        if (judge is null)
        {
            Accept(message, subscribed);
            return;
        }

        ValueTask<MessageVerdict> verdict;
        try
        {
            verdict = judge.Validator!(message, judge.Cancellation);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (verdict.IsCompletedSuccessfully)
        {
            Apply(message, subscribed, verdict.Result);
        }
        else
        {
            _network.RunTracked(async () =>
            {
                try
                {
                    Apply(message, subscribed, await verdict.ConfigureAwait(false));
                }
                catch (OperationCanceledException)
                {
                    // The subscription ended while the message was being judged.
                }
            });
        }
    }

    private void Apply(PubSubMessage message, Subscription[] subscribed, MessageVerdict verdict)
    {
        switch (verdict)
        {
            case MessageVerdict.Accept:
                Accept(message, subscribed);
                break;
            case MessageVerdict.Reject:
                _rejected.AddOrUpdate(message.ReceivedFrom, 1, static (_, n) => n + 1);
                break;
        }
    }

    private void Accept(PubSubMessage message, Subscription[] subscribed)
    {
        foreach (Subscription subscription in subscribed)
        {
            subscription.Channel.Writer.TryWrite(message);
        }

        _network.Forward(this, message with { ReceivedFrom = LocalPeer }, except: message.ReceivedFrom);
    }

    /// <summary>Records a message id (blake2b-256 of the data, Filecoin's message id); false when it was seen before.</summary>
    private bool FirstSight(ReadOnlySpan<byte> data)
    {
        Cid id = Cid.Compute(Multicodec.Raw, data);
        lock (_seenGate)
        {
            if (!_seen.Add(id))
            {
                return false;
            }

            _seenOrder.Enqueue(id);
            if (_seenOrder.Count > SeenCapacity)
            {
                _seen.Remove(_seenOrder.Dequeue());
            }

            return true;
        }
    }

    private sealed record Subscription(string Topic, Channel<PubSubMessage> Channel, MessageValidator? Validator, CancellationToken Cancellation);
}
