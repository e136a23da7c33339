namespace Venus.ChainSync.Exchange;

/// <summary>
/// Limits of <see cref="ChainExchangeServer"/>. The defaults follow Lotus where Lotus has a figure and are this
/// library's own choices where it has none; each says which.
/// </summary>
/// <remarks>
/// <para><b>Sizing against a Lotus syncer.</b> Lotus fetches messages with 16 concurrent requests
/// (<c>concurrentSyncRequests</c> = <c>exchange.ShufflePeersPrefix</c> = 16) of 8 tipsets each
/// (<c>syncRequestBatchSize</c>), retries each request 5 times at once (<c>syncRequestRetries</c>, no backoff) and
/// fails the whole batch when one request fails; a GoAway is just an error to it (lotus <c>chain/sync.go</c>
/// <c>fetchMessages</c>, <c>chain/exchange/protocol.go</c> <c>statusToError</c>). When we are its only chain peer,
/// every one of those 16 requests must be served. The caps below admit them all, and keep a flood in check.</para>
/// <para><b>Memory.</b> Response bytes are reserved tipset by tipset as a request collects them and given back when
/// the response has been written, so response data in memory is at most <see cref="MaxBytesInFlight"/> plus one
/// tipset per request still collecting. A tipset that would go over a byte cap ends the response there
/// (<see cref="ExchangeStatus.Partial"/>, which Lotus's <c>fetchMessages</c> continues from); a request's head tipset
/// is granted even over the peer's cap, so a peer under its request cap always gets at least one tipset per
/// request, and only the total cap can answer a request <see cref="ExchangeStatus.GoAway"/> for bytes. The
/// response itself is written to the stream one tipset at a time, never encoded whole.</para>
/// <para><b>Over a request cap</b> the answer is <see cref="ExchangeStatus.GoAway"/> at once, without reading the
/// request, rather than a queue: an honest Lotus node stays under the caps, and a Lotus client that meets a GoAway
/// moves on to its next peer at once, while a queue would hold a stream, a read deadline and a task per waiting
/// request for the peers that flood.</para>
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
    /// Requests served at once for one peer (default 32, this library's choice; Lotus and Venus set no limit):
    /// twice the 16 a Lotus syncer's <c>fetchMessages</c> runs at once, so the header fetch of another of its sync
    /// workers and a hello fetch fit beside a full message batch, while one peer holds at most a quarter of
    /// <see cref="MaxConcurrentRequests"/>. A request over the limit is answered <see cref="ExchangeStatus.GoAway"/>
    /// at once.
    /// </summary>
    public int MaxConcurrentRequestsPerPeer { get; set; } = 32;

    /// <summary>
    /// Requests served at once over all peers (default 128, this library's choice; Lotus and Venus set no limit):
    /// 8 Lotus syncers × 16 requests, or 4 peers at <see cref="MaxConcurrentRequestsPerPeer"/>. The previous
    /// default, 32, would have served two syncing Lotus nodes. An admitted request costs a task and a stream; the
    /// memory it can hold is bounded by <see cref="MaxBytesInFlight"/>, not by this count. A request over the limit
    /// is answered <see cref="ExchangeStatus.GoAway"/> at once.
    /// </summary>
    public int MaxConcurrentRequests { get; set; } = 128;

    /// <summary>
    /// Response bytes one peer's requests may hold at once, being collected or written (default 64 MiB, this
    /// library's choice): a Lotus message batch of 16 requests × 8 tipsets × about 0.5 MiB for a mainnet tipset
    /// with its messages (our estimate: about 5 blocks, a few hundred distinct messages of a few hundred bytes
    /// each, headers of about 1 KiB) = 64 MiB. A tipset that would go beyond it ends its response as
    /// <see cref="ExchangeStatus.Partial"/>, except a request's head tipset, which is always granted.
    /// </summary>
    public long MaxBytesInFlightPerPeer { get; set; } = 64L << 20;

    /// <summary>
    /// Response bytes all requests may hold at once (default 256 MiB, this library's choice): four peers at
    /// <see cref="MaxBytesInFlightPerPeer"/>, or 8 responses at <see cref="MaxResponseBytes"/>. A tipset that
    /// would go beyond it ends its response as <see cref="ExchangeStatus.Partial"/>, or, at the head, makes the
    /// answer <see cref="ExchangeStatus.GoAway"/>.
    /// </summary>
    public long MaxBytesInFlight { get; set; } = 256L << 20;

    /// <summary>
    /// Largest response, in bytes (default 32 MiB). A Lotus client refuses anything above
    /// <see cref="LotusClientResponseCap"/> (120 MiB), so more is never useful; less keeps a single request from taking
    /// most of <see cref="MaxBytesInFlight"/>, and costs an honest client only another
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
        .AtLeast(nameof(MaxBytesInFlightPerPeer), MaxBytesInFlightPerPeer, 1024)
        .AtLeast(nameof(MaxBytesInFlight), MaxBytesInFlight, 1024)
        .Problems;
}
