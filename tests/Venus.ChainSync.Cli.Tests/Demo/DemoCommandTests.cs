using System.Text.Json;
using Venus.ChainSync.Cli.Tests.TestSupport;

namespace Venus.ChainSync.Cli.Tests.Demo;

/// <summary>
/// The <c>demo</c> command run in-process with small numbers. The demo runs on the real clock (it is a program);
/// these tests wait only for it to return, and assert on what it printed, never on how long it took.
/// </summary>
public sealed class DemoCommandTests
{
    // Short block times keep the runs short; the demo's own timeout stays well under the runner's guard.
    private static readonly string[] Small = ["demo", "--nodes", "3", "--tipsets", "50", "--block-time", "50ms", "--timeout", "60s"];

    [Fact]
    public async Task Three_nodes_converge_and_the_json_line_shows_equal_heads_and_heights()
    {
        CliRun run = await CliRunner.RunAsync([.. Small, "--json"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.ErrorLines);
        JsonElement result = Assert.Single(run.JsonLines());
        Assert.True(result.GetProperty("converged").GetBoolean());
        Assert.True(result.GetProperty("seconds").GetDouble() > 0);
        JsonElement[] nodes = [.. result.GetProperty("nodes").EnumerateArray()];
        Assert.Equal(["producer", "node-1", "node-2"], nodes.Select(n => n.GetProperty("name").GetString()));
        string[][] heads = [.. nodes.Select(n => n.GetProperty("head").EnumerateArray().Select(c => c.GetString()!).ToArray())];
        Assert.All(heads, head => Assert.Equal(heads[0], head));
        Assert.NotEmpty(heads[0]);
        Assert.All(heads[0], cid => Assert.StartsWith("bafy", cid, StringComparison.Ordinal));
        long[] heights = [.. nodes.Select(n => n.GetProperty("height").GetInt64())];
        Assert.All(heights, height => Assert.Equal(heights[0], height));

        // 50 tipsets of history, none of them after a null round (one comes every 100), plus what was mined during the run.
        Assert.Equal(50 + result.GetProperty("mined").GetInt64(), heights[0]);
    }

    [Fact]
    public async Task Without_json_the_summary_table_goes_to_stdout_and_progress_lines_to_stderr()
    {
        CliRun run = await CliRunner.RunAsync("demo", "--nodes", "2", "--tipsets", "20", "--block-time", "50ms", "--timeout", "60s");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains(run.Lines, line => line.Contains("producer", StringComparison.Ordinal));
        Assert.Contains(run.Lines, line => line.Contains("node-1", StringComparison.Ordinal));
        Assert.StartsWith("result: converged", run.Lines[^1], StringComparison.Ordinal);

        // Redirected output gets no live table: stdout has no escape sequences, stderr only plain progress lines.
        Assert.DoesNotContain('\u001b', run.Stdout);
        Assert.All(run.ErrorLines, line => Assert.StartsWith("[", line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_timeout_shorter_than_the_checks_fails_with_exit_1_naming_the_lagging_nodes()
    {
        // Converging takes three checks 50 ms apart, so a 10 ms timeout always passes first.
        CliRun run = await CliRunner.RunAsync("demo", "--nodes", "3", "--tipsets", "50", "--block-time", "50ms", "--timeout", "10ms", "--json");

        Assert.Equal(1, run.ExitCode);
        string error = Assert.Single(run.ErrorLines);
        Assert.StartsWith("error: not converged within 10ms", error, StringComparison.Ordinal);
        Assert.Contains("producer at height", error, StringComparison.Ordinal);
        JsonElement result = run.JsonLines()[^1];
        Assert.False(result.GetProperty("converged").GetBoolean());
        Assert.Equal(3, result.GetProperty("nodes").GetArrayLength());
    }

    [Theory]
    [InlineData("--nodes", "0")]
    [InlineData("--nodes", "1")]
    [InlineData("--nodes", "33")]
    [InlineData("--nodes", "three")]
    [InlineData("--tipsets", "-1")]
    [InlineData("--block-time", "fast")]
    [InlineData("--block-time", "10")]
    [InlineData("--block-time", "0ms")]
    [InlineData("--block-time", "2m")]
    [InlineData("--timeout", "soon")]
    public async Task A_bad_option_value_exits_2_with_one_error_line(string option, string value)
    {
        CliRun run = await CliRunner.RunAsync("demo", option, value);

        Assert.Equal(2, run.ExitCode);
        string line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public async Task Demo_with_a_cancelled_token_exits_130_with_one_error_line()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        CliRun run = await CliRunner.RunAsync(cancelled.Token, [.. Small, "--json"]);

        Assert.Equal(130, run.ExitCode);
        Assert.Equal(["error: cancelled"], run.ErrorLines);
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public async Task Demo_help_lists_its_options_and_exits_0()
    {
        CliRun run = await CliRunner.RunAsync("demo", "--help");

        Assert.Equal(0, run.ExitCode);
        foreach (string option in new[] { "--nodes", "--tipsets", "--block-time", "--timeout", "--json" })
        {
            Assert.Contains(option, run.Stdout, StringComparison.Ordinal);
        }
    }
}
