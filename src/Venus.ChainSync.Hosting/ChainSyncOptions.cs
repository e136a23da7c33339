using Venus.ChainSync.Exchange;
using Venus.ChainSync.Hello;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Hosting;

/// <summary>
/// Everything a host tunes about chain sync, set through <c>services.AddChainSync(o =&gt; ...)</c> or bound from
/// configuration (<c>AddChainSync(configuration)</c>), and validated when the node starts
/// (<see cref="ChainSyncOptionsValidator"/>). Every property is settable, in every section.
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

    /// <summary>
    /// The CID of the genesis block the chain store must hold, or null to take the store's genesis as it is. Set by
    /// <see cref="UseNetwork"/>; the node checks it when it starts and refuses to start on another network's store.
    /// </summary>
    public string? GenesisCid { get; set; }

    /// <summary>How long <see cref="ISyncApi.SyncSubmitBlockAsync"/> waits for its block to be synced before giving up (default 30 s, one epoch).</summary>
    public TimeSpan SubmitSyncTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Sets what a public network fixes: <see cref="NetworkName"/>, <see cref="GenesisCid"/> and the syncer's
    /// <see cref="SyncerOptions.BlockDelay"/>. Everything else keeps its value.
    /// </summary>
    /// <returns>These options.</returns>
    public ChainSyncOptions UseNetwork(ChainSyncNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        NetworkName = network.NetworkName;
        GenesisCid = network.GenesisCid.ToString();
        (Syncer ??= new()).BlockDelay = network.BlockDelay;
        return this;
    }

    /// <summary>
    /// Every problem of these options and their sections, one line each, each naming its section
    /// (<c>"Syncer.SegmentLength must be between 1 and 900 (was 0)."</c>); empty when they are usable.
    /// </summary>
    public IReadOnlyList<string> Validate() => new OptionsCheck()
        .That(!string.IsNullOrWhiteSpace(NetworkName), "NetworkName is required (the block topic is /fil/blocks/<NetworkName>; mainnet's is 'testnetnet').")
        .That(
            string.IsNullOrWhiteSpace(NetworkName) || !(NetworkName.Contains('/', StringComparison.Ordinal) || NetworkName.Any(char.IsWhiteSpace)),
            $"NetworkName may not contain '/' or white space (was '{NetworkName}').")
        .That(GenesisCid is null || Cid.TryParse(GenesisCid, out _), $"GenesisCid must be a CID (was '{GenesisCid}').")
        .Section(nameof(Syncer), Syncer?.Validate())
        .Section(nameof(Dispatcher), Dispatcher?.Validate())
        .Section(nameof(Tracker), Tracker?.Validate())
        .Section(nameof(ExchangeClient), ExchangeClient?.Validate())
        .Section(nameof(ExchangeServer), ExchangeServer?.Validate())
        .Section(nameof(Hello), Hello?.Validate())
        .Section(nameof(Gossip), Gossip?.Validate())
        .AtLeast(nameof(BadTipSetCacheCapacity), BadTipSetCacheCapacity, 1)
        .AtLeast(nameof(SyncedWithinEpochs), SyncedWithinEpochs, 0)
        .Positive(nameof(SubmitSyncTimeout), SubmitSyncTimeout)
        .Problems;
}
