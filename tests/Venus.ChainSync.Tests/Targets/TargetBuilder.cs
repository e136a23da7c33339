using System.Numerics;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Tests.Targets;

/// <summary>Blocks and heads for tracker tests: a block is named by its miner and a salt that tells apart two blocks of one miner.</summary>
internal static class TargetBuilder
{
    public static readonly TipSetKey Parents = TipSetKey.Create(Cid.ComputeDagCbor("parent"u8));
    public static readonly TipSetKey OtherParents = TipSetKey.Create(Cid.ComputeDagCbor("other parent"u8));
    private static readonly Cid Root = Cid.ComputeDagCbor("x"u8);

    public static BlockHeader Block(long miner, BigInteger weight, long height = 10, TipSetKey? parents = null, byte salt = 0) =>
        BlockHeader.Create(
            Address.NewId(miner),
            parents ?? Parents,
            height,
            Root,
            Root,
            Root,
            weight,
            new Ticket(new byte[] { (byte)miner, (byte)(miner >> 8), salt }));

    public static ChainInfo Info(params BlockHeader[] blocks) => new(TipSet.Create(blocks), "source", "sender");

    /// <summary>A one-block head of its own weight; distinct weights never merge.</summary>
    public static ChainInfo Head(BigInteger weight, long miner = 1) => Info(Block(miner, weight));

    public static TipSet Tip(params BlockHeader[] blocks) => TipSet.Create(blocks);
}
