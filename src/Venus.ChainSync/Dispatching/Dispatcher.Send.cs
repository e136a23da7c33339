using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Venus.ChainSync.Hello;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync;

public sealed partial class Dispatcher
{
    /// <summary>
    /// Takes in a tipset from the node's miner, gossip or hello: stores its headers and messages (the one time they are
    /// stored), publishes the headers to <see cref="IncomingBlocks"/> subscribers and queues the head for the tracker.
    /// </summary>
    /// <remarks>
    /// Never blocks on the queue: when it is full the oldest queued head is dropped. Never throws for what a peer
    /// sent (an <see cref="IncomingTipSet"/> is well formed by construction); a fault of the chain store propagates.
    /// </remarks>
    /// <param name="incoming">The tipset, where it came from, and from whom.</param>
    /// <param name="cancellationToken">Cancels storing.</param>
    /// <returns>What was done.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async ValueTask<DispatchOutcome> SendAsync(IncomingTipSet incoming, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        if (IsStopping())
        {
            return DispatchOutcome.Stopped;
        }

        FullTipSet head = incoming.TipSet;
        await _store.PutHeadersAsync(head.TipSet.Blocks, cancellationToken).ConfigureAwait(false);
        await _store.PutMessagesAsync(head, cancellationToken).ConfigureAwait(false);
        Publish(head.TipSet);

        string sender = incoming.Sender?.ToString() ?? "";
        string source = incoming.Origin?.ToString() ?? sender;

        // Counted before the write so that processed + dropped never runs ahead of queued.
        Interlocked.Increment(ref _queued);
        if (!_incoming.Writer.TryWrite(new ChainInfo(head.TipSet, source, sender)))
        {
            // Only a completed channel refuses a write in DropOldest mode: the dispatcher stopped meanwhile.
            Interlocked.Decrement(ref _queued);
            return DispatchOutcome.Stopped;
        }

        return DispatchOutcome.Queued;
    }

    /// <summary>
    /// Takes in every head <paramref name="hello"/> reports (<see cref="HelloService.Heads"/>) as
    /// <see cref="TipSetSource.Hello"/> until <paramref name="cancellationToken"/> is cancelled or the service stops: the
    /// one place greeted heads reach the engine. The caller owns the loop (starts it, cancels it, awaits it).
    /// </summary>
    /// <remarks>A head the store cannot take is logged and skipped; the loop goes on.</remarks>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task ForwardGreetedHeadsAsync(HelloService hello, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hello);
        await foreach (GreetedHead greeted in hello.Heads(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await SendAsync(IncomingTipSet.Hello(greeted.Head, greeted.Peer), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _logger.GreetedHeadFailed(greeted.Head.Key, greeted.Peer.ToString(), e);
            }
        }
    }

    /// <summary>
    /// The headers of every head sent to this dispatcher from now on, in the order they were sent. The subscription
    /// starts at the first <c>MoveNextAsync</c>; a subscriber that reads slower than blocks arrive loses its oldest
    /// unread headers beyond <see cref="DispatcherOptions.SubscriberCapacity"/>. The enumeration ends when the
    /// dispatcher stops (at once if it already has) or throws <see cref="OperationCanceledException"/> when
    /// <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    /// <param name="cancellationToken">Ends the subscription.</param>
    public async IAsyncEnumerable<BlockHeader> IncomingBlocks([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // DropOldest: a slow subscriber (an RPC client) must never hold up the senders or make us buffer without
        // bound; it wants the latest blocks, so the oldest unread ones are the ones to lose.
        var channel = Channel.CreateBounded<BlockHeader>(
            new BoundedChannelOptions(_options.SubscriberCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_gate)
        {
            if (_life == Life.Stopping)
            {
                yield break;
            }

            _subscribers.Add(channel);
        }

        try
        {
            await foreach (BlockHeader header in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return header;
            }
        }
        finally
        {
            lock (_gate)
            {
                _subscribers.Remove(channel);
            }
        }
    }

    private bool IsStopping()
    {
        lock (_gate)
        {
            return _life == Life.Stopping;
        }
    }

    private void Publish(TipSet head)
    {
        Channel<BlockHeader>[] subscribers;
        lock (_gate)
        {
            if (_subscribers.Count == 0)
            {
                return;
            }

            subscribers = [.. _subscribers];
        }

        foreach (Channel<BlockHeader> subscriber in subscribers)
        {
            foreach (BlockHeader header in head.Blocks)
            {
                subscriber.Writer.TryWrite(header);
            }
        }
    }
}
