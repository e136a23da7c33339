using Spectre.Console;

namespace Venus.ChainSync.Cli.Demo;

/// <summary>How the demo shows progress while it runs.</summary>
internal enum WatchMode
{
    /// <summary>Nothing (<c>--json</c>: stdout stays one line, stderr stays for errors).</summary>
    None,

    /// <summary>A Spectre.Console live table on the terminal, redrawn a few times a second.</summary>
    LiveTable,

    /// <summary>One plain line a second on stderr: for logs and CI, where redrawing makes noise.</summary>
    ProgressLines,
}

/// <summary>Samples the nodes and shows them until the run ends.</summary>
internal static class DemoWatch
{
    private static readonly TimeSpan LiveRefresh = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan ProgressRefresh = TimeSpan.FromSeconds(1);

    /// <summary>Shows progress in <paramref name="mode"/> until <paramref name="run"/> completes; does not observe its result.</summary>
    public static async Task WatchAsync(Task run, NodeSampler sampler, WatchMode mode, TextWriter stderr, TimeProvider time, long startedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentNullException.ThrowIfNull(stderr);
        switch (mode)
        {
            case WatchMode.LiveTable:
                // Cleared at the end: the summary prints the final table right after.
                await AnsiConsole.Live(DemoReport.Table(await sampler.SampleAsync(sinceFirst: false, cancellationToken).ConfigureAwait(false)))
                    .AutoClear(true)
                    .StartAsync(async context => await EveryAsync(run, LiveRefresh, time, async () =>
                    {
                        context.UpdateTarget(DemoReport.Table(await sampler.SampleAsync(sinceFirst: false, cancellationToken).ConfigureAwait(false)));
                        context.Refresh();
                    }, cancellationToken).ConfigureAwait(false))
                    .ConfigureAwait(false);
                break;
            case WatchMode.ProgressLines:
                await EveryAsync(run, ProgressRefresh, time, async () =>
                {
                    var rows = await sampler.SampleAsync(sinceFirst: false, cancellationToken).ConfigureAwait(false);
                    await stderr.WriteLineAsync(DemoReport.ProgressLine(rows, time.GetElapsedTime(startedAt))).ConfigureAwait(false);
                }, cancellationToken).ConfigureAwait(false);
                break;
            default:
                break;
        }
    }

    /// <summary>Calls <paramref name="show"/> every <paramref name="interval"/> until <paramref name="run"/> completes.</summary>
    private static async Task EveryAsync(Task run, TimeSpan interval, TimeProvider time, Func<Task> show, CancellationToken cancellationToken)
    {
        using var ticks = new PeriodicTimer(interval, time);
        while (!run.IsCompleted)
        {
            // Whichever first: the next refresh, or the run's end (so a short run is not held up by the refresh).
            await Task.WhenAny(run, ticks.WaitForNextTickAsync(cancellationToken).AsTask()).ConfigureAwait(false);

            // Cancelled: stop showing at once rather than spin on a cancelled wait until the run notices too.
            cancellationToken.ThrowIfCancellationRequested();
            if (!run.IsCompleted)
            {
                await show().ConfigureAwait(false);
            }
        }
    }
}
