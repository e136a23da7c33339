using System.CommandLine;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Car;

namespace Venus.ChainSync.Cli.Inspect;

// Inside the namespace: the Venus.ChainSync.Network namespace (from the hosting references) would otherwise win the lookup.
using Network = Venus.ChainSync.Primitives.Network;

/// <summary>
/// <c>inspect &lt;file.car | file.car.zst&gt; [--json] [--network mainnet|testnet]</c>: loads a CAR, walks it as a
/// chain from its roots (<see cref="ChainWalker"/>) and reports every object reached.
/// </summary>
/// <remarks>
/// Exit codes: 0 when every reached object is sound, 1 when any failed, 2 when the file cannot be read as a CAR
/// (one <c>error: …</c> line on stderr), 130 when cancelled.
/// </remarks>
internal static class InspectCommand
{
    private const string Mainnet = "mainnet";
    private const string Testnet = "testnet";

    /// <summary>Builds the <c>inspect</c> subcommand.</summary>
    public static Command Create()
    {
        var file = new Argument<string>("file")
        {
            Description = "The CAR archive to inspect: a .car file, or a zstd-compressed .car.zst (recognised by content).",
        };
        var json = new Option<bool>("--json")
        {
            Description = "Print one JSON object per line and a closing summary line, instead of a table.",
        };
        var network = new Option<string>("--network")
        {
            Description = "Network letter for addresses: mainnet prints f…, testnet prints t….",
            DefaultValueFactory = _ => Mainnet,
        };
        network.AcceptOnlyFromAmong(Mainnet, Testnet);

        var command = new Command("inspect", "Walk a CAR archive as a chain from its roots and check every object reached.")
        {
            file,
            json,
            network,
        };
        command.SetAction((parsed, cancellationToken) => RunAsync(
            parsed.GetRequiredValue(file),
            parsed.GetValue(json),
            parsed.GetValue(network) == Testnet ? Network.Testnet : Network.Mainnet,
            parsed.InvocationConfiguration.Output,
            parsed.InvocationConfiguration.Error,
            cancellationToken));
        return command;
    }

    /// <summary>Runs the inspection once the command line is parsed.</summary>
    public static async Task<int> RunAsync(string path, bool json, Network network, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        try
        {
            CarContents car;
            try
            {
                car = await CarContents.LoadAsync(path, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is CarFormatException or IOException or UnauthorizedAccessException)
            {
                // FileNotFoundException and DirectoryNotFoundException are IOExceptions; all of these are
                // about the input, not about the objects in it.
                await ErrorLine.WriteAsync(stderr, $"{path}: {ex.Message}").ConfigureAwait(false);
                return ExitCodes.UsageOrIo;
            }

            WalkResult result = ChainWalker.Walk(car.Blocks, car.Roots, cancellationToken);
            if (json)
            {
                await JsonReport.WriteAsync(result, network, stdout, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await TableReport.WriteAsync(result, network, stdout, cancellationToken).ConfigureAwait(false);
            }

            return result.HasErrors ? ExitCodes.Failed : ExitCodes.Success;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await ErrorLine.WriteAsync(stderr, "cancelled").ConfigureAwait(false);
            return ExitCodes.Cancelled;
        }
    }
}
