using Venus.ChainSync.Primitives;

namespace Venus.ChainSync;

/// <summary>
/// Two blocks of one miner at one height are a consensus fault (double-fork mining), so no tipset may hold both: the
/// one check the target tracker (before merging neighbours) and the syncer (walking back) share.
/// </summary>
internal static class DoubleMining
{
    /// <summary>
    /// The later of the first two distinct blocks in <paramref name="blocks"/> that share a miner, or null. Tipsets hold
    /// a handful of blocks, so a pairwise check is cheaper than a set.
    /// </summary>
    public static BlockHeader? FindSecondBlock(IReadOnlyList<BlockHeader> blocks)
    {
        for (int n = 1; n < blocks.Count; n++)
        {
            for (int m = 0; m < n; m++)
            {
                if (blocks[m].Miner == blocks[n].Miner && blocks[m].Cid != blocks[n].Cid)
                {
                    return blocks[n];
                }
            }
        }

        return null;
    }
}
