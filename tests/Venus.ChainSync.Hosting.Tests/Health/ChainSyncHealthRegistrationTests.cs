using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Hosting.Tests.Health;

/// <summary>The health check as a host registers it: <c>AddHealthChecks().AddChainSync()</c> on a running node.</summary>
public sealed class ChainSyncHealthRegistrationTests : IAsyncLifetime
{
    private readonly InMemoryNetwork _network = new();
    private readonly ChainBuilder _chain = new(new MemoryBlockstore(), seed: 12);
    private IReadOnlyList<TipSet> _history = [];

    public Task InitializeAsync()
    {
        _history = _chain.AddChain(_chain.Genesis(), 30, new TipSetSpec(BlsMessages: 1));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _network.DisposeAsync();

    [Fact]
    public async Task A_lone_node_is_unhealthy_healthy_once_synced_from_a_peer_and_unhealthy_when_the_clock_leaves_it_behind()
    {
        await using HostedNode producer = HostedNode.Create(_network, "producer", _chain.Genesis(), _chain.GenesisState, _chain.Store);
        await producer.AdoptAsync(_chain, _history);
        await producer.StartAsync();
        var clock = new FakeTimeProvider(_chain.TimeOfHeight(_history[^1].Height + 3));
        await using HostedNode node = HostedNode.Create(_network, "node", _chain.Genesis(), _chain.GenesisState, services: s =>
        {
            s.AddSingleton<TimeProvider>(clock);
            s.AddLogging(); // the health check service logs each run
            s.AddHealthChecks().AddChainSync(o => o.Tags.Add("ready"));
        });
        await node.StartAsync();
        HealthCheckService health = node.Services.GetRequiredService<HealthCheckService>();

        HealthReportEntry alone = (await health.CheckHealthAsync(TestGuard.Token())).Entries["chainsync"];
        Assert.Equal(HealthStatus.Unhealthy, alone.Status);
        Assert.Equal(0L, alone.Data[ChainSyncHealthData.Peers]);
        Assert.Contains("ready", alone.Tags);

        _network.Connect(producer.Host, node.Host);
        await node.WaitForHeadAsync(_history[^1]);
        HealthReportEntry synced = (await health.CheckHealthAsync(TestGuard.Token())).Entries["chainsync"];
        Assert.Equal(HealthStatus.Healthy, synced.Status);
        Assert.Equal(_history[^1].Height, synced.Data[ChainSyncHealthData.HeadHeight]);
        Assert.Equal(1L, synced.Data[ChainSyncHealthData.Peers]);

        // Nothing new arrives while the clock runs ten epochs on: the head is stale.
        clock.Advance(TimeSpan.FromSeconds(30 * 10));
        HealthReportEntry stale = (await health.CheckHealthAsync(TestGuard.Token())).Entries["chainsync"];
        Assert.Equal(HealthStatus.Unhealthy, stale.Status);
        Assert.Equal(13L, stale.Data[ChainSyncHealthData.EpochLag]);
    }

    [Fact]
    public void Nonsense_options_are_refused_when_registering()
    {
        IHealthChecksBuilder builder = new ServiceCollection().AddHealthChecks();

        Assert.Throws<ArgumentException>(() => builder.AddChainSync(o => o.StalledAfter = TimeSpan.Zero));
        Assert.Throws<ArgumentException>(() => builder.AddChainSync(o => o.Name = " "));
    }
}
