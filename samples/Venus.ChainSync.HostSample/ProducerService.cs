using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Venus.ChainSync.HostSample;

/// <summary>
/// Starts the producer before the app's node (it is registered first), and owns the mining loop: one tipset each
/// time the wall clock enters a new epoch, so the producer's tip stays at the clock's epoch and never runs ahead of
/// it (a block from the future would be refused).
/// </summary>
internal sealed class ProducerService(SampleProducer producer, TimeProvider time, ILogger<ProducerService> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task _mining = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await producer.StartAsync(cancellationToken).ConfigureAwait(false);
        SampleLog.ProducerStarted(logger, producer.HistoryLength, producer.Tip.Height);
        _mining = MineAsync(_stop.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _mining.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    public void Dispose() => _stop.Dispose();

    private async Task MineAsync(CancellationToken stop)
    {
        // A tick a second is enough to notice an epoch boundary; the epoch, not the tick, decides when to mine.
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
        {
            if (producer.EpochAt(time.GetUtcNow()) <= producer.Tip.Height)
            {
                continue;
            }

            if (await producer.MineAsync(stop).ConfigureAwait(false) is { } refused)
            {
                SampleLog.MiningRefused(logger, refused);
            }
            else
            {
                SampleLog.Mined(logger, producer.Tip.Height);
            }
        }
    }
}
