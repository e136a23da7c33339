using System.Numerics;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Testing;

/// <summary>
/// A test fork-choice weight: a tipset weighs its parent weight plus a fixed amount per block, the rule
/// <see cref="ChainBuilder"/> builds parent weights with. Like Filecoin's weight it grows with the chain and favours
/// wider tipsets; unlike it, it ignores power.
/// </summary>
/// <remarks>Stateless and thread-safe; completes synchronously.</remarks>
public sealed class ParentWeightWeigher : IChainWeigher
{
    /// <summary>Weight per block by default: 10, <see cref="ChainBuilderOptions.WeightPerBlock"/>'s default.</summary>
    public const int DefaultWeightPerBlock = 10;

    /// <summary>Creates the weigher.</summary>
    /// <param name="weightPerBlock">Weight each block adds (at least 1); use the builder's <see cref="ChainBuilderOptions.WeightPerBlock"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="weightPerBlock"/> is less than 1.</exception>
    public ParentWeightWeigher(int weightPerBlock = DefaultWeightPerBlock)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(weightPerBlock, 1);
        WeightPerBlock = weightPerBlock;
    }

    /// <summary>Weight each block adds.</summary>
    public int WeightPerBlock { get; }

    /// <summary>The weight of <paramref name="tipSet"/>: its parent weight plus <see cref="WeightPerBlock"/> per block.</summary>
    public BigInteger Weight(TipSet tipSet)
    {
        ArgumentNullException.ThrowIfNull(tipSet);
        return tipSet.ParentWeight + ((BigInteger)WeightPerBlock * tipSet.Blocks.Length);
    }

    /// <inheritdoc/>
    public ValueTask<BigInteger> WeightAsync(TipSet tipSet, CancellationToken cancellationToken) => ValueTask.FromResult(Weight(tipSet));
}
