namespace Venus.ChainSync.Hello;

/// <summary>Limits of <see cref="HelloService"/>. Defaults follow Lotus's <c>node/hello</c> where it has a number.</summary>
/// <remarks>The service copies the values when it is constructed; changing them later has no effect.</remarks>
public sealed class HelloServiceOptions
{
    /// <summary>
    /// Most bytes accepted for one inbound greeting (default 16 KiB). A greeting is a tipset key plus three small
    /// fields, 43 bytes per block CID, so the default still admits a head of some 380 blocks where Filecoin
    /// expects five per epoch. Lotus reads greetings with cbor-gen's generic limits instead.
    /// </summary>
    public int MaxGreetingBytes { get; set; } = 16 * 1024;

    /// <summary>
    /// How long a peer has to deliver its whole greeting once it opened the stream (default 10 s, Lotus's
    /// <c>streamDeadline</c> read deadline in <c>HandleStream</c>).
    /// </summary>
    public TimeSpan GreetingReadTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long we wait for the latency answer after sending our greeting (default 10 s, the read deadline of
    /// Lotus's <c>SayHello</c>).
    /// </summary>
    public TimeSpan LatencyReadTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long writing a greeting or a latency answer may take (default 10 s, Lotus's <c>streamDeadline</c> write
    /// deadline).
    /// </summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long opening the hello stream to a new peer may take (default 1 min, Lotus's <c>streamOpenTimeout</c>).</summary>
    public TimeSpan StreamOpenTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Most greeted tipsets loaded or fetched at once, over all peers (default 32; Lotus has no cap and starts one
    /// fetch per greeting). Greetings beyond it are dropped and counted as <c>busy</c>: a burst of new connections
    /// cannot make us fetch without bound, and the dropped heads reach us through gossip or later greetings.
    /// </summary>
    public int MaxConcurrentFetches { get; set; } = 32;

    /// <summary>
    /// Heads waiting in <see cref="HelloService.Heads"/> for the consumer (default 32). When it is full, fetches
    /// wait for room, holding their fetch slots, so a stalled consumer ends in greetings counted as <c>busy</c>
    /// rather than in unbounded memory.
    /// </summary>
    public int HeadsCapacity { get; set; } = 32;

    /// <summary>Every problem of these options, one line each (<c>"SegmentLength must be between 1 and 900 (was 0)."</c>); empty when they are usable.</summary>
    public IReadOnlyList<string> Validate() => new OptionsCheck()
        .AtLeast(nameof(MaxGreetingBytes), MaxGreetingBytes, 1)
        .Positive(nameof(GreetingReadTimeout), GreetingReadTimeout)
        .Positive(nameof(LatencyReadTimeout), LatencyReadTimeout)
        .Positive(nameof(WriteTimeout), WriteTimeout)
        .Positive(nameof(StreamOpenTimeout), StreamOpenTimeout)
        .AtLeast(nameof(MaxConcurrentFetches), MaxConcurrentFetches, 1)
        .AtLeast(nameof(HeadsCapacity), HeadsCapacity, 1)
        .Problems;

    internal HelloServiceOptions Clone() => (HelloServiceOptions)MemberwiseClone();
}
