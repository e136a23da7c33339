using Microsoft.Extensions.Logging;
using Venus.ChainSync.Diagnostics;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Exchange;

/// <summary>
/// The <c>/fil/chain/xchg/0.0.1</c> client: asks peers for chain segments over <see cref="IStreamHost"/> streams, one
/// request per stream, and returns only what <see cref="ResponseValidator"/> accepted.
/// </summary>
/// <remarks>
/// <para>Per request it tries peers one at a time, best first as ranked by <see cref="Tracker"/>, and moves on to
/// the next peer on any failure, charging the failed peer its <see cref="PeerOutcome"/>. A peer whose identify
/// (<see cref="IStreamHost.GetPeerProtocols"/>) does not list the exchange protocol is skipped uncharged, as Lotus
/// skips it. A response is bounded in
/// size, time to first byte, read speed and total time (<see cref="ExchangeClientOptions"/>).</para>
/// <para>Counts above <see cref="ExchangeProtocol.MaxRequestLength"/> are split into several requests, and a
/// <see cref="ExchangeStatus.Partial"/> answer is followed by another request from where it stopped, so a call
/// returns everything asked for or ends at genesis.</para>
/// <para>Errors: a misbehaving peer is never an exception; <see cref="ExchangeFailedException"/> means every peer
/// asked failed for one of the requests, and lists why; cancellation of the caller's token surfaces as
/// <see cref="OperationCanceledException"/> and charges no peer. Thread-safe; calls may overlap.</para>
/// </remarks>
public sealed partial class ChainExchangeClient : IChainExchange
{
    private const string Direction = "outbound";

    private readonly IStreamHost _host;
    private readonly TimeProvider _time;
    private readonly ILogger<ChainExchangeClient> _logger;
    private readonly ExchangeMetrics? _metrics;
    private readonly ExchangeClientOptions _options;
    private readonly ReadLimits _readLimits;

    /// <summary>Creates a client; nothing is sent until a method is called.</summary>
    /// <param name="host">The libp2p host streams are opened on.</param>
    /// <param name="time">The clock every timeout and duration is taken from.</param>
    /// <param name="logger">Where events 3000–3099 go.</param>
    /// <param name="options">Limits; defaults when null. Copied: later changes do not apply.</param>
    /// <param name="metrics">Exchange instruments, or null for none.</param>
    /// <param name="random">Source of the peer shuffle; a fresh unseeded one when null. Seed it in tests.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public ChainExchangeClient(
        IStreamHost host,
        TimeProvider time,
        ILogger<ChainExchangeClient> logger,
        ExchangeClientOptions? options = null,
        ExchangeMetrics? metrics = null,
        Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _options = (options ?? new ExchangeClientOptions()).Clone();
        OptionsCheck.ThrowIfInvalid(_options.Validate(), nameof(options));
        _host = host;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _readLimits = _options.ToReadLimits();

