using Venus.ChainSync.Network;

namespace Venus.ChainSync.Exchange;

/// <summary>
/// Limits of <see cref="ChainExchangeClient"/>. Defaults are Lotus's (<c>chain/exchange/protocol.go</c> and
/// <c>client.go</c>); each property says where its number comes from.
/// </summary>
public sealed class ExchangeClientOptions
{
    /// <summary>
    /// Largest response read, in bytes; one more and the peer is charged <see cref="PeerOutcome.TooLarge"/>.
    /// Default 120 MiB (Lotus <c>maxExchangeMessageSize</c>, 15 blocks × 8 MiB of messages).
    /// </summary>
    public long MaxResponseBytes { get; set; } = 120L << 20;

    /// <summary>
    /// After its first byte, a response must keep this average speed, in bytes per second; 0 turns the check off.
    /// Default 50 KiB/s (Lotus <c>ReadResMinSpeed</c>).
    /// </summary>
    public long MinBytesPerSecond { get; set; } = 50L << 10;

    /// <summary>
    /// How long a peer may think before the first byte of its response. Default 5 s (Lotus <c>ReadResDeadline</c>,
    /// the initial wait of its incremental read timeout).
    /// </summary>
    public TimeSpan FirstByteTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The whole response must be read within this time. Default 65 s: a Lotus server gives itself 60 s to write
    /// a response (<c>WriteResDeadline</c>) after the 5 s a Lotus client allows before the first byte, so nothing an
    /// honest Lotus server sends takes longer. Size and speed alone would allow 120 MiB at 50 KiB/s, 41 minutes.
    /// </summary>
    public TimeSpan ResponseDeadline { get; set; } = TimeSpan.FromSeconds(65);

    /// <summary>How long opening a stream (dialling if needed) may take. Default 1 min (Lotus <c>streamOpenTimeout</c>).</summary>
    public TimeSpan OpenStreamTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long writing the request and half-closing may take. Default 5 s (Lotus <c>WriteReqDeadline</c>).</summary>
    public TimeSpan WriteRequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most leading peers of comparable cost shuffled before trying them in turn. Default 16 (Lotus <c>ShufflePeersPrefix</c>).</summary>
    public int ShufflePeersPrefix { get; set; } = PeerTracker.DefaultShufflePrefix;

    /// <summary>Every problem of these options, one line each (<c>"SegmentLength must be between 1 and 900 (was 0)."</c>); empty when they are usable.</summary>
    public IReadOnlyList<string> Validate() => new OptionsCheck()
        .AtLeast(nameof(MaxResponseBytes), MaxResponseBytes, 1)
        .AtLeast(nameof(MinBytesPerSecond), MinBytesPerSecond, 0)
        .Positive(nameof(FirstByteTimeout), FirstByteTimeout)
        .Positive(nameof(ResponseDeadline), ResponseDeadline)
        .Positive(nameof(OpenStreamTimeout), OpenStreamTimeout)
        .Positive(nameof(WriteRequestTimeout), WriteRequestTimeout)
        .AtLeast(nameof(ShufflePeersPrefix), ShufflePeersPrefix, 0)
        .Problems;

    /// <summary>The limits of one response read.</summary>
    internal ReadLimits ToReadLimits() => new(MaxResponseBytes, FirstByteTimeout, MinBytesPerSecond, ResponseDeadline);

    /// <summary>A copy, so that later changes to this instance do not reach a running client.</summary>
    internal ExchangeClientOptions Clone() => (ExchangeClientOptions)MemberwiseClone();
}
