using System.Threading.Channels;

namespace Venus.ChainSync;

/// <summary>
/// The head-change subscribers of one syncer: each has its own bounded buffer, and one that is full when a head move
/// is published is dropped (its stream ends with <see cref="SlowSubscriberException"/> after what it had buffered).
/// </summary>
/// <remarks>
/// Dropping rather than dropping-oldest, as Lotus's <c>SubHeadChanges</c> does: a head-change stream with a gap is
/// wrong (an apply without the revert before it), so a reader that missed something must start again from the
/// current head; dropping it tells it so. Publishing never waits, so no reader can hold up the syncer.
/// </remarks>
internal sealed class HeadChangeFeed(int capacity)
{
    private readonly Lock _gate = new();
    private readonly List<Channel<IReadOnlyList<HeadChange>>> _subscribers = [];

    /// <summary>Whether anyone listens (a head move with no listener is not walked).</summary>
    public bool HasSubscribers
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Count > 0;
            }
        }
    }

    /// <summary>Adds a subscriber whose buffer starts with <paramref name="first"/>.</summary>
    public Channel<IReadOnlyList<HeadChange>> Subscribe(IReadOnlyList<HeadChange> first)
    {
        // Wait mode with TryWrite only: a full buffer refuses the write, and the publisher drops the subscriber.
        var channel = Channel.CreateBounded<IReadOnlyList<HeadChange>>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
        channel.Writer.TryWrite(first);
        lock (_gate)
        {
            _subscribers.Add(channel);
        }

        return channel;
    }

    /// <summary>Removes a subscriber (its reader is done).</summary>
    public void Unsubscribe(Channel<IReadOnlyList<HeadChange>> channel)
    {
        lock (_gate)
        {
            _subscribers.Remove(channel);
        }

        channel.Writer.TryComplete();
    }

    /// <summary>Hands one head move to every subscriber; returns how many were dropped for being full.</summary>
    public int Publish(IReadOnlyList<HeadChange> changes)
    {
        int dropped = 0;
        lock (_gate)
        {
            for (int i = _subscribers.Count - 1; i >= 0; i--)
            {
                if (!_subscribers[i].Writer.TryWrite(changes))
                {
                    _subscribers[i].Writer.TryComplete(new SlowSubscriberException(capacity));
                    _subscribers.RemoveAt(i);
                    dropped++;
                }
            }
        }

        return dropped;
    }
}
