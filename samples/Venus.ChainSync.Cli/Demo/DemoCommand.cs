using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace Venus.ChainSync.Cli.Demo;

/// <summary>
/// <c>demo [--nodes 3] [--tipsets 2000] [--block-time 200ms] [--timeout 120s] [--json]</c>: nodes built with
/// <c>AddChainSync</c> on one in-memory network; a producer with a generated chain keeps mining, the others catch
/// up from genesis by hello and the exchange, then follow gossip (see <see cref="DemoRun"/>).
/// </summary>
/// <remarks>
/// Exit codes: 0 when every head converged, 1 when they did not within the timeout (one <c>error: …</c> line on
/// stderr naming who lagged), 2 for usage errors, 130 when cancelled.
/// </remarks>
internal static class DemoCommand
{
    /// <summary>Most nodes one process runs; each is a full set of services and loops.</summary>
    public const int MaxNodes = 32;

    /// <summary>Most tipsets of history; the chain is built in memory before the nodes start.</summary>
    public const int MaxTipSets = 1_000_000;

    private static readonly TimeSpan MinBlockTime = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan MaxBlockTime = TimeSpan.FromMinutes(1);

    /// <summary>Builds the <c>demo</c> subcommand.</summary>
    public static Command Create()
    {
        // Ranges are checked in the parsers: a validator reading the value of an option whose parser failed throws.
        Option<int> nodes = IntOption("--nodes", $"Nodes in all, the producer included (2 to {MaxNodes}).", 3, 2, MaxNodes);
        Option<int> tipsets = IntOption("--tipsets", "Tipsets of history the producer starts with; the others catch up on them.", 2000, 0, MaxTipSets);
        Option<TimeSpan> blockTime = DurationOption("--block-time", "How often the producer mines a tipset (e.g. 200ms, 1s).", TimeSpan.FromMilliseconds(200), MinBlockTime, MaxBlockTime);
        Option<TimeSpan> timeout = DurationOption("--timeout", "How long the nodes get to converge before the demo fails.", TimeSpan.FromSeconds(120), MinBlockTime, TimeSpan.FromHours(24));
        var json = new Option<bool>("--json")
        {
            Description = "No table: the last stdout line is one JSON object with every node's head and height, and the seconds taken.",
        };

        var command = new Command("demo", "Run a producer and followers in one process and watch them sync over an in-memory network.")
        {
            nodes,
            tipsets,
            blockTime,
            timeout,
            json,
        };
        command.SetAction((parsed, cancellationToken) => RunAsync(
            new DemoSettings(parsed.GetValue(nodes), parsed.GetValue(tipsets), parsed.GetValue(blockTime), parsed.GetValue(timeout), parsed.GetValue(json)),
            parsed.InvocationConfiguration.Output,
            parsed.InvocationConfiguration.Error,
            cancellationToken));
        return command;
    }

    /// <summary>Runs the demo once the command line is parsed.</summary>
    public static async Task<int> RunAsync(DemoSettings settings, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        TimeProvider time = TimeProvider.System;
        try
        {
            long buildStarted = time.GetTimestamp();
            await using DemoCluster cluster = await DemoCluster.CreateAsync(settings.Nodes, settings.TipSets, cancellationToken).ConfigureAwait(false);
            TimeSpan built = time.GetElapsedTime(buildStarted);

            long started = time.GetTimestamp();
            await cluster.StartAsync(cancellationToken).ConfigureAwait(false);
            var sampler = new NodeSampler(cluster, time);

            // The first sample marks where each node started, for the summary's average rate.
            await sampler.SampleAsync(sinceFirst: false, cancellationToken).ConfigureAwait(false);
            Task<DemoOutcome> run = DemoRun.RunAsync(cluster, settings, time, started, cancellationToken);
            try
            {
                await DemoWatch.WatchAsync(run, sampler, WatchModeFor(settings, stdout), stderr, time, started, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                // The loop must be over before the cluster is disposed, whatever the display did.
                await ((Task)run).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            DemoOutcome outcome = await run.ConfigureAwait(false);
            IReadOnlyList<NodeRow> rows = await sampler.SampleAsync(sinceFirst: true, cancellationToken).ConfigureAwait(false);
            if (settings.Json)
            {
                await stdout.WriteLineAsync(DemoReport.JsonLine(rows, outcome)).ConfigureAwait(false);
            }
            else
            {
                DemoReport.WriteSummary(stdout, rows, outcome, settings, built);
            }

            await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (!outcome.Converged)
            {
                await ErrorLine.WriteAsync(stderr, outcome.Failure ?? "not converged").ConfigureAwait(false);
                return ExitCodes.Failed;
            }

            return ExitCodes.Success;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await ErrorLine.WriteAsync(stderr, "cancelled").ConfigureAwait(false);
            return ExitCodes.Cancelled;
        }
    }

    /// <summary>A live table only on a real terminal without <c>--json</c>; plain progress on stderr when redirected; nothing with <c>--json</c>.</summary>
    private static WatchMode WatchModeFor(DemoSettings settings, TextWriter stdout)
    {
        if (settings.Json)
        {
            return WatchMode.None;
        }

        bool terminal = ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        return terminal ? WatchMode.LiveTable : WatchMode.ProgressLines;
    }

    private static Option<TimeSpan> DurationOption(string name, string description, TimeSpan defaultValue, TimeSpan min, TimeSpan max) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (!Duration.TryParse(text, out TimeSpan value))
            {
                result.AddError($"{name}: '{text}' is not a duration (use e.g. 200ms, 1.5s, 2m).");
            }
            else if (value < min || value > max)
            {
                result.AddError($"{name} must be from {Duration.Format(min)} to {Duration.Format(max)}.");
            }

            return value;
        },
    };

    private static Option<int> IntOption(string name, string description, int defaultValue, int min, int max) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
            {
                result.AddError($"{name}: '{text}' is not a whole number.");
            }
            else if (value < min || value > max)
            {
                result.AddError($"{name} must be from {min} to {max}.");
            }

            return value;
        },
    };
}
