using Venus.ChainSync.Network;

namespace Venus.ChainSync.Exchange;

/// <summary>How one exchange request to one peer ended, as the peer tracker scores it.</summary>
/// <remarks>
/// Each outcome has a severity (<see cref="PeerTracker.Severity"/>): 0 for <see cref="Success"/>, ¼ when the peer
/// did nothing wrong but could not help (<see cref="GoAway"/>, <see cref="NotFound"/>), ½ for faults that may be
/// the network's rather than the peer's (<see cref="Timeout"/>, <see cref="TooSlow"/>, <see cref="StreamError"/>,
/// <see cref="Unreachable"/>, <see cref="ErrorStatus"/>), and 1 for provable protocol violations
/// (<see cref="TooLarge"/>, <see cref="Malformed"/>, <see cref="Invalid"/>).
/// </remarks>
public enum PeerOutcome
{
    /// <summary>A valid answer to the request.</summary>
    Success,

    /// <summary>No stream could be opened to the peer, or it does not speak the protocol.</summary>
    Unreachable,

    /// <summary>The peer sent nothing in time, or the stream could not be opened or written in time.</summary>
    Timeout,

    /// <summary>The peer sent bytes slower than the minimum speed, or not all of them before the deadline.</summary>
    TooSlow,

    /// <summary>The response was larger than the size cap.</summary>
    TooLarge,

    /// <summary>The response bytes were not a well-formed response within the decoder's bounds.</summary>
    Malformed,

    /// <summary>A well-formed response that does not answer the request (wrong head, unlinked tipsets, bad messages…).</summary>
    Invalid,

    /// <summary>The peer answered an error status (internal error, bad request, or a code this library does not know).</summary>
    ErrorStatus,

    /// <summary>The peer is shedding load (status <see cref="ExchangeStatus.GoAway"/>).</summary>
    GoAway,

    /// <summary>The peer does not have the requested head (status <see cref="ExchangeStatus.NotFound"/>).</summary>
    NotFound,

    /// <summary>The stream was reset or failed while writing or reading.</summary>
    StreamError,
}

/// <summary>What the tracker knows about one peer (a copy; it does not change afterwards).</summary>
/// <param name="Peer">The peer.</param>
/// <param name="Cost">Expected cost, in seconds per tipset, of asking this peer (see <see cref="PeerTracker"/>); lower is better.</param>
/// <param name="TimePerTipSet">Moving average of the time per tipset of its successful answers; null before the first.</param>
/// <param name="FailureRate">Moving average of the severity of its outcomes, 0 (always fine) to 1 (always misbehaving).</param>
/// <param name="Successes">Successful answers so far.</param>
/// <param name="Failures">Failed requests so far.</param>
public readonly record struct PeerStats(PeerId Peer, double Cost, TimeSpan? TimePerTipSet, double FailureRate, long Successes, long Failures);

/// <summary>
/// Ranks the peers the exchange client may ask, from recorded outcomes. Pure and synchronous: no clock, no I/O;
/// callers measure durations and report them. Thread-safe (one lock; nothing live leaves it).
/// </summary>
/// <remarks>
/// <para><b>Cost model</b>, in expected seconds per tipset delivered:</para>
/// <code>
/// cost(p) = time(p) + failureRate(p) × FailureCostFactor × max(G, MinimumFailureCost)
/// </code>
/// <list type="bullet">
/// <item><c>time(p)</c> is a moving average of the peer's time per tipset over its successful answers. A peer
/// with no success yet is assumed <see cref="NewPeerMultiplier"/> (0.9, Lotus <c>newPeerMul</c>) times the global
/// average <c>G</c>, slightly better than average, so that new peers get tried.</item>
/// <item><c>failureRate(p)</c> is a moving average of the severity (<see cref="Severity"/>) of every outcome of the
/// peer, successes included as 0, so failures decay exponentially as the peer answers well again.</item>
/// <item><c>G</c> is the moving average of time per tipset over every successful answer of every peer.</item>
/// <item>A failure is priced at <see cref="FailureCostFactor"/> (10) times <c>G</c>: detecting it costs a timeout
/// or a wasted download, then the request starts again elsewhere. <see cref="MinimumFailureCost"/> keeps that
/// price above zero before any time has been measured, so failures still rank a peer down.</item>
/// </list>
/// <para>Moving averages are cumulative over the first N samples and exponential with weight 1/N after that
/// (N = 10 per peer and 25 globally, Lotus <c>localInvAlpha</c> and <c>globalInvAlpha</c>), so one early sample
/// does not dominate and old behaviour fades. Unlike Lotus, the failure rate decays (Lotus keeps a lifetime ratio)
/// and the global average is per tipset (Lotus times whole requests, failures included), so that the two terms of
/// the cost share a unit.</para>
/// <para><b>Order.</b> <see cref="Ordered"/> sorts by cost, then shuffles the leading peers whose cost is within
/// <see cref="ShuffleTolerance"/> times the best (at most the shuffle prefix, 16 by default, Lotus
/// <c>ShufflePeersPrefix</c>), so that load spreads over comparably good peers. Lotus shuffles the first 16
/// whatever their cost; this tracker never shuffles a penalised peer ahead of good ones.</para>
/// <para>Outcomes of peers not added (or already removed) are ignored.</para>
/// </remarks>
public sealed class PeerTracker
{
    /// <summary>How much better than the global average a peer with no success yet is assumed to be (Lotus <c>newPeerMul</c>).</summary>
    internal const double NewPeerMultiplier = 0.9;

