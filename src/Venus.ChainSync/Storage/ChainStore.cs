using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;

namespace Venus.ChainSync;

/// <summary>
/// The engine's <see cref="IChainStore"/> over any <see cref="IBlockstore"/>: headers, message metas, the AMT nodes
/// of the message lists and the messages are blocks in the host's block store, in their chain encoding — exactly
/// what the exchange server and the gossip message loader read — and the genesis, head, checkpoint, height index and
/// tipset states live in an <see cref="IChainMetadataStore"/>.
/// </summary>
/// <remarks>
/// <para><b>Order of writes.</b> A tipset's blocks are put before any metadata names it, and a head change is one
/// metadata batch with the height-index entries of the new head's chain, so a store whose writes apply in order never
/// names a head whose headers are missing.</para>
/// <para><b>Reads</b> decode the stored bytes; a block missing anywhere (a header, a message meta, an AMT node, a
/// message) makes a read answer <c>null</c>. Bytes that do not decode are a storage fault and throw.</para>
/// <para>Before use the store needs its genesis: <see cref="InitializeAsync"/> records it in an empty store and checks
/// it against a store that has one. Thread-safe when both ports are.</para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Design",
    "CA1001:Types that own disposable fields should be disposable",
    Justification = "The only disposable field is a SemaphoreSlim whose wait handle is never asked for, so it holds nothing to dispose.")]
public sealed partial class ChainStore : IChainStore
{
    private readonly IChainMetadataStore _metadata;
    private readonly SemaphoreSlim _headGate = new(1, 1);
    private TipSet? _genesis;
    private TipSet? _head;

    /// <summary>Creates a store over <paramref name="blockstore"/> and <paramref name="metadata"/>.</summary>
    public ChainStore(IBlockstore blockstore, IChainMetadataStore metadata)
    {
        ArgumentNullException.ThrowIfNull(blockstore);
        ArgumentNullException.ThrowIfNull(metadata);
        Blockstore = blockstore;
        _metadata = metadata;
    }

