using Venus.ChainSync.Exchange;

namespace Venus.ChainSync;

/// <summary>The syncer's limits. Every default is the Lotus constant named in its documentation.</summary>
public sealed class SyncerOptions
{
    /// <summary>
    /// Longest fork the syncer follows, counted on each side of the common ancestor (our head's side and the incoming
    /// chain's side at or below our head's height): 900, Lotus's <c>ForkLengthThreshold = Finality</c>
    /// (<c>build/params_shared_vals.go</c>), counted on both sides since lotus#5182 and lotus#5244.
    /// </summary>
    public int ForkLengthThreshold { get; set; } = 900;

    /// <summary>
    /// Most tipsets asked for in one backward header request: 900, Lotus's exchange <c>MaxRequestLength</c>
    /// (<c>chain/exchange/protocol.go</c>, equal to <c>ForkLengthThreshold</c>). It also bounds the headers the syncer
    /// holds in memory at once.
    /// </summary>
    public int HeaderWindow { get; set; } = 900;

    /// <summary>
    /// Tipsets per forward segment (one message request, then validation and execution): 8, Lotus's
    /// <c>syncRequestBatchSize</c> (<c>chain/sync.go</c>, <c>iterFullTipsets</c>).
    /// </summary>
    public int SegmentLength { get; set; } = 8;

    /// <summary>Time between epochs: 30 s, Lotus's <c>BlockDelaySecs</c> (<c>build/params_mainnet.go</c>).</summary>
    public TimeSpan BlockDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How far in the future a block's timestamp may be: 1 s, Lotus's <c>AllowableClockDriftSecs</c>
    /// (<c>build/params_shared_vals.go</c>; cut to 1 s by lotus#925).
    /// </summary>
    public TimeSpan AllowableClockDrift { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Most messages (BLS and secp together) in one block: 10 000, Lotus's <c>BlockMessageLimit</c> (<c>build/params_shared_vals.go</c>).</summary>
    public int MaxMessagesPerBlock { get; set; } = 10_000;

    /// <summary>
    /// Whether the node executes tipsets (<see cref="ExecutionMode.Full"/>, the default) or trusts the state roots
    /// their children claim (<see cref="ExecutionMode.None"/>: a relay, bootstrap or archive node, or a host without
    /// an FVM; no <see cref="ITipSetExecutor"/> is needed).
    /// </summary>
    public ExecutionMode Execution { get; set; } = ExecutionMode.Full;

    /// <summary>
    /// Head moves buffered for each <see cref="Syncer.HeadChangesAsync"/> subscriber: 16, the buffer of Lotus's and
    /// Venus's <c>SubHeadChanges</c> channel. A subscriber with a full buffer is dropped, as there.
    /// </summary>
    public int HeadChangeSubscriberCapacity { get; set; } = 16;

    /// <summary>Every problem of these options, one line each (<c>"SegmentLength must be between 1 and 900 (was 0)."</c>); empty when they are usable.</summary>
    public IReadOnlyList<string> Validate() => new OptionsCheck()
        .AtLeast(nameof(ForkLengthThreshold), ForkLengthThreshold, 1)
        .Between(nameof(HeaderWindow), HeaderWindow, 1, ExchangeProtocol.MaxRequestLength)
        .Between(nameof(SegmentLength), SegmentLength, 1, ExchangeProtocol.MaxRequestLength)
        .AtLeast(nameof(BlockDelay), BlockDelay, TimeSpan.FromSeconds(1))
        .AtLeast(nameof(AllowableClockDrift), AllowableClockDrift, TimeSpan.Zero)
        .AtLeast(nameof(MaxMessagesPerBlock), MaxMessagesPerBlock, 1)
        .Defined(nameof(Execution), Execution)
        .AtLeast(nameof(HeadChangeSubscriberCapacity), HeadChangeSubscriberCapacity, 1)
        .Problems;

    /// <summary>A copy, so that later changes to this instance do not reach a running syncer.</summary>
    internal SyncerOptions Clone() => (SyncerOptions)MemberwiseClone();
}
