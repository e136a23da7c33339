using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;

namespace Venus.ChainSync.Interop.Tests.Chain;

/// <summary>
/// A <see cref="MemoryBlockstore"/> that also remembers every distinct block in the order it was first put, so
/// that a built chain can be written out whole, in a reproducible order (MemoryBlockstore cannot be listed).
/// </summary>
internal sealed class RecordingBlockstore : IBlockstore
{
    private readonly MemoryBlockstore _inner = new();
    private readonly List<Block> _order = [];
    private readonly HashSet<Cid> _seen = [];

    public IReadOnlyList<Block> Blocks => _order;

    public ValueTask<ReadOnlyMemory<byte>?> GetAsync(Cid cid, CancellationToken cancellationToken = default) => _inner.GetAsync(cid, cancellationToken);

    public ValueTask<bool> HasAsync(Cid cid, CancellationToken cancellationToken = default) => _inner.HasAsync(cid, cancellationToken);

    public ValueTask PutAsync(Cid cid, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        Record(new Block(cid, data));
        return _inner.PutAsync(cid, data, cancellationToken);
    }

    public ValueTask PutManyAsync(IEnumerable<Block> blocks, CancellationToken cancellationToken = default)
    {
        Block[] all = [.. blocks];
        foreach (Block block in all)
        {
            Record(block);
        }

        return _inner.PutManyAsync(all, cancellationToken);
    }

    private void Record(Block block)
    {
        if (_seen.Add(block.Cid))
        {
            // Copied: the builder may reuse its buffers once the put returns.
            _order.Add(new Block(block.Cid, block.Data.ToArray()));
        }
    }
}
