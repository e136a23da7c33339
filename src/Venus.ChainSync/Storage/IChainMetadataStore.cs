using Venus.ChainSync.Primitives;

namespace Venus.ChainSync;

/// <summary>
/// The small part of a chain store that is not blocks: the genesis, head and checkpoint keys, the height index of the
/// head's chain, and the state each known tipset produced. <see cref="ChainStore"/> keeps everything else (headers,
/// message metas, AMT nodes, messages) as blocks in the host's <see cref="Primitives.Storage.IBlockstore"/>.
/// </summary>
/// <remarks>
/// <para><b>Atomicity.</b> <see cref="WriteAsync"/> applies a whole batch or none of it, and a later read sees all of
/// it: a head never appears without the height entries and states written with it. <see cref="ChainStore"/> writes a
/// tipset's blocks before any batch that names it, so a store whose writes are applied in order (as one RocksDB
/// database's are) never names a tipset whose blocks it lacks.</para>
/// <para><b>Concurrency.</b> Reads may run concurrently with each other and with a write; writes come from one
/// <see cref="ChainStore"/>, which serialises head changes.</para>
/// <para>Returning <c>null</c> means "not recorded"; a storage fault is an exception.</para>
/// </remarks>
public interface IChainMetadataStore
{
    /// <summary>The key recorded for <paramref name="mark"/>, or null.</summary>
    ValueTask<TipSetKey?> GetMarkAsync(ChainMark mark, CancellationToken cancellationToken);

    /// <summary>The key the height index holds for <paramref name="height"/> (a tipset of the head's chain at exactly that height), or null.</summary>
    ValueTask<TipSetKey?> GetKeyAtHeightAsync(long height, CancellationToken cancellationToken);

    /// <summary>The state recorded for the tipset <paramref name="key"/>, or null.</summary>
    ValueTask<TipSetState?> GetStateAsync(TipSetKey key, CancellationToken cancellationToken);

    /// <summary>Applies every change of <paramref name="batch"/> atomically.</summary>
    ValueTask WriteAsync(ChainMetadataBatch batch, CancellationToken cancellationToken);
}

/// <summary>The tipsets a chain store names.</summary>
public enum ChainMark
{
    /// <summary>The genesis tipset.</summary>
    Genesis,

    /// <summary>The head.</summary>
    Head,

    /// <summary>The checkpoint the engine never forks away from.</summary>
    Checkpoint,
}
