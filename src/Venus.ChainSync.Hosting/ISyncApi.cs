using System.Numerics;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Hosting;

/// <summary>
/// Watch and steer chain sync: Venus's syncer API plus what Lotus offers (<c>SyncState</c>, <c>SyncSubmitBlock</c>,
/// <c>SyncCheckpoint</c>, <c>SyncMarkBad</c>, <c>ChainHead</c>, <c>ChainNotify</c>…). Registered by <c>AddChainSync</c>.
/// </summary>
/// <remarks>
/// Usable only while the node runs: every member throws <see cref="InvalidOperationException"/> before the hosted
/// service has started and after it has stopped (before start nothing is taken in; after stop nothing would sync).
/// Streams and waits that are under way when the node stops end.
/// </remarks>
public interface ISyncApi
{
    /// <summary>The current head (Lotus <c>ChainHead</c>): the heaviest valid tipset, its own state possibly not yet known.</summary>
    ValueTask<TipSet> ChainHeadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The head's moves (Lotus <c>ChainNotify</c>): first the current head as one <see cref="HeadChangeKind.Current"/>
    /// item, then one list per move, the reverted tipsets (old head down to the common ancestor) then the applied ones
    /// (up to the new head). See <see cref="Syncer.HeadChangesAsync"/> for the bounds.
    /// </summary>
    /// <remarks>
    /// A reader more than <see cref="SyncerOptions.HeadChangeSubscriberCapacity"/> moves behind is dropped: the stream
    /// throws <see cref="SlowSubscriberException"/> after what it had buffered, and the reader subscribes again. The
    /// stream ends when the node stops.
    /// </remarks>
    IAsyncEnumerable<IReadOnlyList<HeadChange>> ChainNotify(CancellationToken cancellationToken);

    /// <summary>Lotus's <c>SyncState</c>: one entry per running or recently finished sync, running first.</summary>
    IReadOnlyList<SyncStateEntry> SyncState();

    /// <summary>Venus's <c>SyncerTracker</c>: the kept targets in rank order and the history, newest first.</summary>
    TargetTrackerSnapshot SyncerTracker();

    /// <summary>Sets how many syncs may run at once; lowering it cancels the newest surplus syncs and requeues their targets.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="concurrency"/> is less than 1.</exception>
    void SetConcurrent(int concurrency);

    /// <summary>How many syncs may run at once.</summary>
    int Concurrent();

    /// <summary>The weight of the stored tipset with <paramref name="key"/> (Lotus <c>ChainTipSetWeight</c>).</summary>
    /// <exception cref="KeyNotFoundException">The tipset is not in the store.</exception>
    ValueTask<BigInteger> ChainTipSetWeightAsync(TipSetKey key, CancellationToken cancellationToken);

    /// <summary>
    /// Offers a head to sync to (Venus <c>ChainSyncHandleNewTipSet</c>): its messages come from the store or, when
    /// missing there, from the exchange; then it is queued like a greeted head.
    /// </summary>
    /// <returns>Whether it was queued, and if not why.</returns>
    ValueTask<SubmitResult> ChainSyncHandleNewTipSetAsync(ChainInfo head, CancellationToken cancellationToken);

    /// <summary>
    /// Lotus's <c>SyncSubmitBlock</c> for a block this node mined: the host's <see cref="IBlockSubmitFilter"/> may veto
    /// it; its messages are loaded from the block store and checked against its message root; it is stored, synced to
    /// (validated and executed), and only then published on the block topic.
    /// </summary>
    ValueTask<SubmitResult> SyncSubmitBlockAsync(BlockMsg block, CancellationToken cancellationToken);

    /// <summary>The headers of every block the node hears of from now on (Lotus <c>SyncIncomingBlocks</c>), with a bounded buffer.</summary>
    IAsyncEnumerable<BlockHeader> SyncIncomingBlocks(CancellationToken cancellationToken);

    /// <summary>Syncs to the tipset with <paramref name="key"/> if needed and pins it: the node never forks away from it.</summary>
    Task<SyncResult> SyncCheckpointAsync(TipSetKey key, CancellationToken cancellationToken);

