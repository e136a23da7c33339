using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Storage.RocksDb.CrashChild;

/// <summary>
/// The chain the crash child syncs, built the same way by the child and by the test that checks what it left on disk:
/// the same seed and length give byte-identical tipsets.
/// </summary>
public sealed class CrashChain
{
    private CrashChain(ChainBuilder builder, TipSet genesis, IReadOnlyList<TipSet> tipSets)
    {
        Builder = builder;
        Genesis = genesis;
        TipSets = tipSets;
    }

    /// <summary>The builder, whose store holds every block of the chain.</summary>
    public ChainBuilder Builder { get; }

    public TipSet Genesis { get; }

    /// <summary>The tipsets above genesis, oldest first.</summary>
    public IReadOnlyList<TipSet> TipSets { get; }

    public TipSet Target => TipSets[^1];

    /// <summary>The network name producer and follower share.</summary>
    public const string NetworkName = "crashnet";

    /// <summary>
    /// Builds <paramref name="length"/> tipsets on genesis from <paramref name="seed"/>: one to three blocks, one or two
    /// messages of each kind per block and a shared one every fourth tipset, a null round now and then.
    /// </summary>
    public static CrashChain Build(int seed, int length)
    {
        var builder = new ChainBuilder(new MemoryBlockstore(), seed);
        TipSet genesis = builder.Genesis();
        IReadOnlyList<TipSet> tipSets = builder.AddChain(genesis, length, i => new TipSetSpec(
            Blocks: 1 + (i % 3),
            BlsMessages: 1 + (i % 2),
            SecpMessages: 1,
            SharedMessages: i % 4 == 0 ? 1 : 0,
            NullRoundsBefore: i % 37 == 11 ? 1 : 0));
        return new CrashChain(builder, genesis, tipSets);
    }
}
