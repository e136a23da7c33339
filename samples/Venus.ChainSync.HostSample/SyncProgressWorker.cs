using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Venus.ChainSync.Hosting;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.HostSample;

/// <summary>
/// The app's own code: connects its node to the producer (which starts hello, and so the sync), then every
/// <see cref="SampleSettings.ReportInterval"/> logs the head, the sync's stage and the health check's status; with
/// <see cref="SampleSettings.ExitWhenSynced"/> it stops the host once the head is the producer's and the check says healthy.
/// </summary>
internal sealed class SyncProgressWorker(
    SampleSettings settings,
    SampleProducer producer,
    InMemoryHost host,
    IChainStore store,
    ISyncApi sync,
    HealthCheckService health,
    SampleOutcome outcome,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<SyncProgressWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The registration order started chain sync before this worker, so hello sees this connection.
        producer.Network.Connect(producer.Host, host);
        using var timer = new PeriodicTimer(settings.ReportInterval, time);
        do
        {
            if (await ReportAsync(stoppingToken).ConfigureAwait(false) && settings.ExitWhenSynced)
            {
                SampleLog.Stopping(logger);
                lifetime.StopApplication();
                return;
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>Logs one line of progress; true when the node has the producer's tip and is healthy.</summary>
    private async Task<bool> ReportAsync(CancellationToken cancellationToken)
    {
        TipSet head = await store.GetHeadAsync(cancellationToken).ConfigureAwait(false);
        TipSet tip = producer.Tip;
        HealthReport report = await health.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
        string stage = sync.SyncState() is [{ } latest, ..] ? latest.Stage.ToString() : "idle";
        outcome.Health = report.Status;
        SampleLog.Progress(logger, head.Height, tip.Height, stage, report.Status);
        if (head.Key != tip.Key || report.Status != HealthStatus.Healthy)
        {
            return false;
        }

        if (outcome.SyncedHead is null)
        {
            outcome.SyncedHead = head;
            SampleLog.Synced(logger, head.Height);
        }

        return true;
    }
}