    /// <summary>Weight 1/N of a new sample in a peer's moving averages (Lotus <c>localInvAlpha</c>).</summary>
    internal const int PeerWindow = 10;

    /// <summary>Weight 1/N of a new sample in the global moving average (Lotus <c>globalInvAlpha</c>).</summary>
    internal const int GlobalWindow = 25;

    /// <summary>A failure costs this many times the global average time per tipset.</summary>
    internal const double FailureCostFactor = 10;

    /// <summary>Floor under the global average when pricing failures, so that they count before anything was timed.</summary>
    internal static readonly TimeSpan MinimumFailureCost = TimeSpan.FromMilliseconds(1);

    /// <summary>Peers within this factor of the best cost count as equally good and are shuffled.</summary>
    internal const double ShuffleTolerance = 2;

    /// <summary>Default count of leading peers shuffled (Lotus <c>ShufflePeersPrefix</c>).</summary>
    internal const int DefaultShufflePrefix = 16;

    private readonly Lock _lock = new();
    private readonly Dictionary<PeerId, Entry> _peers = [];
    private readonly Random _random;
    private readonly int _shufflePrefix;
    private double _globalSeconds;
    private long _globalSamples;

    /// <summary>Creates an empty tracker.</summary>
    /// <param name="random">Source of the shuffle; used only under the tracker's lock. Seed it for deterministic tests.</param>
    /// <param name="shufflePrefix">Most leading peers shuffled (0 or 1 turns shuffling off).</param>
    internal PeerTracker(Random random, int shufflePrefix = DefaultShufflePrefix)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegative(shufflePrefix);
        _random = random;
        _shufflePrefix = shufflePrefix;
    }

    /// <summary>How many peers are tracked.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _peers.Count;
            }
        }
    }

    /// <summary>How much an outcome counts against a peer, from 0 (success) to 1 (protocol violation).</summary>
    internal static double Severity(PeerOutcome outcome) => outcome switch
    {
        PeerOutcome.Success => 0,

        // The peer behaved; it is busy or lacks the data. Try others first for a while, no more.
        PeerOutcome.GoAway or PeerOutcome.NotFound => 0.25,

        // Could be the network or an overloaded honest peer (Lotus servers answer InternalError when they miss a
        // tipset in the middle of a segment; Forest's timeouts "only lower the score").
        PeerOutcome.Timeout or PeerOutcome.TooSlow or PeerOutcome.StreamError or PeerOutcome.Unreachable or PeerOutcome.ErrorStatus => 0.5,

        // Bytes that no honest implementation sends.
        PeerOutcome.TooLarge or PeerOutcome.Malformed or PeerOutcome.Invalid => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Unknown outcome."),
    };

    /// <summary>Starts tracking a peer; returns false when it already was.</summary>
    internal bool Add(PeerId peer)
    {
        ThrowIfUndefined(peer);
        lock (_lock)
        {
            return _peers.TryAdd(peer, new Entry());
        }
    }

    /// <summary>Stops tracking a peer and forgets its history; returns false when it was not tracked.</summary>
    internal bool Remove(PeerId peer)
    {
        lock (_lock)
        {
            return _peers.Remove(peer);
        }
    }

    /// <summary>Whether the peer is tracked.</summary>
    public bool Contains(PeerId peer)
    {
        lock (_lock)
        {
            return _peers.ContainsKey(peer);
        }
    }

    /// <summary>Records a valid answer that took <paramref name="duration"/> and delivered <paramref name="tipsets"/> tipsets.</summary>
    /// <returns>False when the peer is not tracked (nothing recorded).</returns>
    internal bool RecordSuccess(PeerId peer, TimeSpan duration, int tipsets)
    {
        // A clock that went backwards or a zero-length answer must not poison the averages.
        double perTipSet = Math.Max(0, duration.TotalSeconds) / Math.Max(1, tipsets);
        lock (_lock)
        {
            if (!_peers.TryGetValue(peer, out Entry? entry))
            {
                return false;
            }

            entry.Successes++;
            entry.Seconds = Average(entry.Seconds, perTipSet, entry.Successes, PeerWindow);
            entry.FailureRate = Average(entry.FailureRate, 0, entry.Successes + entry.Failures, PeerWindow);
            _globalSamples++;
            _globalSeconds = Average(_globalSeconds, perTipSet, _globalSamples, GlobalWindow);
            return true;
        }
    }

    /// <summary>Records a failed request.</summary>
    /// <returns>False when the peer is not tracked (nothing recorded).</returns>
    /// <exception cref="ArgumentException"><paramref name="outcome"/> is <see cref="PeerOutcome.Success"/>.</exception>
    internal bool RecordFailure(PeerId peer, PeerOutcome outcome)
    {
        if (outcome == PeerOutcome.Success)
        {
            throw new ArgumentException("A success is recorded with RecordSuccess, with its duration.", nameof(outcome));
        }

        double severity = Severity(outcome);
        lock (_lock)
        {
            if (!_peers.TryGetValue(peer, out Entry? entry))
            {
                return false;
            }

            // Failures do not feed the time average: how long a timeout took says nothing about how fast the peer
            // serves, and it is already priced through the failure rate.
            entry.Failures++;
            entry.FailureRate = Average(entry.FailureRate, severity, entry.Successes + entry.Failures, PeerWindow);
            return true;
        }
    }

    /// <summary>The tracker's view of one peer, or null when it is not tracked.</summary>
    public PeerStats? GetStats(PeerId peer)
    {
        lock (_lock)
        {
            return _peers.TryGetValue(peer, out Entry? entry) ? Snapshot(peer, entry) : null;
        }
    }

    /// <summary>Every tracked peer by ascending cost (best first), without shuffling; ties in a stable but unspecified order.</summary>
    public IReadOnlyList<PeerId> Ranked()
    {
        lock (_lock)
        {
            return [.. SortedLocked().Select(s => s.Peer)];
        }
    }

    /// <summary>
    /// Every tracked peer best first, the leading ones of comparable cost shuffled (see the type's remarks). A new
    /// list each call.
    /// </summary>
    internal IReadOnlyList<PeerId> Ordered()
    {
        lock (_lock)
        {
            PeerStats[] sorted = SortedLocked();
            int prefix = 0;
            if (sorted.Length > 0)
            {
                double limit = sorted[0].Cost * ShuffleTolerance;
                while (prefix < sorted.Length && prefix < _shufflePrefix && sorted[prefix].Cost <= limit)
                {
                    prefix++;
                }
            }

            PeerId[] order = [.. sorted.Select(s => s.Peer)];
            if (prefix > 1)
            {
                _random.Shuffle(order.AsSpan(0, prefix));
            }

            return order;
        }
    }

    private PeerStats[] SortedLocked()
    {
        PeerStats[] all = [.. _peers.Select(p => Snapshot(p.Key, p.Value))];

        // Ties (new peers, or all costs zero) fall back to the peer id bytes so the order does not depend on
        // dictionary layout.
        Array.Sort(all, static (a, b) =>
        {
            int byCost = a.Cost.CompareTo(b.Cost);
            return byCost != 0 ? byCost : a.Peer.Bytes.SequenceCompareTo(b.Peer.Bytes);
        });
        return all;
    }

    private PeerStats Snapshot(PeerId peer, Entry entry)
    {
        double time = entry.Successes > 0 ? entry.Seconds : _globalSeconds * NewPeerMultiplier;
        double failureCost = FailureCostFactor * Math.Max(_globalSeconds, MinimumFailureCost.TotalSeconds);
        double cost = time + (entry.FailureRate * failureCost);
        TimeSpan? measured = entry.Successes > 0 ? TimeSpan.FromSeconds(entry.Seconds) : null;
        return new PeerStats(peer, cost, measured, entry.FailureRate, entry.Successes, entry.Failures);
    }

    /// <summary>Cumulative average for the first <paramref name="window"/> samples, exponential with weight 1/window after.</summary>
    private static double Average(double current, double sample, long samples, int window) =>
        current + ((sample - current) / Math.Min(samples, window));

    private static void ThrowIfUndefined(PeerId peer)
    {
        if (!peer.IsDefined)
        {
            throw new ArgumentException("default(PeerId) is not a peer.", nameof(peer));
        }
    }

    private sealed class Entry
    {
        public long Successes;
        public long Failures;
        public double Seconds;
        public double FailureRate;
    }
}
