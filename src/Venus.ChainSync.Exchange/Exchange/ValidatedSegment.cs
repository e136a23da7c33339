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
    private ResponseValidation(ValidatedSegment? segment, PeerOutcome outcome, ResponseFault fault, string reason)
    {
        Segment = segment;
        Outcome = outcome;
        Fault = fault;
        Reason = reason;
    }

    /// <summary>The segment, when the response is valid.</summary>
    public ValidatedSegment? Segment { get; }

    /// <summary><see cref="PeerOutcome.Success"/> when valid, otherwise what went wrong.</summary>
    public PeerOutcome Outcome { get; }

    /// <summary>Which check refused the response (<see cref="ResponseFault.None"/> when valid).</summary>
    public ResponseFault Fault { get; }

    /// <summary>Why the response was refused (empty when valid); may quote a shortened server error message.</summary>
    public string Reason { get; }

    /// <summary>Whether the response is valid (then <see cref="Segment"/> is set).</summary>
    [MemberNotNullWhen(true, nameof(Segment))]
    public bool IsValid => Segment is not null;

    /// <summary>A valid response.</summary>
    public static ResponseValidation Valid(ValidatedSegment segment)
    {
        ArgumentNullException.ThrowIfNull(segment);
        return new ResponseValidation(segment, PeerOutcome.Success, ResponseFault.None, "");
    }

    /// <summary>A refused response.</summary>
    /// <exception cref="ArgumentException"><paramref name="outcome"/> is <see cref="PeerOutcome.Success"/>, or <paramref name="fault"/> is <see cref="ResponseFault.None"/>.</exception>
    public static ResponseValidation Failed(PeerOutcome outcome, ResponseFault fault, string reason)
    {
        if (outcome == PeerOutcome.Success || fault == ResponseFault.None)
        {
            throw new ArgumentException("A failure needs a failing outcome and a fault.", nameof(outcome));
        }

        return new ResponseValidation(null, outcome, fault, reason ?? "");
    }

    /// <inheritdoc/>
    public override string ToString() => IsValid ? $"valid ({Segment.Count} tipsets, {Segment.Status})" : $"{Outcome} ({Fault}): {Reason}";
}

/// <summary>What refused a response: the client's transport and decoding first, then the validator's checks in the order they run.</summary>
internal enum ResponseFault
{
    /// <summary>Not refused.</summary>
    None,

    /// <summary>No response: the stream could not be opened, written or read in time (the client's, before validation).</summary>
    Transport,

    /// <summary>The response does not decode (the client's, before validation).</summary>
    Malformed,

    /// <summary>The status is an error (not found, go away, internal error, bad request, unknown).</summary>
    ErrorStatus,

    /// <summary>A success status with no tipsets.</summary>
    NoTipSets,

    /// <summary>More tipsets than asked for.</summary>
    TooManyTipSets,

    /// <summary>Ok with fewer tipsets than asked for, not ending at genesis.</summary>
    ShortWithoutGenesis,

    /// <summary>A tipset without blocks.</summary>
    EmptyTipSet,

    /// <summary>A tipset wider than <see cref="Primitives.TipSet.MaxBlocks"/>.</summary>
    TooWide,

    /// <summary>The first tipset is not the requested head.</summary>
    WrongHead,

    /// <summary>A negative height.</summary>
    NegativeHeight,

    /// <summary>A tipset above genesis without parents.</summary>
    NoParents,

    /// <summary>A tipset that is not the child of the next one as sent.</summary>
    BrokenLink,

    /// <summary>Messages asked for and not sent.</summary>
    NoMessages,

    /// <summary>Include lists that do not match the tipset's width.</summary>
    IncludeShape,

    /// <summary>A block including more messages than a block may.</summary>
    TooManyIncludes,

    /// <summary>An include index past the message list.</summary>
    IncludeOutOfRange,

    /// <summary>Blocks that do not form a tipset.</summary>
    NotATipSet,

    /// <summary>Blocks not in the canonical (ticket) order.</summary>
    NotCanonicalOrder,

    /// <summary>A block's messages do not hash to its message root.</summary>
    MessageRootMismatch,
}
