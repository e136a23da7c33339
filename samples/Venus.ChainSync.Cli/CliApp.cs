using System.CommandLine;
using System.CommandLine.Invocation;
using Venus.ChainSync.Cli.Demo;
using Venus.ChainSync.Cli.Inspect;

namespace Venus.ChainSync.Cli;

/// <summary>
/// The <c>venus-chainsync</c> command line: a root command with one subcommand per job. Each subcommand lives in
/// its own folder and owns its options; this type only assembles them and maps parse errors to exit code 2.
/// </summary>
internal static class CliApp
{
    /// <summary>Builds the root command with every subcommand.</summary>
    public static RootCommand BuildRootCommand()
    {
        var root = new RootCommand("Filecoin chain-sync tools built on Venus.ChainSync.");
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(InspectCommand.Create());
        return root;
    }

    /// <summary>
    /// Parses <paramref name="args"/> and runs the chosen command, writing to <paramref name="stdout"/> and
    /// <paramref name="stderr"/> only (never to <see cref="Console"/>), so tests run it in-process.
    /// </summary>
    /// <returns>
    /// The exit code (see <see cref="ExitCodes"/>): a parse error is written to <paramref name="stderr"/> as one
    /// <c>error: …</c> line and gives <see cref="ExitCodes.UsageOrIo"/>.
    /// </returns>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);

        ParseResult parsed = BuildRootCommand().Parse(args);

        // System.CommandLine's own error action prints the errors and the help text and returns 1, which would
        // read as "an object failed". A parse error is a usage error: one line on stderr and exit code 2.
        // Help and version clear parse errors, so `inspect --help` still prints help.
        if (parsed.Action is ParseErrorAction)
        {
            await ErrorLine.WriteAsync(stderr, string.Join("; ", parsed.Errors.Select(e => e.Message))).ConfigureAwait(false);
            return ExitCodes.UsageOrIo;
        }

        var invocation = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            // Expected faults are mapped to exit codes by each command; anything else is a bug and should surface.
            EnableDefaultExceptionHandler = false,
            // The host (Program.cs) turns Ctrl+C into cancellation of the token given here.
            ProcessTerminationTimeout = null,
        };
        return await parsed.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
    }
}
