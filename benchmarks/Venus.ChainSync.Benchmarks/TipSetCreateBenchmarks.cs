using BenchmarkDotNet.Attributes;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Benchmarks;

/// <summary>
/// <see cref="TipSet.Create(IEnumerable{BlockHeader})"/> on blocks in reverse canonical order: the 5 blocks a
/// mainnet tipset expects and the 32 that <see cref="TipSet.MaxBlocks"/> allows. Block CIDs are computed in setup, so
/// only ordering and checks are measured.
/// </summary>
[MemoryDiagnoser]
public class TipSetCreateBenchmarks
{
    private BlockHeader[] _blocks = [];

    [Params(5, 32)]
    public int Width { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Cid root = Cid.ComputeDagCbor("state"u8);
        Cid messages = MessageRoot.Compute([], []).Cid;
        TipSetKey parents = TipSetKey.Create(Cid.ComputeDagCbor("parent"u8));
        BlockHeader[] blocks = [.. Enumerable.Range(0, Width).Select(i => BlockHeader.Create(
            Address.NewId(1000 + (ulong)i), parents, 10, root, root, messages, ticket: new Ticket(BitConverter.GetBytes(i * 7919))))];
        _blocks = [.. TipSet.Create(blocks).Blocks.Reverse()];
    }

    [Benchmark(Description = "TipSet.Create, reverse order")]
    public TipSet Create() => TipSet.Create(_blocks);
}