    /// <summary>
    /// Creates a store over <paramref name="blockstore"/> and <paramref name="metadata"/> whose genesis is known to be
    /// <paramref name="genesis"/> (the metadata must record it already): the genesis is then answered without reading
    /// its headers, which the block store need not hold.
    /// </summary>
    public ChainStore(IBlockstore blockstore, IChainMetadataStore metadata, TipSet genesis)
        : this(blockstore, metadata)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        _genesis = genesis;
    }

    /// <summary>Where headers, message metas, AMT nodes and messages are kept.</summary>
    public IBlockstore Blockstore { get; }

    /// <summary>
    /// Makes <paramref name="genesis"/> the store's genesis (and head) when it has none, with
    /// <paramref name="genesisState"/>; checks it when it has one. Its headers are stored either way.
    /// </summary>
    /// <exception cref="InvalidOperationException">The store holds another chain's genesis.</exception>
    public async ValueTask InitializeAsync(TipSet genesis, TipSetState genesisState, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        await PutHeadersAsync(genesis.Blocks, cancellationToken).ConfigureAwait(false);
        TipSetKey? recorded = await _metadata.GetMarkAsync(ChainMark.Genesis, cancellationToken).ConfigureAwait(false);
        if (recorded is not null && recorded != genesis.Key)
        {
            throw new InvalidOperationException($"The chain store holds the chain of genesis {recorded}, not {genesis.Key}.");
        }

        if (recorded is null)
        {
            var batch = new ChainMetadataBatch()
                .SetMark(ChainMark.Genesis, genesis.Key)
                .SetMark(ChainMark.Head, genesis.Key)
                .SetHeight(genesis.Height, genesis.Key)
                .SetState(genesis.Key, genesisState);
            await _metadata.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
        }

        _genesis = genesis;
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The store has no genesis yet (see <see cref="InitializeAsync"/>).</exception>
    public async ValueTask<TipSet> GetGenesisAsync(CancellationToken cancellationToken) =>
        _genesis ??= await LoadMarkAsync(ChainMark.Genesis, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The store has no genesis yet (see <see cref="InitializeAsync"/>).</exception>
    public async ValueTask<TipSet> GetHeadAsync(CancellationToken cancellationToken) =>
        Volatile.Read(ref _head) ?? await LoadHeadAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    /// <remarks>
    /// One metadata batch: the head, and the height index of its chain from where the index already agrees up to it
    /// (entries above a lower new head are cleared). Head changes are serialised.
    /// </remarks>
    public async ValueTask SetHeadAsync(TipSet head, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(head);
        await _headGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            TipSet previous = await GetHeadAsync(cancellationToken).ConfigureAwait(false);
            var batch = new ChainMetadataBatch().SetMark(ChainMark.Head, head.Key);
            if (previous.Height > head.Height)
            {
                batch.ClearAbove(head.Height);
            }

            await IndexChainAsync(head, previous, batch, cancellationToken).ConfigureAwait(false);
            await _metadata.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _head, head);
        }
        finally
        {
            _headGate.Release();
        }
    }

    /// <inheritdoc/>
    public async ValueTask<TipSet?> GetTipSetAsync(TipSetKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.IsEmpty)
        {
            return null;
        }

        if (_genesis is { } genesis && key == genesis.Key)
        {
            return genesis;
        }

        var headers = new BlockHeader[key.Cids.Length];
        for (int i = 0; i < headers.Length; i++)
        {
            if (await Blockstore.GetAsync(key.Cids[i], cancellationToken).ConfigureAwait(false) is not { } data)
            {
                return null;
            }

            headers[i] = BlockHeader.Decode(data);
        }

        return TipSet.Create(headers);
    }

    /// <summary>
    /// The tipset of the head's chain at <paramref name="height"/>, or — when that height is a null round — the
    /// nearest below it (as Lotus's <c>ChainGetTipSetByHeight</c>); null above the head or below genesis.
    /// </summary>
    public async ValueTask<TipSet?> GetTipSetByHeightAsync(long height, CancellationToken cancellationToken = default)
    {
        TipSet head = await GetHeadAsync(cancellationToken).ConfigureAwait(false);
        if (height > head.Height || height < 0)
        {
            return null;
        }

        for (long h = height; h >= 0; h--)
        {
            if (await _metadata.GetKeyAtHeightAsync(h, cancellationToken).ConfigureAwait(false) is { } key)
            {
                return await GetTipSetAsync(key, cancellationToken).ConfigureAwait(false);
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public async ValueTask PutHeadersAsync(IReadOnlyList<BlockHeader> headers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(headers);
        await Blockstore.PutManyAsync(headers.Select(h => new Block(h.Cid, h.RawData)), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public ValueTask<TipSetState?> GetStateAsync(TipSetKey key, CancellationToken cancellationToken) =>
        _metadata.GetStateAsync(key, cancellationToken);

    /// <inheritdoc/>
    public ValueTask SetStateAsync(TipSetKey key, TipSetState state, CancellationToken cancellationToken) =>
        _metadata.WriteAsync(new ChainMetadataBatch().SetState(key, state), cancellationToken);

    /// <inheritdoc/>
    public ValueTask<TipSetKey?> GetCheckpointAsync(CancellationToken cancellationToken) =>
        _metadata.GetMarkAsync(ChainMark.Checkpoint, cancellationToken);

    /// <inheritdoc/>
    public ValueTask SetCheckpointAsync(TipSetKey checkpoint, CancellationToken cancellationToken) =>
        _metadata.WriteAsync(new ChainMetadataBatch().SetMark(ChainMark.Checkpoint, checkpoint), cancellationToken);

    private async ValueTask<TipSet> LoadHeadAsync(CancellationToken cancellationToken)
    {
        TipSet head = await LoadMarkAsync(ChainMark.Head, cancellationToken).ConfigureAwait(false);
        Interlocked.CompareExchange(ref _head, head, null);
        return Volatile.Read(ref _head)!;
    }

    private async ValueTask<TipSet> LoadMarkAsync(ChainMark mark, CancellationToken cancellationToken)
    {
        TipSetKey key = await _metadata.GetMarkAsync(mark, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The chain store has no genesis yet: call ChainStore.InitializeAsync first.");
        return await GetTipSetAsync(key, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The chain store names {key} as its {mark.ToString().ToLowerInvariant()}, but the block store lacks its headers.");
    }

    /// <summary>
    /// Adds to <paramref name="batch"/> the height-index entries from <paramref name="head"/> down to the first tipset
    /// the index already holds at its height (the fork point, or the previous head), walking parents through the store;
    /// heights the new chain skips (null rounds) lose the old chain's entries.
    /// </summary>
    /// <remarks>
    /// The common move extends the previous head: the index holds nothing above the previous head, so once a tipset's
    /// parent is the previous head the walk ends there without loading (decoding) that parent from the store.
    /// </remarks>
    private async ValueTask IndexChainAsync(TipSet head, TipSet previous, ChainMetadataBatch batch, CancellationToken cancellationToken)
    {
        TipSet cursor = head;
        TipSet? above = null;
        while (true)
        {
            for (long h = cursor.Height + 1; above is not null && h < above.Height; h++)
            {
                if (await _metadata.GetKeyAtHeightAsync(h, cancellationToken).ConfigureAwait(false) is not null)
                {
                    batch.RemoveHeight(h);
                }
            }

            if (await _metadata.GetKeyAtHeightAsync(cursor.Height, cancellationToken).ConfigureAwait(false) == cursor.Key || cursor.Height == 0)
            {
                return;
            }

            batch.SetHeight(cursor.Height, cursor.Key);
            if (cursor.Parents == previous.Key)
            {
                return;
            }

            above = cursor;
            cursor = await GetTipSetAsync(cursor.Parents, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The new head's chain is not all stored: the parents of {above.Key} at height {above.Height} are missing.");
        }
    }
}
