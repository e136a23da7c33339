using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Amt;
using Venus.ChainSync.Primitives.Cbor;
using Venus.ChainSync.Primitives.Storage;

namespace Venus.ChainSync.Testing;

/// <summary>
/// An <see cref="IChainStore"/> in memory: headers, messages and message metas live in an <see cref="IBlockstore"/>
/// in their chain encoding (as <see cref="ChainBuilder"/> writes them, so a builder's store can back it); the head,
/// the checkpoint and the executed states live in this object.
/// </summary>
/// <remarks>
/// <para>Genesis and its state are known from construction without touching the blockstore; genesis's messages are
/// read from the blockstore like any other tipset's, so <see cref="GetFullTipSetAsync"/> finds them only when they
/// are there (a builder's store has them).</para>
/// <para>Reads decode the stored bytes every time; a block missing anywhere (a header, a message meta, an AMT node, a
/// message) makes the read answer <c>null</c>, never throw. It does not check what the engine promises (that a new
/// head is heavier, that a state is the executor's); tests assert that on the engine's calls.</para>
/// <para>Thread-safe: the blockstore must be (as <see cref="MemoryBlockstore"/> is), and the rest sits behind one lock.</para>
/// </remarks>
public sealed class InMemoryChainStore : IChainStore
{
    private readonly Lock _lock = new();
    private readonly TipSet _genesis;
    private readonly Dictionary<TipSetKey, TipSetState> _states = [];
    private TipSet _head;
    private TipSetKey? _checkpoint;

