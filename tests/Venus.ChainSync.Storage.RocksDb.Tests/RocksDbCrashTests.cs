using System.Diagnostics;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Storage.RocksDb.CrashChild;
using Xunit.Abstractions;

namespace Venus.ChainSync.Storage.RocksDb.Tests;

/// <summary>
/// Crash safety (issue 13): a child process syncing into a RocksDB store is killed with SIGKILL at random points;
/// after each kill the store opens whole in this process, and a last child resumes from the stored head to the tip.
/// </summary>
/// <remarks>
/// The kill points come from one seed, printed at the start; put it in <see cref="ReplaySeed"/> to replay a run.
/// A kill point is a height the child's printed head reaches, and the child may execute a random number of tipsets
/// more, so the kill lands wherever the child is by the time this process has read that line: between writes, or inside the header, message, state or head writes of any step.
/// The bad-tipset cache is not checked: it lives in memory only (<see cref="BadTipSetCache"/> is not in the store),
/// so a restarted node starts with it empty.
/// </remarks>
public sealed class RocksDbCrashTests : IDisposable
{
    /// <summary>Set to a printed seed to replay that run; <c>null</c> draws a new one.</summary>
    private static readonly int? ReplaySeed = null;

    private const int Kills = 20;

    /// <summary>The most heights a child's head rises before it is killed (the least is none: killed while starting).</summary>
    private const int MostHeadsBeforeKill = 20;

    /// <summary>
    /// The most tipsets a child may execute beyond the kill point. It executes up to this many while this process
    /// reads its lines and kills it, so the kill lands anywhere in that stretch, or, once they are used, while it waits.
    /// </summary>
    private const int MostTipSetsPastKill = 20;

    /// <summary>Tipsets above genesis: more than the kills can reach, each at most a child's execution budget (plus one
    /// head move) past the last.</summary>
    private const int ChainLength = (Kills * (MostHeadsBeforeKill + MostTipSetsPastKill + 1)) + 100;

    /// <summary>What the children wrote on stderr, shown when one does not get where it should.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentQueue<string> ChildLog = new();

    private readonly TempDirectory _directory = new();
    private readonly ITestOutputHelper _output;

    public RocksDbCrashTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_sync_killed_at_random_points_leaves_a_whole_head_each_time_and_resumes_from_it_to_the_tip()
    {
        int seed = ReplaySeed ?? Random.Shared.Next();
        _output.WriteLine($"seed {seed} (set ReplaySeed to replay)");
        var random = new Random(seed);
        string path = _directory.Sub("store");
        CrashChain chain = CrashChain.Build(seed, ChainLength);
        var byHeight = chain.TipSets.Prepend(chain.Genesis).ToDictionary(t => t.Height);

        long stored = 0;
        var elapsed = Stopwatch.StartNew();
        for (int kill = 0; kill < Kills; kill++)
        {
            int headsBeforeKill = random.Next(0, MostHeadsBeforeKill + 1);
            int budget = headsBeforeKill + random.Next(0, MostTipSetsPastKill + 1);
            using Process child = StartChild(path, seed, budget);
            CancellationToken guard = TestGuard.Token(20);

            Assert.Equal(stored, await ReadStartAsync(child, guard));

            // Heights, not lines: a child whose reader fell behind prints the moves it missed as one line. Each
            // executed tipset lifts the head at least one height, so the budget always gets the head this far.
            long printed = stored;
            while (printed < stored + headsBeforeKill)
            {
                printed = await ReadHeadAsync(child, guard);
            }

            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync(guard);

            long head = await CheckStoreAsync(path, chain, byHeight);
            _output.WriteLine($"kill {kill + 1}: at {headsBeforeKill} heights up (last printed {printed}, {budget} executions allowed), stored head {head}, exit code {child.ExitCode}");

            // What the child was told was written is on disk, and the head never moves back.
            Assert.True(head >= printed, $"the stored head {head} is below the head {printed} the child printed");
            Assert.True(head >= stored, $"the stored head {head} is below the previous stored head {stored}");
            Assert.True(head < chain.Target.Height, $"kill {kill + 1} came after the sync had reached the tip; lengthen the chain");
            stored = head;
        }

        Assert.True(stored > 0, "no kill left anything above genesis");
        _output.WriteLine($"{Kills} kills in {elapsed.Elapsed.TotalSeconds:F1} s");
        using (Process last = StartChild(path, seed, budget: null))
        {
            CancellationToken guard = TestGuard.Token(20);
            Assert.Equal(stored, await ReadStartAsync(last, guard));

            // Resumed from the stored head: the first move goes above it, the last is the tip.
            long first = await ReadHeadAsync(last, guard);
            Assert.True(first > stored, $"the resumed node's first head {first} is not above the stored head {stored}");
            long done = await ReadUntilDoneAsync(last, guard);
            await last.WaitForExitAsync(guard);
            Assert.Equal(0, last.ExitCode);
            Assert.Equal(chain.Target.Height, done);
            _output.WriteLine($"resumed from {stored}: first head {first}, done at {done}");
        }

        Assert.Equal(chain.Target.Height, await CheckStoreAsync(path, chain, byHeight));
    }

