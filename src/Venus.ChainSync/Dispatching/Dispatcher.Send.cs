using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync;

public sealed partial class Dispatcher
{
    /// <summary>A head a peer greeted us with (<c>/fil/hello</c>), with its messages.</summary>
    /// <param name="head">The greeted head with every block's messages.</param>
    /// <param name="source">Peer that produced or first announced it.</param>
    /// <param name="sender">Peer that greeted us.</param>
    /// <param name="cancellationToken">Cancels storing.</param>
    /// <returns>What was done; see <see cref="SendGossipBlockAsync"/>.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ValueTask<DispatchOutcome> SendHelloAsync(FullTipSet head, string source, string sender, CancellationToken cancellationToken = default) =>
        SendAsync("hello", head, source, sender, cancellationToken);

    /// <summary>A head this node's miner produced, with its messages (source and sender are empty).</summary>
    /// <param name="head">The new head with every block's messages.</param>
    /// <param name="cancellationToken">Cancels storing.</param>
    /// <returns>What was done; see <see cref="SendGossipBlockAsync"/>.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ValueTask<DispatchOutcome> SendOwnBlockAsync(FullTipSet head, CancellationToken cancellationToken = default) =>
        SendAsync("own", head, "", "", cancellationToken);

    /// <summary>
    /// A block heard on gossip, as a one-block tipset with its messages (or any tipset the caller assembled).
    /// </summary>
    /// <remarks>
    /// Checks every block's messages against its header's message root first; if one does not match, nothing is
    /// stored, published or queued and the answer is <see cref="DispatchOutcome.MessagesMismatch"/>. Otherwise the
    /// headers and messages are stored, the headers are published to <see cref="IncomingBlocks"/> subscribers and the
    /// head is queued for the tracker. Never blocks on the queue: when it is full the oldest queued head is dropped.
    /// Never throws for bad input; a fault of the chain store propagates.
    /// </remarks>
    /// <param name="head">The head with every block's messages.</param>
    /// <param name="source">Peer that produced or first announced the block.</param>
    /// <param name="sender">Peer that passed it to us.</param>
    /// <param name="cancellationToken">Cancels storing.</param>
    /// <returns>What was done.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ValueTask<DispatchOutcome> SendGossipBlockAsync(FullTipSet head, string source, string sender, CancellationToken cancellationToken = default) =>
        SendAsync("gossip", head, source, sender, cancellationToken);

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

    private async ValueTask<DispatchOutcome> SendAsync(string kind, FullTipSet head, string source, string sender, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(sender);
        if (IsStopping())
        {
            return DispatchOutcome.Stopped;
        }

        foreach (FullBlock block in head.Blocks)
        {
            if (!block.MessagesMatchHeader())
            {
                _logger.MessagesMismatch(kind, head.Key, head.Height, source, block.Cid);
                return DispatchOutcome.MessagesMismatch;
            }
        }

        await _store.PutHeadersAsync(head.TipSet.Blocks, cancellationToken).ConfigureAwait(false);
        await _store.PutMessagesAsync(head, cancellationToken).ConfigureAwait(false);
        Publish(head.TipSet);

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
