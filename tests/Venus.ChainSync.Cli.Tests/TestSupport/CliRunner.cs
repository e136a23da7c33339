using System.Text.Json;

namespace Venus.ChainSync.Cli.Tests.TestSupport;

/// <summary>Runs the command line in-process with captured output.</summary>
internal static class CliRunner
{
    /// <summary>A guard against a hang: nothing here should take more than a moment.</summary>
    public static CancellationToken Guard() => TestGuard.Token(120);

    public static async Task<CliRun> RunAsync(params string[] args) => await RunAsync(Guard(), args);

    public static async Task<CliRun> RunAsync(CancellationToken cancellationToken, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int exitCode = await CliApp.RunAsync(args, stdout, stderr, cancellationToken);
        return new CliRun(exitCode, stdout.ToString(), stderr.ToString());
    }
}

/// <summary>What one run printed and returned.</summary>
internal sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Stdout split into lines, without the final empty one.</summary>
    public IReadOnlyList<string> Lines => Stdout.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');

    /// <summary>Stderr split into lines, without the final empty one.</summary>
    public IReadOnlyList<string> ErrorLines => Stderr.Length == 0 ? [] : Stderr.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');

    /// <summary>Every stdout line parsed as JSON (each must parse).</summary>
    public IReadOnlyList<JsonElement> JsonLines() => [.. Lines.Select(line => JsonDocument.Parse(line).RootElement.Clone())];

    /// <summary>The object lines (all but the summary).</summary>
    public IReadOnlyList<JsonElement> Objects() => [.. JsonLines().Where(e => !e.TryGetProperty("summary", out _))];

    /// <summary>The <c>summary</c> object of the last line.</summary>
    public JsonElement Summary() => JsonLines()[^1].GetProperty("summary");

    /// <summary>The object line for <paramref name="cid"/>.</summary>
    public JsonElement ObjectFor(string cid) => Assert.Single(Objects(), e => e.GetProperty("cid").GetString() == cid);

    /// <summary>The object lines of <paramref name="kind"/>.</summary>
    public IReadOnlyList<JsonElement> OfKind(string kind) => [.. Objects().Where(e => e.GetProperty("kind").GetString() == kind)];
}
