using Venus.ChainSync.Hello;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync;

/// <summary>
/// The hello service's view of the chain over the node's <see cref="IChainStore"/> and <see cref="IChainWeigher"/>:
/// the head and weight it announces, the genesis it checks greetings against, and where greeted tipsets are loaded
/// from. What the hosting layer gives <see cref="HelloService"/>, and what test clusters use.
/// </summary>
/// <remarks>
/// <para>The genesis is known at construction, or read from the store by <see cref="LoadGenesisAsync"/> before the
/// hello service starts (a host's DI container builds this object before anything may be awaited).</para>
/// <para>Thread-safe when the store and the weigher are.</para>
/// </remarks>
public sealed class ChainStoreHelloSource : IHelloChainSource
{
    private readonly IChainStore _store;
    private readonly IChainWeigher _weigher;
    private Cid? _genesis;

    /// <summary>Creates a source whose genesis is read later by <see cref="LoadGenesisAsync"/>.</summary>
    public ChainStoreHelloSource(IChainStore store, IChainWeigher weigher)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(weigher);
        _store = store;
        _weigher = weigher;
    }

    /// <summary>Creates a source for a chain whose genesis tipset is <paramref name="genesis"/>.</summary>
    public ChainStoreHelloSource(IChainStore store, IChainWeigher weigher, TipSet genesis)
        : this(store, weigher)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        _genesis = GenesisCid(genesis);
    }

    /// <summary>Whether the genesis is known (given at construction or loaded).</summary>
    public bool HasGenesis => _genesis is not null;

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The genesis was neither given nor loaded yet.</exception>
    public Cid Genesis => _genesis ?? throw new InvalidOperationException("Load the genesis (LoadGenesisAsync) before the hello service starts.");

    /// <summary>Reads the genesis from the store.</summary>
    public async ValueTask LoadGenesisAsync(CancellationToken cancellationToken) =>
        _genesis = GenesisCid(await _store.GetGenesisAsync(cancellationToken).ConfigureAwait(false));

    /// <inheritdoc/>
    public async ValueTask<HelloChainHead> GetHeaviestAsync(CancellationToken cancellationToken)
    {
        TipSet head = await _store.GetHeadAsync(cancellationToken).ConfigureAwait(false);
        return new HelloChainHead(head.Key, head.Height, await _weigher.WeightAsync(head, cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc/>
    public ValueTask<FullTipSet?> TryLoadFullTipSetAsync(TipSetKey key, CancellationToken cancellationToken) =>
        _store.GetFullTipSetAsync(key, cancellationToken);

    // Lotus and Venus greet with the CID of the genesis block (a genesis tipset has exactly one).
    private static Cid GenesisCid(TipSet genesis) => genesis.Blocks[0].Cid;
}
