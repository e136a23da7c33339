using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using Venus.ChainSync.Exchange;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Hosting.Tests.Health;

/// <summary>
/// The chain-sync health check over a real store, tracker and exchange client, with the clock and the tracker's
/// targets set by hand: every status, and the figures it reports.
/// </summary>
public sealed class ChainSyncHealthCheckTests : IAsyncLifetime
{
    private static readonly TimeSpan StalledAfter = TimeSpan.FromMinutes(5);

    private readonly InMemoryNetwork _network = new();
    private readonly ChainBuilder _chain = new(new MemoryBlockstore(), seed: 11);
    private readonly ChainSyncOptions _options = new() { NetworkName = "testnetnet" };
    private readonly HeadProgress _progress = new();
    private IReadOnlyList<TipSet> _history = [];
    private InMemoryChainStore _store = null!;
    private FakeTimeProvider _clock = null!;
    private TargetTracker _tracker = null!;
    private ChainExchangeClient _exchange = null!;

    public Task InitializeAsync()
    {
        TipSet genesis = _chain.Genesis();
        _history = _chain.AddChain(genesis, 20, new TipSetSpec(SecpMessages: 1));
        _store = new InMemoryChainStore(genesis, _chain.GenesisState, _chain.Store);

        // The wall clock stands at the tip's epoch (20): a head of 15 or more is synced (within 5), one of 10 is not.
        _clock = new FakeTimeProvider(_chain.TimeOfHeight(_history[^1].Height));
        _tracker = new TargetTracker(_clock, new TargetTrackerOptions());
        _exchange = new ChainExchangeClient(_network.CreateHost("self"), _clock, NullLogger<ChainExchangeClient>.Instance);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _network.DisposeAsync();

    [Fact]
    public async Task No_known_peer_is_unhealthy_even_with_a_current_head()
    {
        await HeadAtAsync(20);

        HealthCheckResult result = await CheckAsync();

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal(0L, result.Data[ChainSyncHealthData.Peers]);
        Assert.Equal(0L, result.Data[ChainSyncHealthData.EpochLag]);
    }

    [Fact]
    public async Task A_head_within_the_synced_window_with_a_peer_is_healthy_and_reports_its_figures()
    {
        await HeadAtAsync(16);
        AddPeer();

        HealthCheckResult result = await CheckAsync();

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(16L, result.Data[ChainSyncHealthData.HeadHeight]);
        Assert.Equal(20L, result.Data[ChainSyncHealthData.WallEpoch]);
        Assert.Equal(4L, result.Data[ChainSyncHealthData.EpochLag]);
        Assert.Equal(1L, result.Data[ChainSyncHealthData.Peers]);
        Assert.Equal(0L, result.Data[ChainSyncHealthData.ActiveSyncs]);
        Assert.Equal(0L, result.Data[ChainSyncHealthData.QueuedSyncs]);
    }

    [Fact]
    public async Task Behind_with_nothing_syncing_is_unhealthy_as_stale()
    {
        await HeadAtAsync(10);
        AddPeer();

        HealthCheckResult result = await CheckAsync();

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal(10L, result.Data[ChainSyncHealthData.EpochLag]);
        Assert.Equal(0L, result.Data[ChainSyncHealthData.ActiveSyncs]);
        Assert.Equal(0L, result.Data[ChainSyncHealthData.QueuedSyncs]);
    }

    [Fact]
    public async Task Behind_with_a_queued_target_is_degraded_until_the_head_stalls_and_degraded_again_once_it_moves()
    {
        await HeadAtAsync(10);
        AddPeer();
        Assert.Equal(AdmissionOutcome.Added, _tracker.Add(new ChainInfo(_history[^1], "peer", "peer")).Outcome);

        HealthCheckResult first = await CheckAsync();
        Assert.Equal(HealthStatus.Degraded, first.Status);
        Assert.Equal(1L, first.Data[ChainSyncHealthData.QueuedSyncs]);

        _clock.Advance(StalledAfter - TimeSpan.FromSeconds(1));
        Assert.Equal(HealthStatus.Degraded, (await CheckAsync()).Status);

        _clock.Advance(TimeSpan.FromSeconds(1));
        HealthCheckResult stalled = await CheckAsync();
        Assert.Equal(HealthStatus.Unhealthy, stalled.Status);
        Assert.Equal((long)StalledAfter.TotalSeconds, stalled.Data[ChainSyncHealthData.SecondsSinceHeadProgress]);

        // The clock ran on ten more epochs while stalled; a head that moves counts as progress again.
        await HeadAtAsync(12);
        HealthCheckResult moving = await CheckAsync();
        Assert.Equal(HealthStatus.Degraded, moving.Status);
        Assert.Equal(0L, moving.Data[ChainSyncHealthData.SecondsSinceHeadProgress]);
    }

    [Fact]
    public async Task A_running_sync_counts_as_active_and_keeps_a_node_behind_degraded()
    {
        await HeadAtAsync(10);
        AddPeer();
        _tracker.Add(new ChainInfo(_history[^1], "peer", "peer"));
        Assert.NotNull(_tracker.StartNext());

        HealthCheckResult result = await CheckAsync();

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Equal(1L, result.Data[ChainSyncHealthData.ActiveSyncs]);
        Assert.Equal(0L, result.Data[ChainSyncHealthData.QueuedSyncs]);
    }

    [Fact]
    public async Task With_the_hosts_own_exchange_the_peer_count_is_left_out_and_not_judged()
    {
        await HeadAtAsync(20);
        var check = new ChainSyncHealthCheck(_store, Api(), Substitute.For<IChainExchange>(), _options, StalledAfter, _progress, _clock);

        HealthCheckResult result = await check.CheckHealthAsync(new HealthCheckContext(), TestGuard.Token());

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.False(result.Data.ContainsKey(ChainSyncHealthData.Peers));
    }

    private async Task<HealthCheckResult> CheckAsync()
    {
        var check = new ChainSyncHealthCheck(_store, Api(), _exchange, _options, StalledAfter, _progress, _clock);
        return await check.CheckHealthAsync(new HealthCheckContext(), TestGuard.Token());
    }

    private ISyncApi Api()
    {
        ISyncApi api = Substitute.For<ISyncApi>();
        api.SyncerTracker().Returns(_ => _tracker.Snapshot());
        return api;
    }

    private void AddPeer() => _exchange.AddPeer(_network.CreateHost($"peer-{Guid.NewGuid():N}").LocalPeer);

    /// <summary>Makes the tipset at <paramref name="height"/> the head, with its ancestors executed.</summary>
    private async Task HeadAtAsync(long height) =>
        await _store.AdoptAsync(_chain, [.. _history.Where(t => t.Height <= height)], TestGuard.Token());
}
