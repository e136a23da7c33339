using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Testing;

/// <summary>Seeding nodes with chains, producing tipsets and gossiping them.</summary>
public sealed partial class SyncTestCluster
{
    /// <summary>
    /// Gives <paramref name="node"/> the builder's chain from genesis up to <paramref name="head"/>, fully executed:
    /// headers and messages in its store, every state as <see cref="TestTipSetExecutor"/> computes it, and
    /// <paramref name="head"/> as its head. Only before <see cref="StartAsync"/>, so no sync races it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The cluster was started.</exception>
    /// <exception cref="KeyNotFoundException"><paramref name="head"/> or an ancestor was not built by <see cref="Builder"/>.</exception>
    public async Task SeedAsync(SyncTestNode node, TipSet head, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(head);
        if (_state != State.Created)
        {
            throw new InvalidOperationException("Seed nodes before starting the cluster.");
        }

        var chain = new Stack<FullTipSet>();
        for (TipSet cursor = head; ; cursor = Builder.GetFullTipSet(cursor.Parents).TipSet)
        {
            chain.Push(Builder.GetFullTipSet(cursor));
            if (cursor.Height == 0)
            {
                break;
            }
        }

        var oldestFirst = new List<TipSet>(chain.Count);
        while (chain.TryPop(out FullTipSet? tipSet))
        {
            await CopyAsync(node, tipSet, cancellationToken).ConfigureAwait(false);
            oldestFirst.Add(tipSet.TipSet);
        }

        await node.Store.AdoptAsync(Builder, oldestFirst, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Builds one tipset of shape <paramref name="spec"/> (one block, no messages by default) on
    /// <paramref name="producer"/>'s head and hands it to the producer's dispatcher as its own block
    /// (<see cref="Dispatcher.SendAsync"/> with <see cref="TipSetSource.Own"/>), as a miner does; returns once the producer's head is that tipset.
    /// Nobody else hears of it: see <see cref="AnnounceAsync"/> and <see cref="ProduceAsync"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The cluster is not running.</exception>
    public async Task<FullTipSet> ExtendAsync(SyncTestNode producer, TipSetSpec? spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(producer);
        ThrowUnlessRunning();
        TipSet head = await producer.GetHeadAsync(cancellationToken).ConfigureAwait(false);
        FullTipSet next = Builder.GetFullTipSet(Builder.AddTipSet(head, spec ?? new TipSetSpec()));
        await producer.Dispatcher.SendAsync(IncomingTipSet.Own(next), cancellationToken).ConfigureAwait(false);
        await producer.WaitForHeadAsync(next.Key, cancellationToken).ConfigureAwait(false);
        return next;
    }

    /// <summary>
    /// Delivers <paramref name="tipSet"/> as gossip from <paramref name="from"/>
    /// (<see cref="Dispatcher.SendAsync"/> with <see cref="TipSetSource.Gossip"/>, source and sender both <paramref name="from"/>) to each node of
    /// <paramref name="to"/>, or to every other node when it is null: what each node's block gossip would hand its
    /// dispatcher after screening, without the pubsub round (tests of gossip itself publish on the hosts' pubsub).
    /// </summary>
    /// <returns>What each receiving dispatcher did, in the order of the nodes.</returns>
    public async Task<IReadOnlyList<DispatchOutcome>> AnnounceAsync(SyncTestNode from, FullTipSet tipSet, IEnumerable<SyncTestNode>? to = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(tipSet);
        ThrowUnlessRunning();
        var outcomes = new List<DispatchOutcome>();
        foreach (SyncTestNode node in to ?? _nodes.Where(n => n != from))
        {
            outcomes.Add(await node.Dispatcher.SendAsync(IncomingTipSet.Gossip(tipSet, from.PeerId, from.PeerId), cancellationToken).ConfigureAwait(false));
        }

        return outcomes;
    }

    /// <summary><see cref="ExtendAsync"/> on <paramref name="producer"/>, then <see cref="AnnounceAsync"/> of the new tipset to <paramref name="to"/> (every other node when null).</summary>
    public async Task<FullTipSet> ProduceAsync(SyncTestNode producer, TipSetSpec? spec = null, IEnumerable<SyncTestNode>? to = null, CancellationToken cancellationToken = default)
    {
        FullTipSet next = await ExtendAsync(producer, spec, cancellationToken).ConfigureAwait(false);
        await AnnounceAsync(producer, next, to, cancellationToken).ConfigureAwait(false);
        return next;
    }

    /// <summary>Stores a tipset's headers and messages in a node's store (genesis included, which every real node has).</summary>
    private static async Task CopyAsync(SyncTestNode node, FullTipSet tipSet, CancellationToken cancellationToken)
    {
        await node.Store.PutHeadersAsync(tipSet.TipSet.Blocks, cancellationToken).ConfigureAwait(false);
        await node.Store.PutMessagesAsync(tipSet, cancellationToken).ConfigureAwait(false);
    }
}
