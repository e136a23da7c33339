using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Car;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Interop.Tests.Chain;

/// <summary>
/// A chain built by <see cref="ChainBuilder"/> for the JS peer to serve: tipsets of 1 to 3 blocks, BLS and secp
/// messages (some shared by every block of a tipset), a few null rounds; written as a CAR v1 whose roots are the
/// head's block CIDs and which holds every block the builder stored (headers, TxMeta, AMT nodes, messages, and the
/// genesis parent), in the order they were built.
/// </summary>
/// <remarks>The same <c>tipSets</c> and <c>seed</c> give a byte-identical CAR.</remarks>
public sealed class ChainFixture
{
    private readonly RecordingBlockstore _store;

    private ChainFixture(RecordingBlockstore store, ChainBuilder builder, IReadOnlyList<TipSet> headFirst)
    {
        _store = store;
        Builder = builder;
        TipSets = headFirst;
    }

    /// <summary>The builder, for full tipsets (<see cref="ChainBuilder.GetFullTipSet(TipSet)"/>) and state.</summary>
    public ChainBuilder Builder { get; }

    /// <summary>Every tipset from the head down to genesis (head first, as an exchange response orders them).</summary>
    public IReadOnlyList<TipSet> TipSets { get; }

    public TipSet Head => TipSets[0];

    public TipSet Genesis => TipSets[^1];

    /// <summary>The head's weight by the builder's rule (<see cref="ChainBuilder.WeightOf"/>), as announced in hello.</summary>
    public BigInteger HeadWeight => Builder.WeightOf(Head);

    /// <summary>Builds genesis and <paramref name="tipSets"/> tipsets on it.</summary>
    public static ChainFixture Build(int tipSets = 50, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tipSets);
        var store = new RecordingBlockstore();
        var builder = new ChainBuilder(store, seed);
        TipSet genesis = builder.Genesis();
        IReadOnlyList<TipSet> built = builder.AddChain(genesis, tipSets, ShapeOf);
        return new ChainFixture(store, builder, [.. built.Reverse(), genesis]);
    }

    /// <summary>A varied but fixed shape: block counts cycle 1–3, messages 0–2 of each kind, a shared pair every fourth, a null round every seventh.</summary>
    private static TipSetSpec ShapeOf(int index) => new(
        Blocks: 1 + (index % 3),
        BlsMessages: index % 3,
        SecpMessages: (index + 1) % 3,
        SharedMessages: index % 4 == 3 ? 1 : 0,
        NullRoundsBefore: index % 7 == 6 ? 1 : 0);

    /// <summary>Writes the chain as a CAR v1 to <paramref name="path"/>.</summary>
    public async Task WriteCarAsync(string path, CancellationToken cancellationToken = default)
    {
        FileStream file = File.Create(path);
        await using (file.ConfigureAwait(false))
        {
            CarWriter car = await CarWriter.CreateAsync(file, Head.Key.Cids, leaveOpen: true, cancellationToken).ConfigureAwait(false);
            await using (car.ConfigureAwait(false))
            {
                foreach (Block block in _store.Blocks)
                {
                    await car.WriteBlockAsync(block, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>
    /// What the JS self-test checks the CAR against (fixtures/chain.json): head, height, weight, genesis, the genesis
    /// parent (stored, not a header), and per tipset (head first) its height, block CIDs and distinct message counts.
    /// </summary>
    public string DescribeAsJson()
    {
        var description = new
        {
            head = Head.Key.Cids.Select(c => c.ToString()),
            headHeight = Head.Height,
            weight = HeadWeight.ToString(CultureInfo.InvariantCulture),
            genesis = Genesis.Key.Cids[0].ToString(),
            genesisParent = Builder.GenesisParent.ToString(),
            tipsets = TipSets.Select(t =>
            {
                FullTipSet full = Builder.GetFullTipSet(t);
                return new
                {
                    height = t.Height,
                    cids = t.Key.Cids.Select(c => c.ToString()),
                    blsMessages = full.Blocks.SelectMany(b => b.BlsMessages).Select(m => m.Cid).Distinct().Count(),
                    secpkMessages = full.Blocks.SelectMany(b => b.SecpkMessages).Select(m => m.Cid).Distinct().Count(),
                };
            }),
        };
        return JsonSerializer.Serialize(description, JsonIndented) + "\n";
    }

    private static readonly JsonSerializerOptions JsonIndented = new() { WriteIndented = true };
}
