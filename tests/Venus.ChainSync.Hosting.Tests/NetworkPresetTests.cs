using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Venus.ChainSync.Exchange;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Car;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Hosting.Tests;

/// <summary>Network presets (<see cref="ChainSyncNetwork"/>) and binding the options from configuration.</summary>
public sealed class NetworkPresetTests
{
    [SkippableTheory]
    [InlineData("mainnet", "genesis/mainnet.car")]
    [InlineData("calibnet", "genesis/calibnet.car")]
    public async Task Each_presets_genesis_cid_is_the_root_of_that_networks_genesis_car(string name, string car)
    {
        await using CarReader reader = await CarReader.OpenFileAsync(SharedVectors.PathOf(car));

        Assert.Equal([ChainSyncNetwork.Find(name)!.GenesisCid], reader.Roots);
    }

    [Fact]
    public void A_preset_sets_the_network_name_genesis_and_block_delay_and_carries_its_bootstrap_peers()
    {
        var options = new ChainSyncOptions().UseNetwork(ChainSyncNetwork.Mainnet);

        Assert.Equal("testnetnet", options.NetworkName);
        Assert.Equal(ChainSyncNetwork.Mainnet.GenesisCid.ToString(), options.GenesisCid);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Syncer.BlockDelay);
        Assert.Empty(options.Validate());
        Assert.Equal("calibrationnet", ChainSyncNetwork.Calibnet.NetworkName);
        Assert.Same(ChainSyncNetwork.Calibnet, ChainSyncNetwork.Find("CalibNet"));
        Assert.Null(ChainSyncNetwork.Find("testnetnet"));
        Assert.All(ChainSyncNetwork.All, n => Assert.All(n.BootstrapPeers, p => Assert.Matches("^/dns4/[^/]+/tcp/[0-9]+/p2p/[1-9A-HJ-NP-Za-km-z]+$", p)));
        Assert.Equal(15, ChainSyncNetwork.Mainnet.BootstrapPeers.Count);
        Assert.Equal(4, ChainSyncNetwork.Calibnet.BootstrapPeers.Count);
    }

    [Fact]
    public async Task A_node_refuses_to_start_on_a_store_whose_genesis_is_not_the_presets()
    {
        await using var network = new InMemoryNetwork();
        var chain = new ChainBuilder(new MemoryBlockstore(), seed: 4);
        await using HostedNode node = HostedNode.Create(network, "node", chain.Genesis(), chain.GenesisState, configure: o => o.UseNetwork(ChainSyncNetwork.Calibnet));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(node.StartAsync);

        Assert.Contains(ChainSyncNetwork.Calibnet.GenesisCid.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => node.Api.SyncState());
    }

    [Fact]
    public async Task A_node_whose_store_holds_the_expected_genesis_starts()
    {
        await using var network = new InMemoryNetwork();
        var chain = new ChainBuilder(new MemoryBlockstore(), seed: 4);
        await using HostedNode node = HostedNode.Create(network, "node", chain.Genesis(), chain.GenesisState, configure: o => o.GenesisCid = chain.Genesis().Blocks[0].Cid.ToString());

        await node.StartAsync();

        Assert.Equal(chain.Genesis(), await node.Api.ChainHeadAsync(TestGuard.Token()));
    }

    [Fact]
    public void Options_bind_from_configuration_with_nested_sections_time_spans_and_a_network_preset()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ChainSync:Network"] = "calibnet",
            ["ChainSync:SyncedWithinEpochs"] = "7",
            ["ChainSync:SubmitSyncTimeout"] = "00:01:00",
            ["ChainSync:Syncer:SegmentLength"] = "4",
            ["ChainSync:Syncer:Execution"] = "None",
            ["ChainSync:Syncer:AllowableClockDrift"] = "00:00:02",
            ["ChainSync:ExchangeClient:FirstByteTimeout"] = "00:00:03",
            ["ChainSync:Hello:HeadsCapacity"] = "8",
            ["ChainSync:Gossip:Workers"] = "2",
        }).Build();
        var services = new ServiceCollection();

        services.AddChainSync(configuration.GetSection("ChainSync"), o => o.Tracker.Capacity = 3);
        using ServiceProvider provider = services.BuildServiceProvider();
        ChainSyncOptions options = provider.GetRequiredService<IOptions<ChainSyncOptions>>().Value;

        Assert.Equal("calibrationnet", options.NetworkName);
        Assert.Equal(ChainSyncNetwork.Calibnet.GenesisCid.ToString(), options.GenesisCid);
        Assert.Equal(7, options.SyncedWithinEpochs);
        Assert.Equal(TimeSpan.FromMinutes(1), options.SubmitSyncTimeout);
        Assert.Equal(4, options.Syncer.SegmentLength);
        Assert.Equal(ExecutionMode.None, options.Syncer.Execution);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Syncer.AllowableClockDrift);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Syncer.BlockDelay);
        Assert.Equal(TimeSpan.FromSeconds(3), options.ExchangeClient.FirstByteTimeout);
        Assert.Equal(8, options.Hello.HeadsCapacity);
        Assert.Equal(2, options.Gossip.Workers);
        Assert.Equal(3, options.Tracker.Capacity);
        Assert.Equal(new ExchangeServerOptions().MaxResponseBytes, options.ExchangeServer.MaxResponseBytes);
    }

    [Fact]
    public async Task Bad_values_from_configuration_fail_the_start_with_one_line_per_problem()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["NetworkName"] = "testnetnet",
            ["Syncer:SegmentLength"] = "0",
            ["Hello:HeadsCapacity"] = "0",
        }).Build();
        await using var network = new InMemoryNetwork();
        var chain = new ChainBuilder(new MemoryBlockstore(), seed: 4);
        var services = new ServiceCollection();
        services.AddInMemoryPorts(network.CreateHost("node"), new InMemoryChainStore(chain.Genesis(), chain.GenesisState));
        services.AddChainSync(configuration);
        await using ServiceProvider provider = services.BuildServiceProvider();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => provider.GetServices<IHostedService>().Single().StartAsync(TestGuard.Token()));

        Assert.Equal(["Syncer.SegmentLength must be between 1 and 900 (was 0).", "Hello.HeadsCapacity must be at least 1 (was 0)."], error.Message.Split(Environment.NewLine));
    }
}
