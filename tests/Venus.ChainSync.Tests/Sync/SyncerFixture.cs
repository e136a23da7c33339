using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.Diagnostics;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Tests.Sync;

/// <summary>
/// A world for syncer tests: one builder makes every chain (the network's), our node has only genesis in its own
/// store and reaches the rest through a <see cref="BuilderExchange"/>. The clock stands well after every timestamp.
/// </summary>
internal sealed class SyncerFixture
{
    private static long _nextTargetId;

    public SyncerFixture(SyncerOptions? options = null, ITipSetExecutor? executor = null, int seed = 1, DateTimeOffset? now = null, IBlockValidator? validator = null, SyncMetrics? metrics = null)
    {
        Time = new FakeTimeProvider(now ?? new DateTimeOffset(2025, 1, 2, 0, 0, 0, TimeSpan.Zero));
        Chain = new ChainBuilder(new MemoryBlockstore(), seed);
        Genesis = Chain.Genesis();
        Store = new InMemoryChainStore(Genesis, Chain.GenesisState);
        Exchange = new BuilderExchange(Chain);
        Executor = new TestTipSetExecutor();
        Bad = new BadTipSetCache(timeProvider: Time);
        var weigher = new ParentWeightWeigher();
        Recorder = new RecordingChainStore(Store, weigher);
        // In no-execution mode the syncer gets no executor at all, as a host without an FVM would give it.
        ITipSetExecutor? used = options?.Execution == ExecutionMode.None ? null : executor ?? Executor;
        Syncer = new Syncer(Recorder, Exchange, validator ?? SyntacticBlockValidator.Instance, used, weigher, Bad, options, Time, metrics: metrics);
    }

    public ChainBuilder Chain { get; }

    public TipSet Genesis { get; }

    public InMemoryChainStore Store { get; }

    public BuilderExchange Exchange { get; }

    public TestTipSetExecutor Executor { get; }

    public BadTipSetCache Bad { get; }

    /// <summary>The store as the syncer sees it: records the heads it sets and checks the engine's promises.</summary>
    public RecordingChainStore Recorder { get; }

    /// <summary>The clock: by default 2025-01-02, far after the builder's 2020 timestamps for any chain a test builds.</summary>
    public FakeTimeProvider Time { get; }

    /// <summary>The timestamp the builder gives every block at <paramref name="height"/> (default builder options).</summary>
    public static DateTimeOffset TimeOfHeight(long height) =>
        DateTimeOffset.FromUnixTimeSeconds((long)new ChainBuilderOptions().GenesisTimestamp + (30 * height));

    public Syncer Syncer { get; }

    public static Target TargetOf(TipSet head) =>
        Target.Create(Interlocked.Increment(ref _nextTargetId), new ChainInfo(head, "peer", "peer"));

    public Task<SyncResult> SyncAsync(TipSet head, Action<TipSet>? progress = null) =>
        Syncer.HandleNewTipSetAsync(TargetOf(head), progress, TestGuard.Token(120));

    public async Task<TipSet> HeadAsync() => await Store.GetHeadAsync(CancellationToken.None);

    public async Task<bool> HasStateAsync(TipSet tipSet) => await Store.GetStateAsync(tipSet.Key, CancellationToken.None) is not null;
}
