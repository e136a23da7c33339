using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Hosting;

/// <summary>
/// Remembers which block each miner published at each height, to drop repeats and refuse a second block by one
/// miner at one height (double mining) before any work is spent on it. Bounded: beyond its capacity the oldest
/// entries are forgotten (a forgotten pair only costs the engine the work of refusing it later).
/// </summary>
/// <remarks>Thread-safe (one lock); O(1) per block.</remarks>
internal sealed class MinerEpochFilter(int capacity)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(Address Miner, long Height), Cid> _seen = new(Math.Min(capacity, 1024));
    private readonly Queue<(Address Miner, long Height)> _order = new();

    public enum Verdict
    {
        New,
        Duplicate,
        DoubleMining,
    }

    public Verdict See(BlockHeader header)
    {
        var key = (header.Miner, header.Height);
        lock (_gate)
        {
            if (_seen.TryGetValue(key, out Cid seen))
            {
                return seen == header.Cid ? Verdict.Duplicate : Verdict.DoubleMining;
            }

            if (_seen.Count >= capacity)
            {
                _seen.Remove(_order.Dequeue());
            }

            _seen.Add(key, header.Cid);
            _order.Enqueue(key);
            return Verdict.New;
        }
    }
}
