using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Venus.ChainSync.Exchange;
using Venus.ChainSync.Hosting;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Hosting.Tests;

public sealed class AddChainSyncTests
{
    [Fact]
    public async Task With_the_testing_fakes_every_part_resolves_and_the_node_starts_and_stops()
    {
        await using var network = new InMemoryNetwork();
        await using ServiceProvider provider = NodeServices(network.CreateHost("node")).BuildServiceProvider();
        IHostedService[] hosted = [.. provider.GetServices<IHostedService>()];

        Assert.Single(hosted);
        Assert.NotNull(provider.GetRequiredService<ISyncApi>());
        await hosted[0].StartAsync(TestGuard.Token());
        ISyncApi api = provider.GetRequiredService<ISyncApi>();
        Assert.Equal(1, api.Concurrent());
        Assert.Empty(api.SyncState());
        await hosted[0].StopAsync(TestGuard.Token());
    }

    [Fact]
    public async Task Registrations_the_host_made_first_win()
    {
        await using var network = new InMemoryNetwork();
        IBlockValidator mine = NSubstitute.Substitute.For<IBlockValidator>();
        var services = new ServiceCollection();
        services.AddSingleton(mine);
        ConfigurePorts(services, network.CreateHost("node"));
        services.AddChainSync(o => o.NetworkName = "testnetnet");
        await using ServiceProvider provider = services.BuildServiceProvider();

        Assert.Same(mine, provider.GetRequiredService<IBlockValidator>());
    }

    [Fact]
    public async Task Logging_added_after_it_still_receives_its_events()
    {
        await using var network = new InMemoryNetwork();
        ServiceCollection services = NodeServices(network.CreateHost("node"));
        services.AddFakeLogging();
        await using ServiceProvider provider = services.BuildServiceProvider();
        IHostedService hosted = provider.GetServices<IHostedService>().Single();

        await hosted.StartAsync(TestGuard.Token());
        await hosted.StopAsync(TestGuard.Token());

        IReadOnlyList<FakeLogRecord> records = provider.GetFakeLogCollector().GetSnapshot();
        Assert.Contains(records, r => r.Id.Name == "ChainSyncStarted");
        Assert.Contains(records, r => r.Id.Name == "ChainSyncStopped");
    }

    [Fact]
    public async Task Calling_it_twice_registers_one_hosted_service()
    {
        await using var network = new InMemoryNetwork();
        ServiceCollection services = NodeServices(network.CreateHost("node"));
        services.AddChainSync();
        await using ServiceProvider provider = services.BuildServiceProvider();

        Assert.Single(provider.GetServices<IHostedService>());
    }

    [Fact]
    public async Task Starting_without_ports_fails_once_naming_every_missing_port()
    {
        var services = new ServiceCollection();
        services.AddChainSync(o => o.NetworkName = "testnetnet");
        await using ServiceProvider provider = services.BuildServiceProvider();
        IHostedService hosted = Assert.Single(provider.GetServices<IHostedService>());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => hosted.StartAsync(TestGuard.Token()));

        foreach (Type port in new[] { typeof(IChainStore), typeof(ITipSetExecutor), typeof(IChainWeigher), typeof(IBlockstore), typeof(IStreamHost), typeof(IPubSub) })
        {
            Assert.Contains(port.FullName!, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Starting_with_some_ports_names_only_the_missing_ones()
    {
        var services = new ServiceCollection();
        services.AddSingleton<ITipSetExecutor>(new TestTipSetExecutor());
        services.AddSingleton<IChainWeigher>(new ParentWeightWeigher());
        services.AddChainSync(o => o.NetworkName = "testnetnet");
        await using ServiceProvider provider = services.BuildServiceProvider();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => provider.GetServices<IHostedService>().Single().StartAsync(TestGuard.Token()));

        Assert.Contains(typeof(IChainStore).FullName!, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(typeof(ITipSetExecutor).FullName!, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(typeof(IChainWeigher).FullName!, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_validation_reports_every_nonsense_value_at_once()
    {
        var options = new ChainSyncOptions
        {
            NetworkName = "",
            Syncer = new SyncerOptions { SegmentLength = 0 },
            Dispatcher = new DispatcherOptions { MaxConcurrency = 0 },
            Gossip = new GossipOptions { Workers = 0, QueueCapacity = -1 },
            BadTipSetCacheCapacity = 0,
            SubmitSyncTimeout = TimeSpan.Zero,
        };

        ValidateOptionsResult result = new ChainSyncOptionsValidator().Validate(null, options);

        // One failure, one line per problem, each line led by its section.
        Assert.True(result.Failed);
        string[] lines = result.FailureMessage!.Split(Environment.NewLine);
        Assert.Equal(options.Validate(), lines);
        Assert.Equal(7, lines.Length);
        Assert.Contains(lines, f => f.StartsWith("NetworkName ", StringComparison.Ordinal));
        Assert.Contains("Syncer.SegmentLength must be between 1 and 900 (was 0).", lines);
        Assert.Contains(lines, f => f.StartsWith("Dispatcher.MaxConcurrency ", StringComparison.Ordinal));
        Assert.Contains(lines, f => f.StartsWith("Gossip.Workers ", StringComparison.Ordinal));
        Assert.Contains(lines, f => f.StartsWith("Gossip.QueueCapacity ", StringComparison.Ordinal));
        Assert.Contains(lines, f => f.StartsWith("BadTipSetCacheCapacity ", StringComparison.Ordinal));
        Assert.Contains(lines, f => f.StartsWith("SubmitSyncTimeout ", StringComparison.Ordinal));
        Assert.True(new ChainSyncOptionsValidator().Validate(null, new ChainSyncOptions { NetworkName = "calibrationnet" }).Succeeded);
    }

    [Fact]
    public async Task A_node_with_invalid_options_does_not_start()
    {
        await using var network = new InMemoryNetwork();
        var services = new ServiceCollection();
        ConfigurePorts(services, network.CreateHost("node"));
        services.AddChainSync(o =>
        {
            o.NetworkName = "has/slash";
            o.Syncer.SegmentLength = 4;
        });
        await using ServiceProvider provider = services.BuildServiceProvider();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => provider.GetServices<IHostedService>().Single().StartAsync(TestGuard.Token()));

        Assert.StartsWith("NetworkName ", error.Message, StringComparison.Ordinal);
    }

    private static ServiceCollection NodeServices(InMemoryHost host)
    {
        var services = new ServiceCollection();
        ConfigurePorts(services, host);
        services.AddChainSync(o => o.NetworkName = "testnetnet");
        return services;
    }

    private static void ConfigurePorts(IServiceCollection services, InMemoryHost host)
    {
        var chain = new ChainBuilder(new MemoryBlockstore(), seed: 1);
        services.AddInMemoryPorts(host, new InMemoryChainStore(chain.Genesis(), chain.GenesisState));
    }
}
