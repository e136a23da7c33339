using Venus.ChainSync.Hello;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Hosting;

/// <summary>
/// The hello service's view of the chain, over the host's <see cref="IChainStore"/> and <see cref="IChainWeigher"/>:
/// our heaviest tipset and its weight, our genesis, and the store for greeted tipsets.
/// </summary>
/// <remarks>The genesis is read once by <see cref="LoadGenesisAsync"/>, before the hello service starts.</remarks>
internal sealed class StoreHelloChainSource(IChainStore store, IChainWeigher weigher) : IHelloChainSource
{
    private Cid? _genesis;

    /// <inheritdoc/>
    public Cid Genesis => _genesis ?? throw new InvalidOperationException("The genesis is read when the node starts.");

    /// <summary>Reads the genesis block's CID from the store.</summary>
    public async ValueTask LoadGenesisAsync(CancellationToken cancellationToken)
    {
        TipSet genesis = await store.GetGenesisAsync(cancellationToken).ConfigureAwait(false);
        _genesis = genesis.Blocks[0].Cid;
    }

    /// <inheritdoc/>
    public async ValueTask<HelloChainHead> GetHeaviestAsync(CancellationToken cancellationToken)
    {
        TipSet head = await store.GetHeadAsync(cancellationToken).ConfigureAwait(false);
        return new HelloChainHead(head.Key, head.Height, await weigher.WeightAsync(head, cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc/>
    public ValueTask<FullTipSet?> TryLoadFullTipSetAsync(TipSetKey key, CancellationToken cancellationToken) =>
        store.GetFullTipSetAsync(key, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask StoreFullTipSetAsync(FullTipSet tipSet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tipSet);
        await store.PutHeadersAsync(tipSet.TipSet.Blocks, cancellationToken).ConfigureAwait(false);
        await store.PutMessagesAsync(tipSet, cancellationToken).ConfigureAwait(false);
    }
}