    /// <summary>
    /// Opens the store and checks that its head is a tipset of <paramref name="chain"/> whose headers and messages are
    /// all stored, whose parent's state (and its own, if recorded) is the true one, and that the height index and the
    /// states below the head are those of the chain; returns the head's height. The store is closed on return.
    /// </summary>
    private static async Task<long> CheckStoreAsync(string path, CrashChain chain, Dictionary<long, TipSet> byHeight)
    {
        CancellationToken ct = TestGuard.Token();
        await using RocksDbStore store = RocksDbStore.Open(path);
        var chainStore = new ChainStore(store.Blocks, store.Metadata);
        Assert.Equal(chain.Genesis, await chainStore.GetGenesisAsync(ct));

        TipSet head = await chainStore.GetHeadAsync(ct);
        Assert.True(byHeight.TryGetValue(head.Height, out TipSet? expected), $"the head at {head.Height} is at a null round of the chain");
        Assert.Equal(expected.Key, head.Key);

        FullTipSet? full = await chainStore.GetFullTipSetAsync(head.Key, ct);
        Assert.NotNull(full);
        FullTipSet built = chain.Builder.GetFullTipSet(head);
        for (int b = 0; b < built.Blocks.Length; b++)
        {
            Assert.Equal(built.Blocks[b].BlsMessages.Select(m => m.Cid), full.Blocks[b].BlsMessages.Select(m => m.Cid));
            Assert.Equal(built.Blocks[b].SecpkMessages.Select(m => m.Cid), full.Blocks[b].SecpkMessages.Select(m => m.Cid));
        }

        // The head's own state may be recorded after it became the head (IChainStore); if it is, it is the true one.
        if (await chainStore.GetStateAsync(head.Key, ct) is { } headState)
        {
            Assert.Equal(chain.Builder.StateOf(head), headState);
        }

        // Below the head: every height names the chain's tipset (nothing at a null round), every tipset is stored
        // whole and has its true state; the parent of the head is among them, as SetHeadAsync requires.
        for (long h = 0; h < head.Height; h++)
        {
            TipSetKey? key = await store.Metadata.GetKeyAtHeightAsync(h, ct);
            if (!byHeight.TryGetValue(h, out TipSet? atHeight))
            {
                Assert.Null(key);
                continue;
            }

            Assert.Equal(atHeight.Key, key);
            Assert.NotNull(await chainStore.GetTipSetAsync(atHeight.Key, ct));
            Assert.Equal(chain.Builder.StateOf(atHeight), await chainStore.GetStateAsync(atHeight.Key, ct));
        }

        Assert.Equal(head.Key, await store.Metadata.GetKeyAtHeightAsync(head.Height, ct));
        Assert.Null(await store.Metadata.GetKeyAtHeightAsync(head.Height + 1, ct));
        return head.Height;
    }

    /// <summary>Starts the child on the store in <paramref name="path"/>; it executes at most <paramref name="budget"/> tipsets, then waits to be killed.</summary>
    private static Process StartChild(string path, int seed, int? budget)
    {
        string childDll = Path.Combine(AppContext.BaseDirectory, "Venus.ChainSync.Storage.RocksDb.CrashChild.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(childDll);
        start.ArgumentList.Add(path);
        start.ArgumentList.Add(seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add(ChainLength.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (budget is { } count)
        {
            start.ArgumentList.Add(count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        Process child = Process.Start(start) ?? throw new InvalidOperationException("the crash child did not start");

        // Read so a chatty child never blocks on a full pipe; what it says lands in the failure message.
        child.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                ChildLog.Enqueue(line);
            }
        };
        child.BeginErrorReadLine();
        return child;
    }

    private static async Task<long> ReadStartAsync(Process child, CancellationToken guard) => await ReadLineAsync(child, "start", guard);

    private static async Task<long> ReadHeadAsync(Process child, CancellationToken guard) => await ReadLineAsync(child, "head", guard);

    /// <summary>Reads head lines up to the <c>done</c> line; returns its height.</summary>
    private static async Task<long> ReadUntilDoneAsync(Process child, CancellationToken guard)
    {
        while (true)
        {
            (string word, long height) = await ReadAnyAsync(child, guard);
            if (word == "done")
            {
                return height;
            }

            Assert.Equal("head", word);
        }
    }

    private static async Task<long> ReadLineAsync(Process child, string expected, CancellationToken guard)
    {
        (string word, long height) = await ReadAnyAsync(child, guard);
        Assert.Equal(expected, word);
        return height;
    }

    private static async Task<(string Word, long Height)> ReadAnyAsync(Process child, CancellationToken guard)
    {
        string? line;
        try
        {
            line = await child.StandardOutput.ReadLineAsync(guard);
        }
        catch (OperationCanceledException e)
        {
            child.Kill(entireProcessTree: true);
            throw new TimeoutException($"the crash child printed nothing more; its log:\n{string.Join('\n', ChildLog.TakeLast(40))}", e);
        }

        if (line is null)
        {
            throw new InvalidOperationException($"the crash child ended early; its log:\n{string.Join('\n', ChildLog.TakeLast(40))}");
        }

        string[] parts = line.Split(' ');
        Assert.Equal(2, parts.Length);
        return (parts[0], long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
    }
}