        // The shuffle is only for spreading load, not security: a predictable order costs nothing.
        Tracker = new PeerTracker(random ?? new Random(), _options.ShufflePeersPrefix);
    }

    /// <summary>
    /// The ranking of candidate peers. Hosts may read it, or record outcomes they learn later (for example blocks
    /// from a peer that failed consensus validation).
    /// </summary>
    public PeerTracker Tracker { get; }

    /// <inheritdoc/>
    /// <remarks>Splits counts above 900 and continues after Partial answers; each request may go to another peer.
    /// Consecutive requests are checked to link (keys by construction, heights explicitly).</remarks>
    /// <exception cref="ArgumentException"><paramref name="head"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is less than 1.</exception>
    public async Task<IReadOnlyList<TipSet>> GetBlocksAsync(TipSetKey head, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(head);
        if (head.IsEmpty)
        {
            throw new ArgumentException("The head key is empty.", nameof(head));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var tipsets = new List<TipSet>(Math.Min(count, ExchangeProtocol.MaxRequestLength));
        TipSetKey next = head;
        PeerId previousPeer = default;
        while (tipsets.Count < count)
        {
            int length = Math.Min(count - tipsets.Count, ExchangeProtocol.MaxRequestLength);
            var request = new ExchangeRequest(next, (ulong)length, ExchangeOptions.Headers);
            (ValidatedSegment segment, PeerId peer) = await RequestAsync(request, null, null, cancellationToken).ConfigureAwait(false);

            // The new segment's head has the key the previous segment's last tipset names as parents, so the link
            // holds by key; the height may still not drop if the previous peer sent a header claiming a parent
            // above it. That peer is at fault, not this one.
            if (tipsets.Count > 0 && !tipsets[^1].IsChildOf(segment.TipSets[0]))
            {
                ClientLog.SegmentsDoNotLink(_logger, previousPeer, tipsets[^1].Height, next, segment.TipSets[0].Height);
                Tracker.RecordFailure(previousPeer, PeerOutcome.Invalid);
                string reason = $"{PeerOutcome.Invalid}: a tipset at height {tipsets[^1].Height} names a parent at height {segment.TipSets[0].Height}";
                throw new ExchangeFailedException("the chain segments received do not link", [new(previousPeer, reason)]);
            }

            tipsets.AddRange(segment.TipSets);
            if (segment.ReachesGenesis)
            {
                break;
            }

            if (segment.Count < length && tipsets.Count < count)
            {
                ClientLog.ContinuingAfterPartial(_logger, peer, segment.Count, segment.Last.Height);
            }

            next = segment.Last.Parents;
            previousPeer = peer;
        }

        return tipsets;
    }

    /// <inheritdoc/>
    /// <remarks>Splits segments longer than 900 and continues after Partial answers.</remarks>
    /// <exception cref="ArgumentException"><paramref name="tipsets"/> holds a null or is not a linked segment, head first.</exception>
    public async Task<IReadOnlyList<FullTipSet>> GetChainMessagesAsync(IReadOnlyList<TipSet> tipsets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tipsets);
        for (int i = 0; i < tipsets.Count; i++)
        {
            if (tipsets[i] is null)
            {
                throw new ArgumentException($"Tipset {i} is null.", nameof(tipsets));
            }

            if (i > 0 && !tipsets[i - 1].IsChildOf(tipsets[i]))
            {
                throw new ArgumentException($"Tipset {i - 1} is not a child of tipset {i}: the segment must be linked, head first.", nameof(tipsets));
            }
        }

        var full = new List<FullTipSet>(tipsets.Count);
        int offset = 0;
        while (offset < tipsets.Count)
        {
            int length = Math.Min(tipsets.Count - offset, ExchangeProtocol.MaxRequestLength);
            var window = new TipSet[length];
            for (int i = 0; i < length; i++)
            {
                window[i] = tipsets[offset + i];
            }

            var request = new ExchangeRequest(window[0].Key, (ulong)length, ExchangeOptions.Messages);
            (ValidatedSegment segment, PeerId peer) = await RequestAsync(request, window, null, cancellationToken).ConfigureAwait(false);
            full.AddRange(segment.FullTipSets!);
            offset += segment.Count;
            if (segment.Count < length && offset < tipsets.Count)
            {
                ClientLog.ContinuingAfterPartial(_logger, peer, segment.Count, segment.Last.Height);
            }
        }

        return full;
    }

    /// <inheritdoc/>
    /// <remarks>Only <paramref name="peers"/> are asked, in the order given (duplicates once), whether or not the
    /// tracker knows them; outcomes are recorded for those it does.</remarks>
    /// <exception cref="ArgumentException"><paramref name="peers"/> is empty or <paramref name="key"/> is empty.</exception>
    public async Task<FullTipSet> GetFullTipSetAsync(IReadOnlyList<PeerId> peers, TipSetKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(peers);
        ArgumentNullException.ThrowIfNull(key);
        if (peers.Count == 0)
        {
            throw new ArgumentException("No peers to ask.", nameof(peers));
        }

        if (key.IsEmpty)
        {
            throw new ArgumentException("The tipset key is empty.", nameof(key));
        }

        var request = new ExchangeRequest(key, 1, ExchangeOptions.Headers | ExchangeOptions.Messages);
        (ValidatedSegment segment, _) = await RequestAsync(request, null, [.. peers.Distinct()], cancellationToken).ConfigureAwait(false);
        return segment.FullTipSets![0];
    }

    /// <inheritdoc/>
    public void AddPeer(PeerId peer)
    {
        if (Tracker.Add(peer))
        {
            ClientLog.PeerAdded(_logger, peer);
        }
    }

    /// <inheritdoc/>
    public void RemovePeer(PeerId peer)
    {
        if (Tracker.Remove(peer))
        {
            ClientLog.PeerRemoved(_logger, peer);
        }
    }

    /// <summary>
    /// Sends one request to each peer in turn (the given ones, or the tracker's order) until one answers validly.
    /// </summary>
    private async Task<(ValidatedSegment Segment, PeerId Peer)> RequestAsync(
        ExchangeRequest request,
        IReadOnlyList<TipSet>? knownTipSets,
        IReadOnlyList<PeerId>? onlyPeers,
        CancellationToken cancellationToken)
    {
        IReadOnlyList<PeerId> peers = onlyPeers ?? Tracker.Ordered();
        byte[] encoded = request.Encode();
        var failures = new List<KeyValuePair<PeerId, string>>(peers.Count);
        foreach (PeerId peer in peers)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!_host.GetPeerProtocols(peer).Contains(ExchangeProtocol.Id))
            {
                // Lotus's client skips a peer whose identify does not list the exchange (not identified yet, or a
                // peer that only greets): it is not asked and not charged.
                ClientLog.PeerDoesNotSpeakExchange(_logger, peer, ExchangeProtocol.Id);
                failures.Add(new(peer, $"its identify does not list {ExchangeProtocol.Id}"));
                continue;
            }

            ResponseValidation result = await AttemptAsync(peer, request, encoded, knownTipSets, cancellationToken).ConfigureAwait(false);
            if (result.IsValid)
            {
                return (result.Segment, peer);
            }

            failures.Add(new(peer, $"{result.Outcome}: {result.Reason}"));
        }

        ClientLog.AllPeersFailed(_logger, request.Length, request.Head, peers.Count);
        throw new ExchangeFailedException(
            peers.Count == 0 ? "no peers to ask" : $"no peer could answer a request for {request.Length} tipsets",
            failures);
    }
}
