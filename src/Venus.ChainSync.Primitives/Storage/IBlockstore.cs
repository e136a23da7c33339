namespace Venus.ChainSync.Primitives.Storage;

/// <summary>
/// Raw blocks by CID: the host port the sync engine reads chain objects from and writes fetched ones to.
/// </summary>
/// <remarks>
/// <para>
/// <b>Who reads it.</b> The exchange server answers peers from it, the gossip intake loads gossiped blocks' messages
/// from it, and the engine's <c>ChainStore</c> keeps every header, message meta, AMT node and message in it: one block
/// store is shared by all of them.
/// </para>
/// <para>
/// <b>Integrity is the caller's job.</b> A store trusts that the bytes put under a CID hash to it; it never hashes
/// them. Callers check bytes from outside first (<see cref="Block.Verify"/>, or a
/// <see cref="Car.CarReaderOptions.VerifyHashes"/> reader); the exchange client checks everything it fetches.
/// </para>
/// <para>
/// <b>Memory.</b> A put copies the bytes (or writes them out) before its task completes, so the caller may reuse
/// its buffer at once. Memory returned by <see cref="GetAsync"/> belongs to the store, stays valid and unchanged for
/// as long as the caller holds it, and must not be written through.
/// </para>
/// <para>
/// <b>Idempotence.</b> Content addressing means one CID names one byte sequence, so putting a CID that is already
/// present changes nothing. Implementations must be safe for concurrent use. Every method observes
/// cancellation; a cancelled <see cref="PutManyAsync"/> may have stored some of its blocks.
/// </para>
/// </remarks>
public interface IBlockstore
{
    /// <summary>Gets the bytes stored under <paramref name="cid"/>, or <see langword="null"/> when there are none.</summary>
    ValueTask<ReadOnlyMemory<byte>?> GetAsync(Cid cid, CancellationToken cancellationToken = default);

    /// <summary>Whether a block is stored under <paramref name="cid"/>.</summary>
    ValueTask<bool> HasAsync(Cid cid, CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="data"/> under <paramref name="cid"/>; a no-op when the CID is already present.</summary>
    ValueTask PutAsync(Cid cid, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>Stores every block of <paramref name="blocks"/>; blocks already present are skipped.</summary>
    ValueTask PutManyAsync(IEnumerable<Block> blocks, CancellationToken cancellationToken = default);
}
