using Venus.ChainSync.Hello;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Testing;

/// <summary>
/// The glue between a node's <see cref="IChainStore"/> and its <see cref="HelloService"/>: the head and weight it
/// announces, the genesis it checks greetings against, and where greeted tipsets are loaded from and stored. What the
/// Hosting layer will provide for a real node; here it serves <see cref="SyncTestCluster"/>.
/// </summary>
/// <remarks>Thread-safe when the store and the weigher are.</remarks>
internal sealed class HelloChainStoreSource : IHelloChainSource
{
    private readonly IChainStore _store;
    private readonly IChainWeigher _weigher;

    public HelloChainStoreSource(IChainStore store, IChainWeigher weigher, TipSet genesis)
    {
        _store = store;
        _weigher = weigher;

        // Lotus and Venus greet with the CID of the genesis block (a genesis tipset has exactly one).
        Genesis = genesis.Blocks[0].Cid;
    }

    public Cid Genesis { get; }

    public async ValueTask<HelloChainHead> GetHeaviestAsync(CancellationToken cancellationToken)
    {
        TipSet head = await _store.GetHeadAsync(cancellationToken).ConfigureAwait(false);
        return new HelloChainHead(head.Key, head.Height, await _weigher.WeightAsync(head, cancellationToken).ConfigureAwait(false));
    }

    public ValueTask<FullTipSet?> TryLoadFullTipSetAsync(TipSetKey key, CancellationToken cancellationToken) =>
        _store.GetFullTipSetAsync(key, cancellationToken);

    public async ValueTask StoreFullTipSetAsync(FullTipSet tipSet, CancellationToken cancellationToken)
    {
        await _store.PutHeadersAsync(tipSet.TipSet.Blocks, cancellationToken).ConfigureAwait(false);
        await _store.PutMessagesAsync(tipSet, cancellationToken).ConfigureAwait(false);
    }
}
