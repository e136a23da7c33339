using System.Numerics;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Hello;

/// <summary>
/// What <see cref="HelloService"/> needs from the node's chain: the head it announces, the genesis it checks
/// greetings against, and the tipsets it already has (a greeted one it lacks is fetched from the peer).
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

}

/// <summary>A head as announced in a greeting: the tipset key, its height and its chain weight.</summary>
/// <param name="Key">Key of the heaviest tipset.</param>
/// <param name="Height">Its epoch.</param>
/// <param name="Weight">Its chain weight.</param>
public readonly record struct HelloChainHead(TipSetKey Key, long Height, BigInteger Weight);

/// <summary>A head a peer greeted us with, with every block's messages (checked against their roots, as every <see cref="FullTipSet"/> is).</summary>
/// <param name="Head">The greeted tipset.</param>
/// <param name="Peer">The peer that greeted us.</param>
public sealed record GreetedHead(FullTipSet Head, Network.PeerId Peer);
