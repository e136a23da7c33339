using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Cli.Demo;

/// <summary>What the demo prints: the per-node table (live and final), plain progress lines, and the <c>--json</c> line.</summary>
internal static class DemoReport
{
    /// <summary>The per-node table: name, height, stage, peers, tipsets/s and the head (its first block, shortened).</summary>
    /// <param name="rows">The nodes.</param>
    /// <param name="rateTitle">The rate column's title: the live table shows the current rate, the summary the average.</param>
    public static Table Table(IReadOnlyList<NodeRow> rows, string rateTitle = "tipsets/s")
    {
        ArgumentNullException.ThrowIfNull(rows);
        var table = new Table()
            .AddColumn("node")
            .AddColumn(new TableColumn("height").RightAligned())
            .AddColumn("stage")
            .AddColumn(new TableColumn("peers").RightAligned())
            .AddColumn(new TableColumn(rateTitle).RightAligned())
            .AddColumn("head");
        foreach (NodeRow row in rows)
        {
            // Text, not markup: nothing here should be read as Spectre's [style] syntax.
            table.AddRow(new IRenderable[]
            {
                new Text(row.Name),
                new Text(row.Height.ToString(CultureInfo.InvariantCulture)),
                new Text(row.Stage),
                new Text(row.Peers.ToString(CultureInfo.InvariantCulture)),
                new Text(row.TipSetsPerSecond.ToString("0", CultureInfo.InvariantCulture)),
                new Text(ShortHead(row.Head)),
            });
        }

        return table;
    }

    /// <summary>Writes the final table and the result lines to <paramref name="stdout"/>, without colours or cursor moves unless it is a terminal.</summary>
    public static void WriteSummary(TextWriter stdout, IReadOnlyList<NodeRow> rows, DemoOutcome outcome, DemoSettings settings, TimeSpan chainBuilt)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(settings);
        IAnsiConsole console = ConsoleFor(stdout);
        console.Write(Table(rows, "avg tipsets/s"));
        // Plain writes, not the console's: it would wrap these at 80 columns when stdout is not a terminal.
        stdout.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{settings.Nodes} nodes, {settings.TipSets} tipsets of history (built in {chainBuilt.TotalSeconds:0.0}s), " +
            $"block time {Duration.Format(settings.BlockTime)}, {outcome.Produced} tipsets mined during the run"));
        stdout.WriteLine(outcome.Converged
            ? string.Create(CultureInfo.InvariantCulture, $"result: converged in {outcome.Elapsed.TotalSeconds:0.00}s, every head equal at {DemoSettings.EqualChecks} checks one block time apart")
            : string.Create(CultureInfo.InvariantCulture, $"result: FAILED after {outcome.Elapsed.TotalSeconds:0.00}s: {outcome.Failure}"));
    }

    /// <summary>One plain line for stderr when there is no live table: elapsed time and each node's height and stage.</summary>
    public static string ProgressLine(IReadOnlyList<NodeRow> rows, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(rows);
        IEnumerable<string> nodes = rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Name} {r.Height} {r.Stage} {r.TipSetsPerSecond:0}/s"));
        return string.Create(CultureInfo.InvariantCulture, $"[{elapsed.TotalSeconds,6:0.0}s] {string.Join(" | ", nodes)}");
    }

    /// <summary>
    /// The <c>--json</c> line: <c>{"converged":…,"nodes":[{"name":…,"head":[CIDs],"height":…,"stage":…}],"seconds":…,"mined":…}</c>,
    /// compact, with the relaxed encoder <c>inspect</c> uses.
    /// </summary>
    public static string JsonLine(IReadOnlyList<NodeRow> rows, DemoOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(outcome);
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteBoolean("converged", outcome.Converged);
            if (outcome.Failure is { } failure)
            {
                json.WriteString("error", failure);
            }

            json.WriteStartArray("nodes");
            foreach (NodeRow row in rows)
            {
                json.WriteStartObject();
                json.WriteString("name", row.Name);
                json.WriteStartArray("head");
                foreach (Cid cid in row.Head.Key.Cids)
                {
                    json.WriteStringValue(cid.ToString());
                }

                json.WriteEndArray();
                json.WriteNumber("height", row.Height);
                json.WriteString("stage", row.Stage);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteNumber("seconds", Math.Round(outcome.Elapsed.TotalSeconds, 3));
            json.WriteNumber("mined", outcome.Produced);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>A console over <paramref name="writer"/>: the terminal's own when it is the real, unredirected stdout, else plain text.</summary>
    public static IAnsiConsole ConsoleFor(TextWriter writer)
    {
        bool terminal = ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected;
        return terminal
            ? AnsiConsole.Console
            : AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No,
                Out = new AnsiConsoleOutput(writer),
            });
    }

    /// <summary>The head's first block CID shortened to its ends, and how many more blocks it has.</summary>
    private static string ShortHead(TipSet head)
    {
        string first = head.Key.Cids[0].ToString();
        string shortened = first.Length > 20 ? $"{first[..10]}…{first[^8..]}" : first;
        int more = head.Key.Cids.Length - 1;
        return more == 0 ? shortened : string.Create(CultureInfo.InvariantCulture, $"{shortened} +{more}");
    }
}
