using System.Collections.Concurrent;
using System.Numerics;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Tests.Sync;

/// <summary>
/// An <see cref="IChainStore"/> over an <see cref="InMemoryChainStore"/> that records every head the engine sets and
/// checks the engine's promise for each: the tipset's parent has state, its messages are stored, and it weighs more
/// than the head it replaces.
/// </summary>
internal sealed class RecordingChainStore(InMemoryChainStore inner, ParentWeightWeigher weigher) : IChainStore
{
    private int _headerPuts;
    private int _messagePuts;

    private readonly ConcurrentQueue<TipSet> _heads = new();
    private readonly ConcurrentQueue<string> _broken = new();

    /// <summary>Every head set, in order.</summary>
    public IReadOnlyList<TipSet> Heads => [.. _heads];

    /// <summary>Each broken promise, described; empty when the engine kept them all.</summary>
    public IReadOnlyList<string> BrokenPromises => [.. _broken];

    /// <summary>Lets the next heads be lighter (a checkpoint may move the head back).</summary>
    public bool AllowLighterHeads { get; set; }

    public ValueTask<TipSet> GetGenesisAsync(CancellationToken cancellationToken) => inner.GetGenesisAsync(cancellationToken);

    /// <summary>Makes every head read and write yield first, as a store doing I/O would, so concurrent syncs interleave between reading and setting the head.</summary>
    public bool YieldOnHeadAccess { get; set; }

    public async ValueTask<TipSet> GetHeadAsync(CancellationToken cancellationToken)
    {
        if (YieldOnHeadAccess)
        {
            await Task.Yield();
        }

        return await inner.GetHeadAsync(cancellationToken);
    }

    public async ValueTask SetHeadAsync(TipSet head, CancellationToken cancellationToken)
    {
        if (YieldOnHeadAccess)
        {
            await Task.Yield();
        }

        TipSet previous = await inner.GetHeadAsync(cancellationToken);
        BigInteger before = weigher.Weight(previous);
        if (!AllowLighterHeads && weigher.Weight(head) <= before)
        {
            _broken.Enqueue($"head {head} is not heavier than {previous}");
        }

        // Valid as in Lotus: the parent's state is known (and matched the head's claims), the head's own may follow.
        if (head.Height > 0 && (await inner.GetStateAsync(head.Parents, cancellationToken) is null || await inner.GetFullTipSetAsync(head.Key, cancellationToken) is null))
        {
            _broken.Enqueue($"head {head} has no parent state or no stored messages");
        }

        _heads.Enqueue(head);
        await inner.SetHeadAsync(head, cancellationToken);
    }

    public ValueTask<TipSet?> GetTipSetAsync(TipSetKey key, CancellationToken cancellationToken) => inner.GetTipSetAsync(key, cancellationToken);

    /// <summary>How many times the engine stored headers, and messages.</summary>
    public int HeaderPuts => Volatile.Read(ref _headerPuts);

    public int MessagePuts => Volatile.Read(ref _messagePuts);

    public ValueTask PutHeadersAsync(IReadOnlyList<BlockHeader> headers, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _headerPuts);
        return inner.PutHeadersAsync(headers, cancellationToken);
    }

    public ValueTask PutMessagesAsync(FullTipSet tipSet, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _messagePuts);
        return inner.PutMessagesAsync(tipSet, cancellationToken);
    }

    public ValueTask<FullTipSet?> GetFullTipSetAsync(TipSetKey key, CancellationToken cancellationToken) => inner.GetFullTipSetAsync(key, cancellationToken);

    public ValueTask<TipSetState?> GetStateAsync(TipSetKey key, CancellationToken cancellationToken) => inner.GetStateAsync(key, cancellationToken);

    public ValueTask SetStateAsync(TipSetKey key, TipSetState state, CancellationToken cancellationToken) => inner.SetStateAsync(key, state, cancellationToken);

    public ValueTask<TipSetKey?> GetCheckpointAsync(CancellationToken cancellationToken) => inner.GetCheckpointAsync(cancellationToken);

    public ValueTask SetCheckpointAsync(TipSetKey checkpoint, CancellationToken cancellationToken) => inner.SetCheckpointAsync(checkpoint, cancellationToken);
}
