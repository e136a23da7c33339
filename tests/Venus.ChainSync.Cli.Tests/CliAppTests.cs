using Venus.ChainSync.Cli.Tests.TestSupport;

namespace Venus.ChainSync.Cli.Tests;

/// <summary>Usage and I/O errors: exit code 2 and exactly one <c>error:</c> line on stderr.</summary>
public sealed class CliAppTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Inspect_of_a_missing_file_exits_2_with_one_error_line()
    {
        CliRun run = await CliRunner.RunAsync("inspect", _temp.File("absent.car"));

        AssertUsageError(run);
    }

    [Fact]
    public async Task Inspect_of_a_file_that_is_not_a_car_exits_2_with_one_error_line()
    {
        string path = _temp.File("notes.txt");
        await File.WriteAllTextAsync(path, "this is not a CAR archive\n");

        CliRun run = await CliRunner.RunAsync("inspect", path, "--json");

        AssertUsageError(run);
    }

    [Fact]
    public async Task Inspect_of_an_empty_file_exits_2()
    {
        string path = _temp.File("empty.car");
        await File.WriteAllBytesAsync(path, []);

        AssertUsageError(await CliRunner.RunAsync("inspect", path));
    }

    [Fact]
    public async Task Inspect_of_a_car_truncated_inside_a_section_exits_2()
    {
        var chain = SyntheticChain.Build();
        string path = await chain.WriteAsync(_temp.File("chain.car"));
        byte[] bytes = await File.ReadAllBytesAsync(path);
        await File.WriteAllBytesAsync(path, bytes[..^5]);

        AssertUsageError(await CliRunner.RunAsync("inspect", path, "--json"));
    }

    [Fact]
    public async Task Inspect_of_a_directory_exits_2()
    {
        AssertUsageError(await CliRunner.RunAsync("inspect", _temp.Path));
    }

    [Fact]
    public async Task Unknown_option_exits_2_with_one_error_line()
    {
        AssertUsageError(await CliRunner.RunAsync("inspect", "x.car", "--bogus"));
    }

    [Fact]
    public async Task Unknown_network_exits_2_with_one_error_line()
    {
        AssertUsageError(await CliRunner.RunAsync("inspect", "x.car", "--network", "calibnet"));
    }

    [Fact]
    public async Task Inspect_without_a_file_exits_2()
    {
        AssertUsageError(await CliRunner.RunAsync("inspect"));
    }

    [Fact]
    public async Task No_subcommand_exits_2()
    {
        AssertUsageError(await CliRunner.RunAsync());
    }

    [Fact]
    public async Task Unknown_subcommand_exits_2()
    {
        AssertUsageError(await CliRunner.RunAsync("frobnicate"));
    }

    [Fact]
    public async Task Inspect_help_prints_usage_and_exits_0()
    {
        CliRun run = await CliRunner.RunAsync("inspect", "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--network", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("--json", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inspect_with_a_cancelled_token_exits_130_with_one_error_line()
    {
        var chain = SyntheticChain.Build();
        string path = await chain.WriteAsync(_temp.File("chain.car"));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        CliRun run = await CliRunner.RunAsync(cancelled.Token, "inspect", path, "--json");

        Assert.Equal(130, run.ExitCode);
        Assert.Equal(["error: cancelled"], run.ErrorLines);
        Assert.Empty(run.Stdout);
    }

    private static void AssertUsageError(CliRun run)
    {
        Assert.Equal(2, run.ExitCode);
        string line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
    }
}