    /// <summary>Marks a block bad by hand (Lotus <c>SyncMarkBad</c>).</summary>
    void SyncMarkBad(Cid block);

    /// <summary>Forgets that a block is bad (Lotus <c>SyncUnmarkBad</c>); true if it was marked.</summary>
    bool SyncUnmarkBad(Cid block);

    /// <summary>Forgets every bad block (Lotus <c>SyncUnmarkAllBad</c>).</summary>
    void SyncUnmarkAllBad();

    /// <summary>Why a block is bad, or null when it is not known bad (Lotus <c>SyncCheckBad</c>).</summary>
    BadTipSetEntry? SyncCheckBad(Cid block);

    /// <summary>
    /// Whether the node is synced: its head is within <see cref="ChainSyncOptions.SyncedWithinEpochs"/> epochs of the
    /// wall clock's epoch.
    /// </summary>
    ValueTask<bool> IsSyncedAsync(CancellationToken cancellationToken);
}

/// <summary>One sync as <see cref="ISyncApi.SyncState"/> shows it (the fields of Lotus's <c>ActiveSync</c>).</summary>
/// <param name="WorkerId">The target's id (Lotus's worker id).</param>
/// <param name="Base">The head the sync started from, if it started.</param>
/// <param name="Target">The head it syncs to.</param>
/// <param name="Stage">What it is doing.</param>
/// <param name="Height">The height of the latest tipset with state on the way, at most the target's (0 before the sync starts).</param>
/// <param name="Start">When it started.</param>
/// <param name="End">When it ended.</param>
/// <param name="Message">The error, for a failed sync.</param>
public sealed record SyncStateEntry(long WorkerId, TipSet? Base, TipSet Target, SyncStage Stage, long Height, DateTimeOffset? Start, DateTimeOffset? End, string? Message);

/// <summary>What became of a submitted block or head.</summary>
/// <param name="Accepted">Whether it was taken (queued, or synced and published).</param>
/// <param name="Code">What happened, as a code a host can branch on.</param>
/// <param name="Reason">What happened, in words for logs and people.</param>
public sealed record SubmitResult(bool Accepted, SubmitReason Code, string Reason);

/// <summary>What became of a block given to <see cref="ISyncApi.SyncSubmitBlockAsync"/> or a head given to <see cref="ISyncApi.ChainSyncHandleNewTipSetAsync"/>.</summary>
public enum SubmitReason
{
    /// <summary>Accepted: the block is valid here (synced now, or known valid already) and was published.</summary>
    Published,

    /// <summary>Accepted: the head was queued for sync.</summary>
    Queued,

    /// <summary>The block message has no header.</summary>
    NoHeader,

    /// <summary>The host's <see cref="IBlockSubmitFilter"/> vetoed the block.</summary>
    Vetoed,

    /// <summary>The listed messages do not hash to the block's message root.</summary>
    MessageRootMismatch,

    /// <summary>Some of the block's messages are not in the block store (a miner's messages are there before it submits).</summary>
    MessagesMissing,

    /// <summary>The head, or its messages, could not be fetched from any peer.</summary>
    FetchFailed,

    /// <summary>The dispatcher did not queue it (it is stopping).</summary>
    NotQueued,

    /// <summary>The sync to the block ended without making it valid here (see the text for the sync's own reason).</summary>
    SyncFailed,

    /// <summary>No sync to the block ended within <see cref="ChainSyncOptions.SubmitSyncTimeout"/>.</summary>
    TimedOut,
}

/// <summary>
/// A host's veto on blocks it is about to publish (Lotus's slash filter: never sign two blocks at one height, or a
/// block whose parents conflict with an earlier one). Optional; register one to have <see cref="ISyncApi.SyncSubmitBlockAsync"/> consult it.
/// </summary>
public interface IBlockSubmitFilter
{
    /// <summary>Null to allow <paramref name="header"/>, or why it must not be published.</summary>
    ValueTask<string?> CheckAsync(BlockHeader header, CancellationToken cancellationToken);
}
