using System.Numerics;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Hello;

/// <summary>
/// What <see cref="HelloService"/> needs from the node's chain: the head it announces, the genesis it checks
/// greetings against, and a local store for the tipsets greeted to it.
/// </summary>
/// <remarks>
/// Implementations must be thread-safe: greetings from many peers are handled at once. A method that throws
/// anything but <see cref="OperationCanceledException"/> is treated as a local fault (logged at Error); it does
/// not stop the service.
/// </remarks>
public interface IHelloChainSource
{
    /// <summary>CID of this node's genesis block; greetings naming another genesis are refused.</summary>
    Cid Genesis { get; }

    /// <summary>This node's heaviest tipset as it is announced in our greeting.</summary>
    /// <remarks>
    /// Lotus announces the heaviest tipset's key, height and weight (<c>ChainStore.Weight</c> of it); the weight is
    /// the host's to compute, this library only copies it onto the wire.
    /// </remarks>
    ValueTask<HelloChainHead> GetHeaviestAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The full tipset (headers and every block's messages) under <paramref name="key"/> when this node has all of
    /// it, or <see langword="null"/> when any part is missing (the service then fetches it from the greeting peer).
    /// </summary>
    ValueTask<FullTipSet?> TryLoadFullTipSetAsync(TipSetKey key, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a full tipset fetched from a greeting peer (headers and messages), so the syncer finds it locally.
    /// </summary>
    /// <remarks>
    /// The exchange client has already checked that the tipset is well formed and that each block's messages
    /// hash to its header's message root; consensus validation has not happened yet (Venus stores hello tipsets
    /// the same way). Storing a tipset that is already present must be harmless.
    /// </remarks>
    ValueTask StoreFullTipSetAsync(FullTipSet tipSet, CancellationToken cancellationToken);
}

/// <summary>A head as announced in a greeting: the tipset key, its height and its chain weight.</summary>
/// <param name="Key">Key of the heaviest tipset.</param>
/// <param name="Height">Its epoch.</param>
/// <param name="Weight">Its chain weight.</param>
public readonly record struct HelloChainHead(TipSetKey Key, long Height, BigInteger Weight);
