using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using Perfolizer.Horology;

namespace Venus.ChainSync.Benchmarks;

/// <summary>
/// Runs the benchmarks chosen on the command line, in BenchmarkDotNet's syntax (for example
/// <c>--filter '*Blake2b*'</c>), with a memory column on every table.
/// </summary>
/// <remarks>
/// The default job suits a 2-core shared VM: one launch, and many short iterations rather than a few long ones,
/// so that a noisy neighbour shows up as spread in the table instead of moving one long sample. <c>--quick</c>
/// swaps it for BenchmarkDotNet's ShortRun (3 warm-up and 3 measured iterations), to check that everything runs.
/// A <c>--job</c> given on the command line (for example <c>--job short</c>) replaces both.
/// <c>catchup</c> as the first argument runs the <see cref="CatchUpConsole"/> instead of BenchmarkDotNet, and
/// <c>gossip-flood</c> the <see cref="GossipFloodConsole"/>, <c>libp2p</c> the <see cref="Libp2pConsole"/>,
/// <c>libp2p-js</c> the <see cref="Libp2pJsConsole"/> (the same against the interop js-libp2p peer), and <c>gossip</c>
/// the <see cref="GossipConsole"/> (the gossipsub router on loopback), <c>blockstore</c> the <see cref="BlockstoreConsole"/>.
/// </remarks>
public static class Program
{
    private const string QuickOption = "--quick";

    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && string.Equals(args[0], "catchup", StringComparison.Ordinal))
        {
            return await CatchUpConsole.RunAsync(args[1..]);
        }

        if (args.Length > 0 && string.Equals(args[0], "libp2p", StringComparison.Ordinal))
        {
            return await Libp2pConsole.RunAsync(args[1..]);
        }

        if (args.Length > 0 && string.Equals(args[0], "libp2p-js", StringComparison.Ordinal))
        {
            return await Libp2pJsConsole.RunAsync(args[1..]);
        }

        if (args.Length > 0 && string.Equals(args[0], "gossip-flood", StringComparison.Ordinal))
        {
            return await GossipFloodConsole.RunAsync(args[1..]);
        }

        if (args.Length > 0 && string.Equals(args[0], "blockstore", StringComparison.Ordinal))
        {
            return await BlockstoreConsole.RunAsync(args[1..]);
        }

        if (args.Length > 0 && string.Equals(args[0], "gossip", StringComparison.Ordinal))
        {
            return await GossipConsole.RunAsync(args[1..]);
        }

        bool quick = args.Contains(QuickOption, StringComparer.Ordinal);
        string[] benchmarkArgs = args.Where(a => !string.Equals(a, QuickOption, StringComparison.Ordinal)).ToArray();
        bool jobOnCommandLine = benchmarkArgs.Any(a =>
            a is "--job" or "-j" || a.StartsWith("--job=", StringComparison.Ordinal));

        IConfig config = DefaultConfig.Instance.AddDiagnoser(MemoryDiagnoser.Default);
        if (!jobOnCommandLine)
        {
            Job job = quick
                ? Job.ShortRun
                : Job.Default
                    .WithLaunchCount(1)
                    .WithWarmupCount(4)
                    .WithIterationCount(12)
                    .WithIterationTime(TimeInterval.FromMilliseconds(250))
                    .WithId("VmJob");
            config = config.AddJob(job.AsDefault());
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(benchmarkArgs, config);
        return 0;
    }
}
