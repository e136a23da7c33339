using Venus.ChainSync.Exchange;
using Venus.ChainSync.Hello;

namespace Venus.ChainSync.Hosting;

/// <summary>
/// Everything a host tunes about chain sync, set through <c>services.AddChainSync(o =&gt; ...)</c> and validated
/// when the node starts (<see cref="ChainSyncOptionsValidator"/>).
/// </summary>
public sealed class ChainSyncOptions
{
    /// <summary>
    /// The network name, as in the block topic <c>/fil/blocks/&lt;name&gt;</c> (mainnet: <c>testnetnet</c>,
    /// calibration: <c>calibrationnet</c>). Required.
    /// </summary>
    public string NetworkName { get; set; } = string.Empty;

    /// <summary>The syncer: fork-length threshold, header window, segment length, timing rules, message limit.</summary>
    public SyncerOptions Syncer { get; set; } = new();

    /// <summary>The dispatcher: initial concurrency, announcement queue, subscriber buffers.</summary>
    public DispatcherOptions Dispatcher { get; set; } = new();

    /// <summary>The target tracker: buckets and history.</summary>
    public TargetTrackerOptions Tracker { get; set; } = new();

    /// <summary>Blocks the bad-tipset cache holds (default Lotus's 32 768).</summary>
    public int BadTipSetCacheCapacity { get; set; } = BadTipSetCache.DefaultCapacity;

    /// <summary>The exchange client: response size, speed floor, deadlines.</summary>
    public ExchangeClientOptions ExchangeClient { get; set; } = new();

    /// <summary>The exchange server: deadlines, concurrency per peer and in all, response cap.</summary>
    public ExchangeServerOptions ExchangeServer { get; set; } = new();

    /// <summary>The hello service: greeting limits and fetches.</summary>
    public HelloServiceOptions Hello { get; set; } = new();

    /// <summary>The gossip intake: workers, queue, acceptance window.</summary>
    public GossipOptions Gossip { get; set; } = new();

    /// <summary>
    /// The node counts as synced while its head is within this many epochs of the wall clock (default 5, as
    /// Lotus's <c>SyncIncomingBlocks</c> consumers and <c>lotus sync wait</c> judge "in sync").
    /// </summary>
    public int SyncedWithinEpochs { get; set; } = 5;

    /// <summary>How long <see cref="ISyncApi.SyncSubmitBlockAsync"/> waits for its block to be synced before giving up (default 30 s, one epoch).</summary>
    public TimeSpan SubmitSyncTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>How block gossip is taken in.</summary>
public sealed class GossipOptions
{
    /// <summary>Workers loading the messages of gossiped blocks at once (default 8).</summary>
    public int Workers { get; set; } = 8;

    /// <summary>Blocks waiting for a worker (default 256); when full the oldest is dropped and counted.</summary>
    public int QueueCapacity { get; set; } = 256;

    /// <summary>Blocks more than this many epochs below the head are ignored (default 900, the fork-length threshold).</summary>
    public int MaxEpochsBehindHead { get; set; } = 900;

    /// <summary>Blocks more than this many epochs after the wall clock's epoch are ignored (default 5).</summary>
    public int MaxEpochsAhead { get; set; } = 5;

    /// <summary>Most messages a gossiped block may list (default 10 000, Lotus's <c>BlockMessageLimit</c>).</summary>
    public int MaxMessagesPerBlock { get; set; } = ExchangeProtocol.BlockMessageLimit;
}
