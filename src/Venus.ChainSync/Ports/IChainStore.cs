using Venus.ChainSync.Primitives;

namespace Venus.ChainSync;

/// <summary>
/// The host's chain store: headers, messages, the head, the checkpoint and which tipsets have been executed.
/// </summary>
/// <remarks>
/// <para><b>Who reads what.</b> The engine reads and writes the chain only through this port, but the exchange server,
/// the gossip intake and <c>SyncSubmitBlock</c> read headers, message metas, AMT nodes and messages straight from the
/// host's <see cref="Primitives.Storage.IBlockstore"/> by CID. So an implementation must keep every header and message it
/// is given as a block in that same block store, in its exact bytes, with each block's <see cref="Primitives.MsgMeta"/>
/// and AMT nodes — or peers will be told it has nothing. <see cref="ChainStore"/> is that implementation over any
/// block store; a host needs its own only to keep the chain somewhere else as well.</para>
/// <para><b>What the engine guarantees.</b> It stores only headers that decoded strictly and belong to a chain it is
/// syncing (their validity may not be known yet: a stored header is not a valid header); it stores messages only
/// after they matched their block's message root; it calls <see cref="SetHeadAsync"/> only with a valid tipset — its
/// messages stored, its parent's state recorded and matching what its blocks claim — and only when it is heavier than
/// the current head (the head's own state may be recorded later); <see cref="SetStateAsync"/> only with the roots the
/// executor returned for that tipset, or, in <see cref="ExecutionMode.None"/>, the roots a valid child claims.</para>
/// <para><b>What it expects.</b> Every member is thread-safe and may be called concurrently. Reads reflect completed
/// writes. Returning <c>null</c> means "not known", never an error; a storage fault is an exception (which the engine
/// treats as a temporary failure, never as a bad block).</para>
/// </remarks>
public interface IChainStore
{
    /// <summary>The genesis tipset (known before sync starts).</summary>
    ValueTask<TipSet> GetGenesisAsync(CancellationToken cancellationToken);

    /// <summary>The current head: the heaviest valid tipset (its own state may not be recorded yet).</summary>
    ValueTask<TipSet> GetHeadAsync(CancellationToken cancellationToken);

    /// <summary>Makes <paramref name="head"/> the head.</summary>
    ValueTask SetHeadAsync(TipSet head, CancellationToken cancellationToken);

    /// <summary>The tipset with this key, if all its headers are stored.</summary>
    ValueTask<TipSet?> GetTipSetAsync(TipSetKey key, CancellationToken cancellationToken);

    /// <summary>Stores headers (idempotent; headers already stored are ignored).</summary>
    ValueTask PutHeadersAsync(IReadOnlyList<BlockHeader> headers, CancellationToken cancellationToken);

    /// <summary>Stores a tipset's messages and their message metas (idempotent).</summary>
    ValueTask PutMessagesAsync(FullTipSet tipSet, CancellationToken cancellationToken);

    /// <summary>The full tipset (headers and messages) with this key, if everything is stored.</summary>
    ValueTask<FullTipSet?> GetFullTipSetAsync(TipSetKey key, CancellationToken cancellationToken);

    /// <summary>The state the tipset produced, if known: executed, claimed by a valid child, or imported.</summary>
    ValueTask<TipSetState?> GetStateAsync(TipSetKey key, CancellationToken cancellationToken);

    /// <summary>Records the state the tipset produced.</summary>
    ValueTask SetStateAsync(TipSetKey key, TipSetState state, CancellationToken cancellationToken);

    /// <summary>The checkpoint, if one is set: the engine never forks away from it.</summary>
    ValueTask<TipSetKey?> GetCheckpointAsync(CancellationToken cancellationToken);

    /// <summary>Sets the checkpoint (the engine has made sure the head descends from it).</summary>
    ValueTask SetCheckpointAsync(TipSetKey checkpoint, CancellationToken cancellationToken);
}
