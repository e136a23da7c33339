using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync;

public sealed partial class Syncer
{
    /// <summary>
    /// The head moves of this syncer (Lotus <c>ChainNotify</c>): first the current head as one
    /// <see cref="HeadChangeKind.Current"/> item, then one list per head move: the tipsets reverted, from the old head
    /// down to the common ancestor, then those applied, from above the ancestor up to the new head.
    /// </summary>
    /// <remarks>
    /// <para><b>Bounded.</b> Each subscriber buffers at most <see cref="SyncerOptions.HeadChangeSubscriberCapacity"/>
    /// head moves. A subscriber whose buffer is full when the head moves is dropped: the stream yields what it had
    /// buffered, then throws <see cref="SlowSubscriberException"/> (Lotus closes such a reader's channel). The syncer
    /// never waits for a reader.</para>
    /// <para><b>Depth.</b> The path of a move is walked through the store for at most
    /// <see cref="SyncerOptions.ForkLengthThreshold"/> (900) tipsets on each side, the longest fork the syncer follows.
    /// A move it cannot walk within that bound — a checkpoint set far off the head's chain, or a parent missing from the
    /// store — is reported as a single <see cref="HeadChangeKind.Current"/> item: start again from that head.</para>
    /// <para><b>Scope.</b> Only head moves made by this syncer are seen (syncs, checkpoints, a head taken off because
    /// its execution found it invalid); a host that sets the head through its <see cref="IChainStore"/> directly is
    /// not.</para>
    /// </remarks>
    /// <param name="cancellationToken">Ends the subscription.</param>
    /// <exception cref="SlowSubscriberException">The reader fell a whole buffer behind and was dropped.</exception>
    public async IAsyncEnumerable<IReadOnlyList<HeadChange>> HeadChangesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Channel<IReadOnlyList<HeadChange>> channel;

        // Under the head gate: no move can fall between reading the head and joining the subscribers.
        await _headGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            TipSet head = await _store.GetHeadAsync(cancellationToken).ConfigureAwait(false);
            channel = _headChanges.Subscribe([new HeadChange(HeadChangeKind.Current, head)]);
        }
        finally
        {
            _headGate.Release();
        }

        try
        {
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out IReadOnlyList<HeadChange>? changes))
                {
                    yield return changes;
                }
            }
        }
        finally
        {
            _headChanges.Unsubscribe(channel);
        }
    }

    /// <summary>
    /// The one place this syncer moves the head (callers hold the head gate): stores it, counts and logs it, and tells
    /// head-change subscribers the path from <paramref name="from"/>.
    /// </summary>
    private async ValueTask SetHeadAsync(TipSet from, TipSet to, CancellationToken cancellationToken)
    {
        await _store.SetHeadAsync(to, cancellationToken).ConfigureAwait(false);
        _metrics?.HeadSet(to);
        SyncerLog.HeadMoved(_logger, to);
        if (!_headChanges.HasSubscribers)
        {
            return;
        }

        // Not cancellable: the head has moved, and subscribers must hear of it; the walk is bounded.
        IReadOnlyList<HeadChange> changes = await PathAsync(from, to).ConfigureAwait(false)
            ?? [new HeadChange(HeadChangeKind.Current, to)];
        int dropped = _headChanges.Publish(changes);
        if (dropped > 0)
        {
            SyncerLog.HeadSubscribersDropped(_logger, dropped, _options.HeadChangeSubscriberCapacity);
        }
    }

    /// <summary>
    /// The reverts and applies from <paramref name="from"/> to <paramref name="to"/> (as Lotus's <c>ReorgOps</c>: step
    /// down the higher side until both meet), or null when more than the fork-length threshold of tipsets lie on
    /// either side, a parent is not stored, or the store fails.
    /// </summary>
    private async ValueTask<IReadOnlyList<HeadChange>?> PathAsync(TipSet from, TipSet to)
    {
        var reverted = new List<HeadChange>();
        var applied = new List<HeadChange>();
        TipSet? left = from;
        TipSet? right = to;
        try
        {
            while (left.Key != right.Key)
            {
                if (reverted.Count >= _options.ForkLengthThreshold || applied.Count >= _options.ForkLengthThreshold)
                {
                    return null;
                }

                if (left.Height > right.Height)
                {
                    reverted.Add(new HeadChange(HeadChangeKind.Revert, left));
                    left = await _store.GetTipSetAsync(left.Parents, CancellationToken.None).ConfigureAwait(false);
                }
                else
                {
                    applied.Add(new HeadChange(HeadChangeKind.Apply, right));
                    right = await _store.GetTipSetAsync(right.Parents, CancellationToken.None).ConfigureAwait(false);
                }

                if (left is null || right is null)
                {
                    return null;
                }
            }
        }
#pragma warning disable CA1031 // A store fault here must not undo a head move that is done: subscribers get the head alone.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }

        applied.Reverse();
        return [.. reverted, .. applied];
    }
}
