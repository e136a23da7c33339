using System.Numerics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Venus.ChainSync.Exchange;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;

namespace Venus.ChainSync.Hosting;

/// <summary>The <see cref="ISyncApi"/> over the node's engine parts, as <c>AddChainSync</c> registers them.</summary>
internal sealed partial class SyncApi : ISyncApi
{
    private readonly Dispatcher _dispatcher;
    private readonly TargetTracker _tracker;
    private readonly Syncer _syncer;
    private readonly BadTipSetCache _bad;
    private readonly IChainStore _store;
    private readonly IChainWeigher _weigher;
    private readonly IChainExchange _exchange;
    private readonly IPubSub _pubSub;
    private readonly BlockMessageLoader _loader;
    private readonly IBlockSubmitFilter? _filter;
    private readonly ChainSyncOptions _options;
    private readonly TimeProvider _time;
    private readonly NodeLifecycle _lifecycle;

    public SyncApi(
        Dispatcher dispatcher,
        TargetTracker tracker,
        Syncer syncer,
        BadTipSetCache bad,
        IChainStore store,
        IChainWeigher weigher,
        IChainExchange exchange,
        IPubSub pubSub,
        IBlockstore blocks,
        IOptions<ChainSyncOptions> options,
        TimeProvider time,
        NodeLifecycle lifecycle,
        IBlockSubmitFilter? filter = null)
    {
        _dispatcher = dispatcher;
        _tracker = tracker;
        _syncer = syncer;
        _bad = bad;
        _store = store;
        _weigher = weigher;
        _exchange = exchange;
        _pubSub = pubSub;
        _loader = new BlockMessageLoader(blocks);
        _filter = filter;
        _options = options.Value;
        _time = time;
        _lifecycle = lifecycle;
    }

    public async ValueTask<TipSet> ChainHeadAsync(CancellationToken cancellationToken)
    {
        _lifecycle.ThrowIfNotRunning();
        return await _store.GetHeadAsync(cancellationToken).ConfigureAwait(false);
    }

    public IAsyncEnumerable<IReadOnlyList<HeadChange>> ChainNotify(CancellationToken cancellationToken)
    {
        _lifecycle.ThrowIfNotRunning();
        return Until(_syncer.HeadChangesAsync, _lifecycle.Stopping, cancellationToken);
    }

    public IReadOnlyList<SyncStateEntry> SyncState()
    {
        _lifecycle.ThrowIfNotRunning();
        TargetTrackerSnapshot snapshot = _tracker.Snapshot();
        return [.. snapshot.Buckets.Where(t => t.State == TargetState.Syncing).Concat(snapshot.History).Select(ToEntry)];
    }

    public TargetTrackerSnapshot SyncerTracker()
    {
        _lifecycle.ThrowIfNotRunning();
        return _tracker.Snapshot();
    }

    public void SetConcurrent(int concurrency)
    {
        _lifecycle.ThrowIfNotRunning();
        _dispatcher.SetConcurrent(concurrency);
    }

    public int Concurrent()
    {
        _lifecycle.ThrowIfNotRunning();
        return _dispatcher.Concurrency;
    }

