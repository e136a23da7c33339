using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Venus.ChainSync.Libp2p.Protobuf;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p.PubSub;

/// <summary>The <see cref="IPubSub"/> API: subscriptions, publishing, delivery, and the heartbeat's clock.</summary>
public sealed partial class GossipSub
{
    private readonly Lock _subscriptionsGate = new();
    private readonly Dictionary<string, List<Subscription>> _subscriptions = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The router is not running.</exception>
    public async ValueTask PublishAsync(string topic, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        if (data.Length > _parameters.MaxMessageSize - 1024)
        {
            throw new ArgumentException($"A message may carry at most {_parameters.MaxMessageSize - 1024} bytes.", nameof(data));
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_started || !_local.Writer.TryWrite(new RouterEvent.Publish(topic, data.ToArray(), done)))
        {
            throw new InvalidOperationException("The gossipsub router is not running.");
        }

        await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<PubSubMessage> SubscribeAsync(string topic, MessageValidator? validator, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        if (!Allowed(topic))
        {
            throw new ArgumentException($"The topic {topic} is not in the allowlist.", nameof(topic));
        }

        var subscription = new Subscription(validator, _options.SubscriptionBuffer);
        bool first;
        lock (_subscriptionsGate)
        {
            if (!_subscriptions.TryGetValue(topic, out List<Subscription>? list))
            {
                list = [];
                _subscriptions.Add(topic, list);
            }

            list.Add(subscription);
            first = list.Count == 1;
        }

        if (first)
        {
            Post(new RouterEvent.Join(topic));
        }

        try
        {
            await foreach (PubSubMessage message in subscription.Messages.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return message;
            }
        }
        finally
        {
            bool last = false;
            lock (_subscriptionsGate)
            {
                if (_subscriptions.TryGetValue(topic, out List<Subscription>? list) && list.Remove(subscription) && list.Count == 0)
                {
                    _subscriptions.Remove(topic);
                    last = true;
                }
            }

            if (last)
            {
                Post(new RouterEvent.Leave(topic));
            }
        }
    }

    private void OnPublish(RouterEvent.Publish publish)
    {
        try
        {
            Message message = _signer.Sign(publish.Topic, publish.Data);
            MessageId id = MessageIdentity.Of(message);
            _seen.TryAdd(id);
            _cache.Put(id, message);
            Forward(message, publish.Topic, new HashSet<PeerId>(), ownMessage: true);
            publish.Done.TrySetResult();
        }
        catch (Exception ex)
        {
            publish.Done.TrySetException(ex);
        }
    }

    private bool IsSubscribed(string topic)
    {
        lock (_subscriptionsGate)
        {
            return _subscriptions.ContainsKey(topic);
        }
    }

    private List<MessageValidator> ValidatorsOf(string topic)
    {
        lock (_subscriptionsGate)
        {
            return _subscriptions.TryGetValue(topic, out List<Subscription>? list)
                ? [.. list.Select(s => s.Validator).OfType<MessageValidator>()]
                : [];
        }
    }

    /// <summary>Hands an accepted message to every subscription of its topic; a full one loses its oldest.</summary>
    private void Deliver(PubSubMessage message)
    {
        lock (_subscriptionsGate)
        {
            if (_subscriptions.TryGetValue(message.Topic, out List<Subscription>? list))
            {
                foreach (Subscription subscription in list)
                {
                    subscription.Writer.TryWrite(message);
                }
            }
        }
    }

    private void EndSubscriptions()
    {
        lock (_subscriptionsGate)
        {
            foreach (Subscription subscription in _subscriptions.Values.SelectMany(s => s))
            {
                subscription.Writer.TryComplete();
            }
        }
    }

    private async Task HeartbeatLoopAsync(CancellationToken stopping)
    {
        try
        {
            await Task.Delay(_parameters.HeartbeatInitialDelay, _time, stopping).ConfigureAwait(false);
            using var timer = new PeriodicTimer(_parameters.HeartbeatInterval, _time);
            do
            {
                Post(new RouterEvent.Heartbeat());
            }
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopped.
        }
    }

    private sealed class Subscription(MessageValidator? validator, int capacity)
    {
        private readonly Channel<PubSubMessage> _messages = Channel.CreateBounded<PubSubMessage>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.DropOldest, // gossip is lossy; the newest blocks matter most
        });

        public MessageValidator? Validator { get; } = validator;

        public ChannelReader<PubSubMessage> Messages => _messages.Reader;

        public ChannelWriter<PubSubMessage> Writer => _messages.Writer;
    }
}
