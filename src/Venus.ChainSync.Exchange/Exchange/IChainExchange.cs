using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Exchange;

/// <summary>
/// Fetches chain segments from peers with <c>/fil/chain/xchg/0.0.1</c>. Everything returned has been validated: tipsets
/// are well formed and linked, messages hash to their headers' message roots. A misbehaving peer is never an
/// exception here; only <see cref="ExchangeFailedException"/> ("no peer could answer") is.
/// </summary>
public interface IChainExchange
{
    /// <summary>
    /// Fetches <paramref name="count"/> tipsets (headers only) walking back from <paramref name="head"/>, head first.
    /// Returns fewer only when the chain reaches genesis.
    /// </summary>
    /// <exception cref="ExchangeFailedException">No peer could supply them.</exception>
    Task<IReadOnlyList<TipSet>> GetBlocksAsync(TipSetKey head, int count, CancellationToken cancellationToken);

    /// <summary>
    /// Fetches the messages of <paramref name="tipsets"/> (a linked segment, head first) and returns them as full
    /// tipsets in the same order, each block's messages checked against its header's message root.
    /// </summary>
    /// <exception cref="ExchangeFailedException">No peer could supply them.</exception>
    Task<IReadOnlyList<FullTipSet>> GetChainMessagesAsync(IReadOnlyList<TipSet> tipsets, CancellationToken cancellationToken);

    /// <summary>Fetches one full tipset (headers and messages), asking only <paramref name="peers"/>, in order.</summary>
    /// <exception cref="ExchangeFailedException">None of them could supply it.</exception>
    Task<FullTipSet> GetFullTipSetAsync(IReadOnlyList<PeerId> peers, TipSetKey key, CancellationToken cancellationToken);

    /// <summary>Makes a peer a candidate for requests.</summary>
    void AddPeer(PeerId peer);

    /// <summary>Stops asking a peer.</summary>
    void RemovePeer(PeerId peer);
}

/// <summary>Every peer asked failed; <see cref="PeerFailures"/> says how each one did.</summary>
public sealed class ExchangeFailedException : Exception
{
    /// <summary>Creates the exception with the reason of each peer asked.</summary>
    public ExchangeFailedException(string message, IReadOnlyList<KeyValuePair<PeerId, string>> peerFailures)
        : base(Describe(message, peerFailures)) => PeerFailures = peerFailures;

    /// <summary>Creates the exception.</summary>
    public ExchangeFailedException()
        : this("no peer could answer", [])
    {
    }

    /// <summary>Creates the exception.</summary>
    public ExchangeFailedException(string message)
        : this(message, [])
    {
    }

    /// <summary>Creates the exception.</summary>
    public ExchangeFailedException(string message, Exception innerException)
        : base(message, innerException) => PeerFailures = [];

    /// <summary>Each peer asked, with why it failed, in the order they were asked.</summary>
    public IReadOnlyList<KeyValuePair<PeerId, string>> PeerFailures { get; }

    private static string Describe(string message, IReadOnlyList<KeyValuePair<PeerId, string>> failures) =>
        failures.Count == 0 ? message : $"{message}: " + string.Join("; ", failures.Select(f => $"{f.Key}: {f.Value}"));
}
