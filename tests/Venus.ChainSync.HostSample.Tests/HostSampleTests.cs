using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.HostSample.Tests;

/// <summary>The sample's host, run in-process exactly as <c>Program.cs</c> builds it.</summary>
public sealed class HostSampleTests
{
    [Fact]
    public async Task With_exit_when_synced_the_host_syncs_to_the_producers_head_reports_healthy_and_stops_by_itself()
    {
        CancellationToken guard = TestGuard.Token(120);
        HostApplicationBuilder builder = HostSampleApp.CreateBuilder(
            ["--tipsets", "200", "--exit-when-synced", "--Logging:LogLevel:Default", "Warning"]);
        using IHost host = builder.Build();

        await host.StartAsync(guard);
        await host.WaitForShutdownAsync(guard);

        Assert.False(guard.IsCancellationRequested, "the host did not stop by itself within the guard");
        SampleOutcome outcome = host.Services.GetRequiredService<SampleOutcome>();
        SampleProducer producer = host.Services.GetRequiredService<SampleProducer>();
        TipSet synced = Assert.IsType<TipSet>(outcome.SyncedHead);
        Assert.True(synced.Height >= 200);
        Assert.Equal(HealthStatus.Healthy, outcome.Health);
        Assert.Equal(synced.Key, (await host.Services.GetRequiredService<IChainStore>().GetHeadAsync(guard)).Key);
        Assert.True(producer.Tip.Height >= synced.Height);
    }

    [Fact]
    public void Settings_take_the_flag_apart_from_the_configuration_and_refuse_nonsense()
    {
        (bool exit, string[] others) = SampleSettings.SplitFlags(["--tipsets", "5", "--exit-when-synced"]);
        IConfiguration configuration = new ConfigurationBuilder().AddCommandLine(others).Build();

        SampleSettings settings = SampleSettings.From(configuration, exit);

        Assert.Equal(new SampleSettings(5, true, TimeSpan.FromSeconds(1)), settings);
        Assert.Throws<ArgumentException>(() => SampleSettings.From(new ConfigurationBuilder().AddCommandLine(["--tipsets", "0"]).Build(), false));
        Assert.False(SampleSettings.SplitFlags([]).ExitWhenSynced);
    }
}
