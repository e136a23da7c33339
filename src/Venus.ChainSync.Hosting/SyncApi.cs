using System.Numerics;
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
    }

    public IReadOnlyList<SyncStateEntry> SyncState()
    {
        TargetTrackerSnapshot snapshot = _tracker.Snapshot();
        return [.. snapshot.Buckets.Where(t => t.State == TargetState.Syncing).Concat(snapshot.History).Select(ToEntry)];
    }

    public TargetTrackerSnapshot SyncerTracker() => _tracker.Snapshot();

    public void SetConcurrent(int concurrency) => _dispatcher.SetConcurrent(concurrency);

    public int Concurrent() => _dispatcher.Concurrency;

    public async ValueTask<BigInteger> ChainTipSetWeightAsync(TipSetKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        TipSet tipSet = await _store.GetTipSetAsync(key, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"Tipset {key} is not in the store.");
        return await _weigher.WeightAsync(tipSet, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<SubmitResult> ChainSyncHandleNewTipSetAsync(ChainInfo head, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(head);
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
                return new SubmitResult(false, $"its messages could not be fetched: {e.Message}");
            }
        }

        if (full is null || full.Key != head.Head.Key)
        {
            return new SubmitResult(false, "the exchange did not return that tipset");
        }

        PeerId? sender = PeerId.TryParse(head.Sender, out PeerId parsedSender) ? parsedSender : null;
        PeerId? origin = PeerId.TryParse(head.Source, out PeerId parsedOrigin) ? parsedOrigin : sender;
        var incoming = new IncomingTipSet(full, TipSetSource.Hello, sender, origin);
        DispatchOutcome outcome = await _dispatcher.SendAsync(incoming, cancellationToken).ConfigureAwait(false);
        return new SubmitResult(outcome == DispatchOutcome.Queued, outcome.ToString());
    }

    public IAsyncEnumerable<BlockHeader> SyncIncomingBlocks(CancellationToken cancellationToken) => _dispatcher.IncomingBlocks(cancellationToken);

    public Task<SyncResult> SyncCheckpointAsync(TipSetKey key, CancellationToken cancellationToken) => _syncer.SyncCheckpointAsync(key, cancellationToken);

    public void SyncMarkBad(Cid block) => _bad.Mark(block, "marked bad by hand");

    public bool SyncUnmarkBad(Cid block) => _bad.Unmark(block);

    public void SyncUnmarkAllBad() => _bad.UnmarkAll();

    public BadTipSetEntry? SyncCheckBad(Cid block) => _bad.Check(block);

    public async ValueTask<bool> IsSyncedAsync(CancellationToken cancellationToken)
    {
        TipSet genesis = await _store.GetGenesisAsync(cancellationToken).ConfigureAwait(false);
        TipSet head = await _store.GetHeadAsync(cancellationToken).ConfigureAwait(false);
        long epoch = ChainClock.EpochAt(_time.GetUtcNow(), (long)genesis.MinTimestamp, _options.Syncer.BlockDelay);
        return head.Height >= epoch - _options.SyncedWithinEpochs;
    }

    // Capped at the target: a target the head had already passed starts from that head and is refused at once, and
    // showing the head's height for it would read as if the sync had gone beyond its own target.
    private static SyncStateEntry ToEntry(Target target) =>
        new(target.Id, target.Base, target.Head, target.Stage, Math.Min(target.Current?.Height ?? 0, target.Head.Height), target.Start, target.End, target.Error);
}
