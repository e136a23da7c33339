using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.HostSample;

/// <summary>The sample's composition: a Generic Host whose node embeds chain sync, and an in-process producer to sync from.</summary>
internal static class HostSampleApp
{
    /// <summary>
    /// Builds the host for <paramref name="args"/>: <c>--exit-when-synced</c>, <c>--tipsets N</c>,
    /// <c>--report-interval S</c>, and anything the Generic Host reads (<c>--Logging:LogLevel:Default Warning</c>…).
    /// </summary>
    public static HostApplicationBuilder CreateBuilder(string[] args)
    {
        (bool exitWhenSynced, string[] rest) = SampleSettings.SplitFlags(args);
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(rest);
        var settings = SampleSettings.From(builder.Configuration, exitWhenSynced);

        // The producer and its network exist before the host is built: the app's node needs its host on that
        // network and the chain's genesis as its ports. A factory registration, so the container disposes them.
        SampleProducer producer = SampleProducer.Create(settings.Tipsets, TimeProvider.System.GetUtcNow());
        InMemoryHost host = producer.Network.CreateHost("app");
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(_ => producer);
        builder.Services.AddSingleton(host);
        builder.Services.AddSingleton<SampleOutcome>();

        // Hosted services start in registration order: the producer, then the node's chain sync, then the worker.
        builder.Services.AddHostedService<ProducerService>();
        builder.Services.AddInMemoryPorts(host, new InMemoryChainStore(producer.Genesis, producer.GenesisState));
        builder.Services.AddChainSync(o => o.NetworkName = SampleProducer.NetworkName);
        builder.Services.AddHealthChecks().AddChainSync();
        builder.Services.AddHostedService<SyncProgressWorker>();
        return builder;
    }
}
