namespace Venus.ChainSync.Exchange;

/// <summary>
/// Limits of <see cref="ChainExchangeServer"/>. The defaults follow Lotus where Lotus has a figure and are this
/// library's own choices where it has none; each says which.
/// </summary>
/// <remarks>
/// Memory: a request being served holds at most <see cref="MaxResponseBytes"/> of loaded chain data (less when the
/// store hands out views of its own memory, as <see cref="Primitives.Storage.MemoryBlockstore"/> does), so the worst
/// case is <see cref="MaxConcurrentRequests"/> × <see cref="MaxResponseBytes"/>. The response itself is written to
/// the stream one tipset at a time, never encoded whole.
/// </remarks>
public sealed class ExchangeServerOptions
{
    /// <summary>Lotus's client response cap, <c>maxExchangeMessageSize</c> = 15 × 8 MiB = 120 MiB.</summary>
    public const long LotusClientResponseCap = (15L * 8) << 20;

    /// <summary>
    /// Time a peer has to deliver its whole request, counted from the stream's arrival (default 10 s: Lotus's
    /// <c>streamReadDeadline</c>). Past it the stream is reset without an answer.
    /// </summary>
    public TimeSpan ReadDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Time a peer has to take the whole response (default 60 s: Lotus's <c>WriteResDeadline</c>). A peer that
    /// stops reading stalls the write on flow control; at the deadline the stream is reset.
    /// </summary>
    public TimeSpan WriteDeadline { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Largest request accepted, in bytes (default 64 KiB, this library's choice: a request naming
    /// <see cref="ExchangeRequest.MaxHeadCids"/> chain CIDs takes about 21 KiB; real heads take under 1 KiB).
    /// A larger request is answered <see cref="ExchangeStatus.BadRequest"/>.
    /// </summary>
    public int MaxRequestBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Requests served at once for one peer (default 4, this library's choice; Lotus and Venus set no limit). A
    /// Lotus node runs a few sync workers (3 in the sync manager, up to 5 in later versions), each with one
    /// request in flight, and hello fetches are rare, so 4 serves an honest node while one peer cannot take more
    /// than a sixteenth of <see cref="MaxConcurrentRequests"/>. A request over the limit is answered
    /// <see cref="ExchangeStatus.GoAway"/> at once.
    /// </summary>
    public int MaxConcurrentRequestsPerPeer { get; set; } = 4;

    /// <summary>
    /// Requests served at once over all peers (default 32, as Forest limits it; Lotus and Venus set no limit).
    /// A request over the limit is answered <see cref="ExchangeStatus.GoAway"/> at once.
    /// </summary>
    public int MaxConcurrentRequests { get; set; } = 32;

    /// <summary>
    /// Largest response, in bytes (default 32 MiB). A Lotus client refuses anything above
    /// <see cref="LotusClientResponseCap"/> (120 MiB), so more is never useful; less keeps the worst case of
    /// <see cref="MaxConcurrentRequests"/> responses in memory at 1 GiB, and costs an honest client only another
    /// request for the rest, since every client must continue after a Partial answer (Forest serves at most
    /// 10 MiB for the same reason). When the tipsets asked for would not fit, the server
    /// answers <see cref="ExchangeStatus.Partial"/> with those that do; when even the head tipset does not fit,
    /// <see cref="ExchangeStatus.InternalError"/>.
    /// </summary>
    public long MaxResponseBytes { get; set; } = 32L << 20;

    /// <summary>Every problem of these options, one line each (<c>"SegmentLength must be between 1 and 900 (was 0)."</c>); empty when they are usable.</summary>
    public IReadOnlyList<string> Validate() => new OptionsCheck()
        .Positive(nameof(ReadDeadline), ReadDeadline)
        .Positive(nameof(WriteDeadline), WriteDeadline)
        .AtLeast(nameof(MaxRequestBytes), MaxRequestBytes, 64)
        .AtLeast(nameof(MaxConcurrentRequestsPerPeer), MaxConcurrentRequestsPerPeer, 1)
        .AtLeast(nameof(MaxConcurrentRequests), MaxConcurrentRequests, 1)
        .AtLeast(nameof(MaxResponseBytes), MaxResponseBytes, 1024)
        .Problems;
}