    /// <summary>Creates a store whose genesis and head is <paramref name="genesis"/>, which produced <paramref name="genesisState"/>.</summary>
    /// <param name="genesis">The genesis tipset.</param>
    /// <param name="genesisState">Its state (for a builder's chain, <see cref="ChainBuilder.GenesisState"/>).</param>
    /// <param name="blockstore">Where headers and messages live (default: a new <see cref="MemoryBlockstore"/>).</param>
    public InMemoryChainStore(TipSet genesis, TipSetState genesisState, IBlockstore? blockstore = null)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        _genesis = genesis;
        _head = genesis;
        _states.Add(genesis.Key, genesisState);
        Blockstore = blockstore ?? new MemoryBlockstore();
    }

    /// <summary>Where headers, messages and message metas are kept.</summary>
    public IBlockstore Blockstore { get; }

    /// <inheritdoc/>
    public ValueTask<TipSet> GetGenesisAsync(CancellationToken cancellationToken) => ValueTask.FromResult(_genesis);

    /// <inheritdoc/>
    public ValueTask<TipSet> GetHeadAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_head);
        }
    }

    /// <inheritdoc/>
    public ValueTask SetHeadAsync(TipSet head, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(head);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            _head = head;
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public async ValueTask<TipSet?> GetTipSetAsync(TipSetKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key == _genesis.Key)
        {
            return _genesis;
        }

        if (key.IsEmpty)
        {
            return null;
        }

        var headers = new BlockHeader[key.Cids.Length];
        for (int i = 0; i < headers.Length; i++)
        {
            ReadOnlyMemory<byte>? data = await Blockstore.GetAsync(key.Cids[i], cancellationToken).ConfigureAwait(false);
            if (data is null)
            {
                return null;
            }

            headers[i] = BlockHeader.Decode(data.Value);
        }

        return TipSet.Create(headers);
    }

    /// <inheritdoc/>
    public async ValueTask PutHeadersAsync(IReadOnlyList<BlockHeader> headers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(headers);
        foreach (BlockHeader header in headers)
        {
            await Blockstore.PutAsync(header.Cid, header.RawData, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask PutMessagesAsync(FullTipSet tipSet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tipSet);
        var blocks = new List<Block>();
        foreach (FullBlock block in tipSet.Blocks)
        {
            foreach (Message message in block.BlsMessages)
            {
                blocks.Add(new Block(message.Cid, message.RawData));
            }

            foreach (SignedMessage message in block.SecpkMessages)
            {
                blocks.Add(new Block(message.Cid, message.RawData));
            }

            // The message meta and both AMTs, node by node, exactly as the header's Messages root names them.
            MessageRoot.Compute(
                [.. block.BlsMessages.Select(m => m.Cid)],
                [.. block.SecpkMessages.Select(m => m.Cid)],
                node => blocks.Add(new Block(node.Cid, node.Data)));
        }

        await Blockstore.PutManyAsync(blocks, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<FullTipSet?> GetFullTipSetAsync(TipSetKey key, CancellationToken cancellationToken)
    {
        TipSet? tipSet = await GetTipSetAsync(key, cancellationToken).ConfigureAwait(false);
        if (tipSet is null)
        {
            return null;
        }

        var blocks = new FullBlock[tipSet.Blocks.Length];
        for (int i = 0; i < blocks.Length; i++)
        {
            FullBlock? block = await LoadBlockAsync(tipSet.Blocks[i], cancellationToken).ConfigureAwait(false);
            if (block is null)
            {
                return null;
            }

            blocks[i] = block;
        }

        return FullTipSet.Create(tipSet, blocks);
    }

    /// <inheritdoc/>
    public ValueTask<TipSetState?> GetStateAsync(TipSetKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_lock)
        {
            return ValueTask.FromResult<TipSetState?>(_states.TryGetValue(key, out TipSetState state) ? state : null);
        }
    }

    /// <inheritdoc/>
    public ValueTask SetStateAsync(TipSetKey key, TipSetState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            _states[key] = state;
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Records every tipset of <paramref name="chain"/> (oldest first) as executed, with the states
    /// <paramref name="builder"/> gives them, and makes the last the head: a node that already has that chain. Its
    /// headers and messages must be in <see cref="Blockstore"/> (they are when the store shares the builder's).
    /// </summary>
    public async ValueTask AdoptAsync(ChainBuilder builder, IReadOnlyList<TipSet> chain, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(chain);
        foreach (TipSet tipSet in chain)
        {
            await SetStateAsync(tipSet.Key, builder.StateOf(tipSet), cancellationToken).ConfigureAwait(false);
        }

        if (chain.Count > 0)
        {
            await SetHeadAsync(chain[^1], cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public ValueTask<TipSetKey?> GetCheckpointAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_checkpoint);
        }
    }

    /// <inheritdoc/>
    public ValueTask SetCheckpointAsync(TipSetKey checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            _checkpoint = checkpoint;
        }

        return ValueTask.CompletedTask;
    }

    private async ValueTask<FullBlock?> LoadBlockAsync(BlockHeader header, CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte>? metaData = await Blockstore.GetAsync(header.Messages, cancellationToken).ConfigureAwait(false);
        if (metaData is null)
        {
            return null;
        }

        MsgMeta meta = MsgMeta.Decode(metaData.Value);
        Cid[]? bls = await ReadCidsAsync(meta.BlsMessages, cancellationToken).ConfigureAwait(false);
        Cid[]? secp = await ReadCidsAsync(meta.SecpkMessages, cancellationToken).ConfigureAwait(false);
        if (bls is null || secp is null)
        {
            return null;
        }

        var blsMessages = new Message[bls.Length];
        for (int i = 0; i < bls.Length; i++)
        {
            ReadOnlyMemory<byte>? data = await Blockstore.GetAsync(bls[i], cancellationToken).ConfigureAwait(false);
            if (data is null)
            {
                return null;
            }

            blsMessages[i] = Message.Decode(data.Value);
        }

        var secpMessages = new SignedMessage[secp.Length];
        for (int i = 0; i < secp.Length; i++)
        {
            ReadOnlyMemory<byte>? data = await Blockstore.GetAsync(secp[i], cancellationToken).ConfigureAwait(false);
            if (data is null)
            {
                return null;
            }

            secpMessages[i] = SignedMessage.Decode(data.Value);
        }

        return new FullBlock(header, blsMessages, secpMessages);
    }

    /// <summary>The CIDs an AMT of message CIDs holds, in index order; <c>null</c> when a node is missing.</summary>
    private async ValueTask<Cid[]?> ReadCidsAsync(Cid root, CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte>? rootData = await Blockstore.GetAsync(root, cancellationToken).ConfigureAwait(false);
        if (rootData is null)
        {
            return null;
        }

        IReadOnlyList<AmtEntry> entries;
        try
        {
            entries = await AmtV0Root.Decode(rootData.Value)
                .CollectAsync(Blockstore.GetAsync, Exchange.ExchangeProtocol.BlockMessageLimit, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (KeyNotFoundException)
        {
            return null;
        }

        var cids = new Cid[entries.Count];
        for (int i = 0; i < cids.Length; i++)
        {
            var reader = new DagCborReader(entries[i].Value.Span);
            cids[i] = reader.ReadCid();
            reader.ExpectEnd();
        }

        return cids;
    }
}
