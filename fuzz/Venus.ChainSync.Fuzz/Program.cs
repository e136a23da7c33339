using Venus.ChainSync.Fuzz.Harness;
using Venus.ChainSync.Fuzz.Seeds;
using Venus.ChainSync.Fuzz.Targets;

namespace Venus.ChainSync.Fuzz;

/// <summary>
/// <code>
/// Venus.ChainSync.Fuzz list                            the targets, their budgets and what they cover
/// Venus.ChainSync.Fuzz &lt;target&gt;                        run under afl-fuzz (input on stdin, SharpFuzz's out-of-process fork server)
/// Venus.ChainSync.Fuzz &lt;target&gt; --replay &lt;path&gt;...    run the target over files or folders, one line per input; exit 1 if any fails
/// Venus.ChainSync.Fuzz seeds [--vectors DIR] [--out DIR]  write the generated seed corpus (defaults: ../shared/vectors, fuzz/corpus-generated)
/// </code>
/// </summary>
internal static class Program
{
    private const int Usage = 2;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0)
        {
            return PrintUsage();
        }

        if (args[0] == "list")
        {
            foreach (FuzzTarget target in TargetCatalog.All)
            {
                Console.WriteLine($"{target.Name,-18} {target.Budget,-24} {target.Covers}");
            }

            return 0;
        }

        if (args[0] == "seeds")
        {
            TraceMap.EnsureLocal();
            return await SeedCommand.RunAsync(Option(args, "--vectors") ?? "../shared/vectors", Option(args, "--out") ?? "fuzz/corpus-generated", Console.Out);
        }

        if (TargetCatalog.Find(args[0]) is not { } chosen)
        {
            Console.Error.WriteLine($"unknown target '{args[0]}'; 'list' prints them");
            return Usage;
        }

        if (args.Length >= 3 && args[1] == "--replay")
        {
            TraceMap.EnsureLocal();
            return Replay.Run(chosen, args[2..], Console.Out);
        }

        if (args.Length != 1)
        {
            return PrintUsage();
        }

        // Everything runs on this thread, which AllocationMeter's count depends on.
        SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            chosen.Run(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
        });
        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private static int PrintUsage()
    {
        Console.Error.WriteLine("usage: Venus.ChainSync.Fuzz list | <target> [--replay <file-or-dir>...] | seeds [--vectors DIR] [--out DIR]");
        return Usage;
    }
}
