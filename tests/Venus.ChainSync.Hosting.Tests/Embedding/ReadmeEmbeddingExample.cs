using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Hosting.Tests.Embedding;

/// <summary>
/// The root README's "Embedding" example, compiled: the lines between the markers are the README's csharp block
/// (<see cref="ReadmeEmbeddingTests"/> checks they match), and the test runs them.
/// </summary>
internal static class ReadmeEmbeddingExample
{
    public const string StartMarker = "// <readme-embedding>";
    public const string EndMarker = "// </readme-embedding>";

    /// <summary>Runs the example with <paramref name="host"/> and <paramref name="store"/> as the node's ports, dialling <paramref name="bootstrap"/>.</summary>
    public static async Task<(HealthReport Report, IReadOnlyList<SyncStateEntry> Syncs)> RunAsync(
        string[] args, InMemoryNetwork network, InMemoryHost bootstrap, InMemoryHost host, InMemoryChainStore store, CancellationToken cancellationToken)
    {
        // <readme-embedding>
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddInMemoryPorts(host, store); // stand-ins for your libp2p host, chain store and executor
        builder.Services.AddChainSync(o =>
        {
            o.NetworkName = "calibrationnet";
            o.SyncedWithinEpochs = 5;
        });
        builder.Services.AddHealthChecks().AddChainSync(o => o.StalledAfter = TimeSpan.FromMinutes(10));

        using IHost app = builder.Build();
        await app.StartAsync(cancellationToken);
        network.Connect(bootstrap, host); // a libp2p host dials its bootstrap peers; hello starts the sync

        ISyncApi sync = app.Services.GetRequiredService<ISyncApi>();
        HealthCheckService health = app.Services.GetRequiredService<HealthCheckService>();
        HealthReport report = await health.CheckHealthAsync(cancellationToken);
        while (report.Status != HealthStatus.Healthy)
        {
            try
            {
                await foreach (IReadOnlyList<HeadChange> moves in sync.ChainNotify(cancellationToken))
                {
                    Console.WriteLine($"head {moves[^1].Kind} at height {moves[^1].TipSet.Height}");
                    if ((report = await health.CheckHealthAsync(cancellationToken)).Status == HealthStatus.Healthy)
                    {
                        break;
                    }
                }
            }
            catch (SlowSubscriberException)
            {
                // A fast catch-up outran this reader: subscribe again, from the head as it is now.
            }
        }

        IReadOnlyList<SyncStateEntry> syncs = sync.SyncState();
        foreach (SyncStateEntry entry in syncs)
        {
            Console.WriteLine($"sync {entry.WorkerId}: {entry.Stage} at {entry.Height} of {entry.Target.Height}");
        }

        await app.StopAsync(cancellationToken);
        // </readme-embedding>
        return (report, syncs);
    }
}
