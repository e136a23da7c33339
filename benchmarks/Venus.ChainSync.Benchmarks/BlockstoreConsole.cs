using System.Diagnostics;
using System.Globalization;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Storage.RocksDb;

namespace Venus.ChainSync.Benchmarks;

/// <summary>
/// The block stores (<c>dotnet run -c Release -- blockstore [--blocks N]</c>): put (as batches of 1 000, as the engine
/// writes a segment), get and has of N header-sized blocks (700 B of random bytes, CIDs over them) with keys in
/// insertion order and in random order, has of absent keys, against <see cref="MemoryBlockstore"/> and
/// <see cref="RocksDbStore"/> with its default options, and the RocksDB directory's size afterwards.
/// </summary>
internal static class BlockstoreConsole
{
    private const int BlockSize = 700;
    private const int Batch = 1_000;

    public static async Task<int> RunAsync(string[] args)
    {
        int at = Array.IndexOf(args, "--blocks");
        int count = at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : 1_000_000;
        Console.WriteLine($"# Block stores: {count:N0} blocks of {BlockSize} B");
        Console.WriteLine();
        Block[] blocks = MakeBlocks(count, seed: 1);
        Cid[] absent = [.. MakeBlocks(Math.Min(count, 100_000), seed: 2).Select(b => b.Cid)];
        Console.WriteLine("| store | put (batches of 1 000) | get, in order | get, random | has, random | has, absent | size on disk |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        await MeasureAsync("memory", new MemoryBlockstore(), blocks, absent, null);
        string directory = Path.Combine(Path.GetTempPath(), "venus-bench-rocksdb-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using RocksDbStore store = RocksDbStore.Open(directory);
            await MeasureAsync("RocksDB (defaults)", store.Blocks, blocks, absent, directory);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        return 0;
    }

    private static async Task MeasureAsync(string name, IBlockstore store, Block[] blocks, Cid[] absent, string? directory)
    {
        double put = await TimeAsync(blocks.Length, async () =>
        {
            for (int i = 0; i < blocks.Length; i += Batch)
            {
                await store.PutManyAsync(new ArraySegment<Block>(blocks, i, Math.Min(Batch, blocks.Length - i)));
            }
        });
        double inOrder = await TimeAsync(blocks.Length, async () =>
        {
            foreach (Block block in blocks)
            {
                _ = await store.GetAsync(block.Cid) ?? throw new InvalidOperationException("a stored block is missing");
            }
        });
        Cid[] shuffled = [.. blocks.Select(b => b.Cid)];
        new Random(3).Shuffle(shuffled);
        double random = await TimeAsync(shuffled.Length, async () =>
        {
            foreach (Cid cid in shuffled)
            {
                _ = await store.GetAsync(cid) ?? throw new InvalidOperationException("a stored block is missing");
            }
        });
        double has = await TimeAsync(shuffled.Length, async () =>
        {
            foreach (Cid cid in shuffled)
            {
                if (!await store.HasAsync(cid))
                {
                    throw new InvalidOperationException("a stored block is missing");
                }
            }
        });
        double hasAbsent = await TimeAsync(absent.Length, async () =>
        {
            foreach (Cid cid in absent)
            {
                if (await store.HasAsync(cid))
                {
                    throw new InvalidOperationException("an absent block is present");
                }
            }
        });
        string size = directory is null ? "—" : $"{DirectorySize(directory) / 1048576.0:F0} MiB";
        Console.WriteLine($"| {name} | {Rate(put)} | {Rate(inOrder)} | {Rate(random)} | {Rate(has)} | {Rate(hasAbsent)} | {size} |");
    }

    private static string Rate(double perSecond) => $"{perSecond / 1000:F0} k/s";

    private static async Task<double> TimeAsync(int operations, Func<Task> work)
    {
        var stopwatch = Stopwatch.StartNew();
        await work();
        return operations / stopwatch.Elapsed.TotalSeconds;
    }

    private static Block[] MakeBlocks(int count, int seed)
    {
        var random = new Random(seed);
        var blocks = new Block[count];
        for (int i = 0; i < count; i++)
        {
            byte[] data = new byte[BlockSize];
            random.NextBytes(data);
            blocks[i] = new Block(Cid.ComputeDagCbor(data), data);
        }

        return blocks;
    }

    private static long DirectorySize(string directory) =>
        new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
}
