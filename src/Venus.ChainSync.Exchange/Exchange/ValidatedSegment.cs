using System.Diagnostics.CodeAnalysis;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Exchange;

/// <summary>
/// A chain segment that answers an exchange request, every rule of <see cref="ResponseValidator"/> checked: the
/// only form in which a response leaves the exchange client.
/// </summary>
/// <remarks>
/// Guarantees: at least one tipset; no more than asked; fewer than asked only when <see cref="Status"/> is
/// <see cref="ExchangeStatus.Partial"/> or the segment ends at genesis; the first tipset is the requested head; each
/// tipset is a child of the next; when messages were asked, every block's messages hash to its header's message root.
/// </remarks>
internal sealed class ValidatedSegment
{
    internal ValidatedSegment(ExchangeStatus status, IReadOnlyList<TipSet> tipSets, IReadOnlyList<FullTipSet>? fullTipSets)
    {
        Status = status;
        TipSets = tipSets;
        FullTipSets = fullTipSets;
    }

    /// <summary><see cref="ExchangeStatus.Ok"/> or <see cref="ExchangeStatus.Partial"/>, as the peer answered.</summary>
    public ExchangeStatus Status { get; }

    /// <summary>
    /// The tipsets, head first: from the response when headers were asked, otherwise the caller's known tipsets
    /// this response covers.
    /// </summary>
    public IReadOnlyList<TipSet> TipSets { get; }

    /// <summary>The tipsets with their messages, head first, when messages were asked; null otherwise.</summary>
    public IReadOnlyList<FullTipSet>? FullTipSets { get; }

    /// <summary>How many tipsets the segment holds (at least one).</summary>
    public int Count => TipSets.Count;

    /// <summary>The last (lowest) tipset.</summary>
    public TipSet Last => TipSets[^1];

    /// <summary>Whether the segment ends with the genesis tipset (height 0), so that nothing lies beyond it.</summary>
    public bool ReachesGenesis => Last.Height == 0;
}

/// <summary>
/// What <see cref="ResponseValidator.Validate"/> concluded: a <see cref="ValidatedSegment"/>, or the outcome to
/// charge the peer with and why.
/// </summary>
internal sealed class ResponseValidation
{
    private ResponseValidation(ValidatedSegment? segment, PeerOutcome outcome, string reason)
    {
        Segment = segment;
        Outcome = outcome;
        Reason = reason;
    }

    /// <summary>The segment, when the response is valid.</summary>
    public ValidatedSegment? Segment { get; }

    /// <summary><see cref="PeerOutcome.Success"/> when valid, otherwise what went wrong.</summary>
    public PeerOutcome Outcome { get; }

    /// <summary>Why the response was refused (empty when valid); may quote a shortened server error message.</summary>
    public string Reason { get; }

    /// <summary>Whether the response is valid (then <see cref="Segment"/> is set).</summary>
    [MemberNotNullWhen(true, nameof(Segment))]
    public bool IsValid => Segment is not null;

    /// <summary>A valid response.</summary>
    public static ResponseValidation Valid(ValidatedSegment segment)
    {
        ArgumentNullException.ThrowIfNull(segment);
        return new ResponseValidation(segment, PeerOutcome.Success, "");
    }

    /// <summary>A refused response.</summary>
    /// <exception cref="ArgumentException"><paramref name="outcome"/> is <see cref="PeerOutcome.Success"/>.</exception>
    public static ResponseValidation Failed(PeerOutcome outcome, string reason)
    {
        if (outcome == PeerOutcome.Success)
        {
            throw new ArgumentException("A failure needs a failing outcome.", nameof(outcome));
        }

        return new ResponseValidation(null, outcome, reason ?? "");
    }

    /// <inheritdoc/>
    public override string ToString() => IsValid ? $"valid ({Segment.Count} tipsets, {Segment.Status})" : $"{Outcome}: {Reason}";
}
