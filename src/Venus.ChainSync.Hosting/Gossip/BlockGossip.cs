using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Venus.ChainSync.Exchange;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;

namespace Venus.ChainSync.Hosting;

/// <summary>
/// Takes in block gossip (<c>/fil/blocks/&lt;network&gt;</c>), as Venus's syncer submodule and Lotus's
/// <c>HandleIncomingBlocks</c> do: screens each block cheaply as the topic's validator, loads its messages and hands
/// it to <see cref="Dispatcher.SendAsync"/>.
/// </summary>
/// <remarks>
/// <para><b>Two stages.</b> The screen is the topic's gossip validator (<see cref="MessageValidator"/>), so the host
/// forwards only what it accepts and scores senders by its verdicts. It does only what needs no network I/O (one read
/// of the head from the store) and answers as Lotus's <c>ValidateBlockPubsub</c> does: Reject for a payload too large
/// or not a <c>BlockMsg</c>, too many messages, a message CID that is not a chain CID, no block signature, no winning
/// election, a message root the listed CIDs do not match; Ignore for our own, heights outside [head − behind, now +
/// ahead], repeats and a miner's second block at one height. Accepted blocks are queued on a bounded channel; when it
/// is full the oldest waiting block is dropped (and counted), so a flood cannot stall gossip, and the newest blocks
/// are the ones worth having. A fixed pool of workers takes blocks off the channel, loads the messages (the local
/// block store first, then the exchange, asking the peers the block came from) and hands the block to the
/// dispatcher, which stores it.</para>
/// <para><b>Never fatal.</b> Every bad payload and every failed load is counted (<see cref="GossipResults"/>) and
/// dropped; a store fault is logged and the block dropped. Nothing unvalidated reaches the dispatcher: a
/// <see cref="FullTipSet"/> holds only messages that match their root.</para>
/// </remarks>
internal sealed partial class BlockGossip
{
    /// <summary>Gossip payloads above this are dropped unread (gossipsub's default maximum message size, 1 MiB).</summary>
    public const int MaxPayloadBytes = 1 << 20;

    private readonly IPubSub _pubSub;
    private readonly IStreamHost _host;
    private readonly IChainStore _store;
    private readonly BlockMessageLoader _loader;
    private readonly IChainExchange _exchange;
    private readonly Dispatcher _dispatcher;
    private readonly GossipOptions _options;
    private readonly TimeSpan _blockDelay;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly GossipMetrics _metrics;
    private readonly MinerEpochFilter _filter;
    private readonly Channel<Received> _queue;
    private long _genesisTimestamp;

    public BlockGossip(
        IPubSub pubSub,
        IStreamHost host,
        IChainStore store,
        IBlockstore blocks,
        IChainExchange exchange,
        Dispatcher dispatcher,
        ChainSyncOptions options,
        TimeProvider time,
        ILogger<BlockGossip> logger,
        GossipMetrics metrics)
    {
        _pubSub = pubSub;
        _host = host;
        _store = store;
        _loader = new BlockMessageLoader(blocks);
        _exchange = exchange;
        _dispatcher = dispatcher;
        _options = options.Gossip;
        _blockDelay = options.Syncer.BlockDelay;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        Topic = TopicOf(options.NetworkName);

        // Two heights' worth of blocks per kept epoch is far more than honest miners produce.
        _filter = new MinerEpochFilter(Math.Max(1024, _options.QueueCapacity * 4));
        _queue = Channel.CreateBounded<Received>(
            new BoundedChannelOptions(_options.QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleWriter = true },
            _ => _metrics.Block(GossipResults.Dropped));
    }

    /// <summary>The topic blocks are read from.</summary>
    public string Topic { get; }

    /// <summary>The block gossip topic of a network: <c>/fil/blocks/&lt;network&gt;</c>.</summary>
    public static string TopicOf(string networkName) => $"/fil/blocks/{networkName}";

    /// <summary>Runs the receive loop and the workers until <paramref name="stop"/> is cancelled; returns when all have ended.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        try
        {
            TipSet genesis = await _store.GetGenesisAsync(stop).ConfigureAwait(false);
            _genesisTimestamp = (long)genesis.MinTimestamp;
        }
        catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            // Without the genesis time no block can be placed on the clock; say so now, not at stop.
            _logger.SubscriptionEnded(Topic, e);
            return;
        }

        _logger.Started(Topic, _options.Workers);
        Task[] workers = [.. Enumerable.Range(0, _options.Workers).Select(_ => Task.Run(() => WorkAsync(stop), CancellationToken.None))];
        try
        {
            await ReceiveAsync(stop).ConfigureAwait(false);
        }
        finally
        {
            _queue.Writer.TryComplete();
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
    }

    /// <summary>One screened block waiting for a worker.</summary>
    private sealed record Received(CheckedMessageCids Cids, PeerId Source, PeerId ReceivedFrom)
    {
        public BlockHeader Header => Cids.Header;
    }
}
