using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Venus.ChainSync.Hosting;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.HostSample;

/// <summary>
/// The other side of the sample: an <see cref="InMemoryNetwork"/> and a producer node on it (built, like the
/// app's node, with <c>AddChainSync</c> and the in-memory ports) holding a <see cref="ChainBuilder"/> chain whose
/// tip is at the wall clock's epoch, so that a node holding it counts as synced. Owns the network and the producer.
/// </summary>
/// <remarks>The chain builder is not thread-safe; only <see cref="MineAsync"/> touches it after creation, from one loop.</remarks>
internal sealed class SampleProducer : IAsyncDisposable
{
    /// <summary>The block topic is <c>/fil/blocks/&lt;name&gt;</c>; both nodes use it.</summary>
    public const string NetworkName = "samplenet";

    /// <summary>The builder's epoch length, which the syncer's default <see cref="SyncerOptions.BlockDelay"/> matches.</summary>
    public static readonly TimeSpan BlockDelay = TimeSpan.FromSeconds(30);

    // One block a tipset: SyncSubmitBlock takes one block, and a one-block tipset is complete once it is synced.
    private static readonly TipSetSpec Spec = new(Blocks: 1, BlsMessages: 1, SecpMessages: 1);

    private readonly ChainBuilder _builder;
    private readonly IReadOnlyList<TipSet> _history;
    private readonly ServiceProvider _provider;
    private readonly IHostedService[] _hosted;
    private TipSet _tip;
    private bool _started;

    private SampleProducer(ChainBuilder builder, TipSet genesis, IReadOnlyList<TipSet> history, InMemoryNetwork network)
    {
        _builder = builder;
        _history = history;
        _tip = history.Count > 0 ? history[^1] : genesis;
        Genesis = genesis;
        Network = network;
        Host = network.CreateHost("producer");
        Store = new InMemoryChainStore(genesis, builder.GenesisState, builder.Store);
        var services = new ServiceCollection();
        services.AddInMemoryPorts(Host, Store);
        services.AddChainSync(o => o.NetworkName = NetworkName);
        _provider = services.BuildServiceProvider();
        _hosted = [.. _provider.GetServices<IHostedService>()];
        Api = _provider.GetRequiredService<ISyncApi>();
    }

    /// <summary>The network both nodes are on.</summary>
    public InMemoryNetwork Network { get; }

    /// <summary>The producer's host.</summary>
    public InMemoryHost Host { get; }

    /// <summary>The producer's store; its head is the chain's tip once started.</summary>
    public InMemoryChainStore Store { get; }

    /// <summary>The producer's sync API.</summary>
    public ISyncApi Api { get; }

    /// <summary>The chain's genesis, which the app's node starts from.</summary>
    public TipSet Genesis { get; }

    /// <summary>The genesis state, which the app's node starts with.</summary>
    public TipSetState GenesisState => _builder.GenesisState;

    /// <summary>How many tipsets of history the producer started with.</summary>
    public int HistoryLength => _history.Count;

    /// <summary>The newest tipset the producer holds (read from any thread).</summary>
    public TipSet Tip => Volatile.Read(ref _tip);

    /// <summary>
    /// Builds <paramref name="tipsets"/> tipsets of history whose tip falls in the epoch of <paramref name="now"/>
    /// (genesis is that many epochs earlier). No null rounds, so the tip's height is the count.
    /// </summary>
    public static SampleProducer Create(int tipsets, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tipsets);
        ulong genesisTime = checked((ulong)(now.ToUnixTimeSeconds() - (tipsets * (long)BlockDelay.TotalSeconds)));
        var builder = new ChainBuilder(new MemoryBlockstore(), seed: 1, new ChainBuilderOptions { GenesisTimestamp = genesisTime, BlockDelaySeconds = (ulong)BlockDelay.TotalSeconds });
        TipSet genesis = builder.Genesis();
        IReadOnlyList<TipSet> history = tipsets == 0 ? [] : builder.AddChain(genesis, tipsets, Spec);
        return new SampleProducer(builder, genesis, history, new InMemoryNetwork());
    }

    /// <summary>The epoch <paramref name="now"/> is in, on this chain.</summary>
    public long EpochAt(DateTimeOffset now) =>
        Math.Max(0, (now.ToUnixTimeSeconds() - (long)Genesis.MinTimestamp) / (long)BlockDelay.TotalSeconds);

    /// <summary>Makes the history the producer's executed head and starts its hosted services.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await Store.AdoptAsync(_builder, _history, cancellationToken).ConfigureAwait(false);
        _started = true;
        foreach (IHostedService service in _hosted)
        {
            await service.StartAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Mines the next tipset and submits its block on the producer, which syncs it and then publishes it.</summary>
    /// <returns>Null when taken, else why the producer refused its own block.</returns>
    public async Task<string?> MineAsync(CancellationToken cancellationToken)
    {
        TipSet next = _builder.AddTipSet(_tip, Spec);
        FullBlock block = _builder.GetFullTipSet(next).Blocks[0];
        SubmitResult submitted = await Api.SyncSubmitBlockAsync(
            BlockMsg.Create(block.Header, block.BlsMessages.Select(m => m.Cid), block.SecpkMessages.Select(m => m.Cid)),
            cancellationToken).ConfigureAwait(false);
        if (!submitted.Accepted)
        {
            return submitted.Reason;
        }

        Volatile.Write(ref _tip, next);
        return null;
    }

    /// <summary>Stops the producer's services (reverse order), then its container and the network.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_started)
        {
            _started = false;
            foreach (IHostedService service in _hosted.Reverse())
            {
                // Not cancellable: stopping awaits every loop of the producer.
                await service.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        await _provider.DisposeAsync().ConfigureAwait(false);
        await Network.DisposeAsync().ConfigureAwait(false);
    }
}
