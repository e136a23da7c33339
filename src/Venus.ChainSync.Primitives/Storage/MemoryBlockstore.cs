using System.Collections.Concurrent;

namespace Venus.ChainSync.Primitives.Storage;

/// <summary>
/// An <see cref="IBlockstore"/> in memory: the shipped default, for tests, tools and small networks' genesis.
/// </summary>
/// <remarks>
/// Safe for concurrent use. Each put copies the bytes into an array the store owns and never changes, so
/// <see cref="GetAsync"/> hands out views of that array without copying. Nothing is ever evicted; the store
/// grows with what is put into it. Every call completes synchronously.
/// </remarks>
public sealed class MemoryBlockstore : IBlockstore
{
    private readonly ConcurrentDictionary<Cid, byte[]> _blocks = new();

    /// <summary>Number of blocks stored.</summary>
    public int Count => _blocks.Count;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="cid"/> is <c>default</c>.</exception>
    public ValueTask<ReadOnlyMemory<byte>?> GetAsync(Cid cid, CancellationToken cancellationToken = default)
    {
        RequireDefined(cid);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<ReadOnlyMemory<byte>?>(cancellationToken);
        }

        // Spelled out: `found ? bytes : null` would type as byte[] and turn a miss into empty memory, not null.
        ReadOnlyMemory<byte>? data = null;
        if (_blocks.TryGetValue(cid, out byte[]? bytes))
        {
            data = bytes;
        }

        return ValueTask.FromResult(data);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="cid"/> is <c>default</c>.</exception>
    public ValueTask<bool> HasAsync(Cid cid, CancellationToken cancellationToken = default)
    {
        RequireDefined(cid);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<bool>(cancellationToken);
        }

        return ValueTask.FromResult(_blocks.ContainsKey(cid));
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="cid"/> is <c>default</c>.</exception>
    public ValueTask PutAsync(Cid cid, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        RequireDefined(cid);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        Put(cid, data.Span);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">A block has a <c>default</c> CID; the blocks before it are stored.</exception>
    public ValueTask PutManyAsync(IEnumerable<Block> blocks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        foreach (Block block in blocks)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return ValueTask.FromCanceled(cancellationToken);
            }

            RequireDefined(block.Cid, nameof(blocks));
            Put(block.Cid, block.Data.Span);
        }

        return ValueTask.CompletedTask;
    }

    private void Put(Cid cid, ReadOnlySpan<byte> data)
    {
        // Checking first skips the copy for a block we already hold, the common case when syncing overlapping chains.
        if (!_blocks.ContainsKey(cid))
        {
            _blocks.TryAdd(cid, data.ToArray());
        }
    }

    private static void RequireDefined(Cid cid, string parameter = "cid")
    {
        if (!cid.IsDefined)
        {
            throw new ArgumentException("default(Cid) is not a CID.", parameter);
        }
    }
}
