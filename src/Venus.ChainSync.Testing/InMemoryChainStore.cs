using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;

namespace Venus.ChainSync.Testing;

/// <summary>
/// The engine's <see cref="ChainStore"/> in memory: headers, messages, message metas and AMT nodes in an
/// <see cref="IBlockstore"/> (a <see cref="MemoryBlockstore"/> unless one is given, such as the one a
/// <see cref="ChainBuilder"/> wrote a chain into), and head, checkpoint, height index and states in an
/// <see cref="InMemoryChainMetadataStore"/>. Nothing survives the process.
/// </summary>
/// <remarks>
/// <para>Genesis and its state are known from construction without touching the blockstore; genesis's messages are
/// read from the blockstore like any other tipset's, so <see cref="GetFullTipSetAsync"/> finds them only when they
/// are there (a builder's store has them).</para>
/// <para>Every read and write is <see cref="ChainStore"/>'s: this type adds the construction and
/// <see cref="AdoptAsync"/>. It does not check what the engine promises (that a new head is heavier, that a state is
/// the executor's); tests assert that on the engine's calls.</para>
/// </remarks>
public sealed class InMemoryChainStore : IChainStore
{
    private readonly ChainStore _store;

    /// <summary>Creates a store whose genesis and head is <paramref name="genesis"/>, which produced <paramref name="genesisState"/>.</summary>
    /// <param name="genesis">The genesis tipset.</param>
    /// <param name="genesisState">Its state (for a builder's chain, <see cref="ChainBuilder.GenesisState"/>).</param>
    /// <param name="blockstore">Where headers and messages live (default: a new <see cref="MemoryBlockstore"/>).</param>
    public InMemoryChainStore(TipSet genesis, TipSetState genesisState, IBlockstore? blockstore = null)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        Metadata = new InMemoryChainMetadataStore(genesis, genesisState);
        _store = new ChainStore(blockstore ?? new MemoryBlockstore(), Metadata, genesis);
    }

    /// <summary>Where headers, messages, message metas and AMT nodes are kept.</summary>
    public IBlockstore Blockstore => _store.Blockstore;

    /// <summary>Where head, checkpoint, height index and states are kept.</summary>
    public InMemoryChainMetadataStore Metadata { get; }

    /// <summary>The <see cref="ChainStore"/> this store is.</summary>
    public ChainStore Store => _store;

    /// <inheritdoc/>
    public ValueTask<TipSet> GetGenesisAsync(CancellationToken cancellationToken) => _store.GetGenesisAsync(cancellationToken);

    /// <inheritdoc/>
    public ValueTask<TipSet> GetHeadAsync(CancellationToken cancellationToken) => _store.GetHeadAsync(cancellationToken);

    /// <inheritdoc/>
    public ValueTask SetHeadAsync(TipSet head, CancellationToken cancellationToken) => _store.SetHeadAsync(head, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<TipSet?> GetTipSetAsync(TipSetKey key, CancellationToken cancellationToken) => _store.GetTipSetAsync(key, cancellationToken);

    /// <inheritdoc/>
    public ValueTask PutHeadersAsync(IReadOnlyList<BlockHeader> headers, CancellationToken cancellationToken) => _store.PutHeadersAsync(headers, cancellationToken);

    /// <inheritdoc/>
    public ValueTask PutMessagesAsync(FullTipSet tipSet, CancellationToken cancellationToken) => _store.PutMessagesAsync(tipSet, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<FullTipSet?> GetFullTipSetAsync(TipSetKey key, CancellationToken cancellationToken) => _store.GetFullTipSetAsync(key, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<TipSetState?> GetStateAsync(TipSetKey key, CancellationToken cancellationToken) => _store.GetStateAsync(key, cancellationToken);

    /// <inheritdoc/>
    public ValueTask SetStateAsync(TipSetKey key, TipSetState state, CancellationToken cancellationToken) => _store.SetStateAsync(key, state, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<TipSetKey?> GetCheckpointAsync(CancellationToken cancellationToken) => _store.GetCheckpointAsync(cancellationToken);

    /// <inheritdoc/>
    public ValueTask SetCheckpointAsync(TipSetKey checkpoint, CancellationToken cancellationToken) => _store.SetCheckpointAsync(checkpoint, cancellationToken);

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
}