    public async ValueTask<BigInteger> ChainTipSetWeightAsync(TipSetKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        _lifecycle.ThrowIfNotRunning();
        TipSet tipSet = await _store.GetTipSetAsync(key, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"Tipset {key} is not in the store.");
        return await _weigher.WeightAsync(tipSet, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<SubmitResult> ChainSyncHandleNewTipSetAsync(ChainInfo head, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(head);
        _lifecycle.ThrowIfNotRunning();
        FullTipSet? full = await _store.GetFullTipSetAsync(head.Head.Key, cancellationToken).ConfigureAwait(false);
        if (full is null)
        {
            try
            {
                full = await _exchange.GetBlocksAsync(head.Head.Key, 1, cancellationToken).ConfigureAwait(false) is [{ } tipSet]
                    && (await _exchange.GetChainMessagesAsync([tipSet], cancellationToken).ConfigureAwait(false)) is [{ } fetched]
                    ? fetched
                    : null;
            }
            catch (ExchangeFailedException e)
            {
                return new SubmitResult(false, SubmitReason.FetchFailed, $"its messages could not be fetched: {e.Message}");
            }
        }

        if (full is null || full.Key != head.Head.Key)
        {
            return new SubmitResult(false, SubmitReason.FetchFailed, "the exchange did not return that tipset");
        }

        PeerId? sender = PeerId.TryParse(head.Sender, out PeerId parsedSender) ? parsedSender : null;
        PeerId? origin = PeerId.TryParse(head.Source, out PeerId parsedOrigin) ? parsedOrigin : sender;
        var incoming = new IncomingTipSet(full, TipSetSource.Hello, sender, origin);
        DispatchOutcome outcome = await _dispatcher.SendAsync(incoming, cancellationToken).ConfigureAwait(false);
        return outcome == DispatchOutcome.Queued
            ? new SubmitResult(true, SubmitReason.Queued, "queued")
            : new SubmitResult(false, SubmitReason.NotQueued, outcome.ToString());
    }

    public IAsyncEnumerable<BlockHeader> SyncIncomingBlocks(CancellationToken cancellationToken)
    {
        // The dispatcher ends these streams itself when it stops.
        _lifecycle.ThrowIfNotRunning();
        return _dispatcher.IncomingBlocks(cancellationToken);
    }

    public async Task<SyncResult> SyncCheckpointAsync(TipSetKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        _lifecycle.ThrowIfNotRunning();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifecycle.Stopping);
        return await _syncer.SyncCheckpointAsync(key, linked.Token).ConfigureAwait(false);
    }

    public void SyncMarkBad(Cid block)
    {
        _lifecycle.ThrowIfNotRunning();
        _bad.Mark(block, "marked bad by hand");
    }

    public bool SyncUnmarkBad(Cid block)
    {
        _lifecycle.ThrowIfNotRunning();
        return _bad.Unmark(block);
    }

    public void SyncUnmarkAllBad()
    {
        _lifecycle.ThrowIfNotRunning();
        _bad.UnmarkAll();
    }

    public BadTipSetEntry? SyncCheckBad(Cid block)
    {
        _lifecycle.ThrowIfNotRunning();
        return _bad.Check(block);
    }

    public async ValueTask<bool> IsSyncedAsync(CancellationToken cancellationToken)
    {
        _lifecycle.ThrowIfNotRunning();
        TipSet genesis = await _store.GetGenesisAsync(cancellationToken).ConfigureAwait(false);
        TipSet head = await _store.GetHeadAsync(cancellationToken).ConfigureAwait(false);
        long epoch = ChainClock.EpochAt(_time.GetUtcNow(), (long)genesis.MinTimestamp, _options.Syncer.BlockDelay);
        return head.Height >= epoch - _options.SyncedWithinEpochs;
    }

    // Capped at the target: a target the head had already passed starts from that head and is refused at once, and
    // showing the head's height for it would read as if the sync had gone beyond its own target.
    private static SyncStateEntry ToEntry(Target target) =>
        new(target.Id, target.Base, target.Head, target.Stage, Math.Min(target.Current?.Height ?? 0, target.Head.Height), target.Start, target.End, target.Error);

    /// <summary>
    /// <paramref name="source"/> until the caller cancels or the node stops; stopping ends the stream quietly, as the
    /// dispatcher's streams end, rather than as a cancellation the caller did not ask for.
    /// </summary>
    private static async IAsyncEnumerable<T> Until<T>(
        Func<CancellationToken, IAsyncEnumerable<T>> source,
        CancellationToken stopping,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopping);
        IAsyncEnumerator<T> items = source(linked.Token).GetAsyncEnumerator(linked.Token);
        await using (items.ConfigureAwait(false))
        {
            while (true)
            {
                try
                {
                    if (!await items.MoveNextAsync().ConfigureAwait(false))
                    {
                        yield break;
                    }
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    yield break;
                }

                yield return items.Current;
            }
        }
    }
}
