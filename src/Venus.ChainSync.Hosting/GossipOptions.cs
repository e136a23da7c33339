using Venus.ChainSync.Exchange;

namespace Venus.ChainSync.Hosting;

/// <summary>How block gossip is taken in.</summary>
public sealed class GossipOptions
{
    /// <summary>Workers loading the messages of gossiped blocks at once (default 8).</summary>
    public int Workers { get; set; } = 8;

    /// <summary>Blocks waiting for a worker (default 256); when full the oldest is dropped and counted.</summary>
    public int QueueCapacity { get; set; } = 256;

    /// <summary>Blocks more than this many epochs below the head are ignored (default 900, the fork-length threshold).</summary>
    public int MaxEpochsBehindHead { get; set; } = 900;

    /// <summary>Blocks more than this many epochs after the wall clock's epoch are ignored (default 5).</summary>
    public int MaxEpochsAhead { get; set; } = 5;

    /// <summary>Most messages a gossiped block may list (default 10 000, Lotus's <c>BlockMessageLimit</c>).</summary>
    public int MaxMessagesPerBlock { get; set; } = ExchangeProtocol.BlockMessageLimit;

    /// <summary>Every problem of these options, one line each; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate() => new OptionsCheck()
        .Between(nameof(Workers), Workers, 1, 1024)
        .Between(nameof(QueueCapacity), QueueCapacity, 1, 1 << 20)
        .AtLeast(nameof(MaxEpochsBehindHead), MaxEpochsBehindHead, 1)
        .AtLeast(nameof(MaxEpochsAhead), MaxEpochsAhead, 1)
        .AtLeast(nameof(MaxMessagesPerBlock), MaxMessagesPerBlock, 1)
        .Problems;
}
