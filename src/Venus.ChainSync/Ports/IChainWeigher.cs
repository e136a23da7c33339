using System.Numerics;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync;

/// <summary>The host's fork-choice weight (Filecoin's power-based weight in a real node).</summary>
/// <remarks>
/// <para><b>What the engine guarantees.</b> It asks only about tipsets whose parent state is known to the host.</para>
/// <para><b>What it expects.</b> A deterministic weight: the same tipset always weighs the same.</para>
/// </remarks>
public interface IChainWeigher
{
    /// <summary>The weight of <paramref name="tipSet"/>.</summary>
    ValueTask<BigInteger> WeightAsync(TipSet tipSet, CancellationToken cancellationToken);
}
