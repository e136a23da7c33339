namespace Venus.ChainSync;

/// <summary>The syncer's limits. Every default is the Lotus constant named in its documentation.</summary>
public sealed class SyncerOptions
{
    /// <summary>
    /// Longest fork the syncer follows, counted on each side of the common ancestor (our head's side and the incoming
    /// chain's side at or below our head's height): 900, Lotus's <c>ForkLengthThreshold = Finality</c>
    /// (<c>build/params_shared_vals.go</c>), counted on both sides since lotus#5182 and lotus#5244.
    /// </summary>
    public int ForkLengthThreshold { get; init; } = 900;

    /// <summary>
    /// Most tipsets asked for in one backward header request: 900, Lotus's exchange <c>MaxRequestLength</c>
    /// (<c>chain/exchange/protocol.go</c>, equal to <c>ForkLengthThreshold</c>). It also bounds the headers the syncer
    /// holds in memory at once.
    /// </summary>
    public int HeaderWindow { get; init; } = 900;

    /// <summary>
    /// Tipsets per forward segment (one message request, then validation and execution): 8, Lotus's
    /// <c>syncRequestBatchSize</c> (<c>chain/sync.go</c>, <c>iterFullTipsets</c>).
    /// </summary>
    public int SegmentLength { get; init; } = 8;

    /// <summary>Time between epochs: 30 s, Lotus's <c>BlockDelaySecs</c> (<c>build/params_mainnet.go</c>).</summary>
    public TimeSpan BlockDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How far in the future a block's timestamp may be: 1 s, Lotus's <c>AllowableClockDriftSecs</c>
    /// (<c>build/params_shared_vals.go</c>; cut to 1 s by lotus#925).
    /// </summary>
    public TimeSpan AllowableClockDrift { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Most messages (BLS and secp together) in one block: 10 000, Lotus's <c>BlockMessageLimit</c> (<c>build/params_shared_vals.go</c>).</summary>
    public int MaxMessagesPerBlock { get; init; } = 10_000;

    /// <summary>
    /// Whether the node executes tipsets (<see cref="ExecutionMode.Full"/>, the default) or trusts the state roots
    /// their children claim (<see cref="ExecutionMode.None"/>: a relay, bootstrap or archive node, or a host without
    /// an FVM; no <see cref="ITipSetExecutor"/> is needed).
    /// </summary>
    public ExecutionMode Execution { get; init; } = ExecutionMode.Full;

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ForkLengthThreshold, 1, nameof(ForkLengthThreshold));
        ArgumentOutOfRangeException.ThrowIfLessThan(HeaderWindow, 1, nameof(HeaderWindow));
        ArgumentOutOfRangeException.ThrowIfLessThan(SegmentLength, 1, nameof(SegmentLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(BlockDelay, TimeSpan.FromSeconds(1), nameof(BlockDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(AllowableClockDrift, TimeSpan.Zero, nameof(AllowableClockDrift));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessagesPerBlock, 1, nameof(MaxMessagesPerBlock));
        if (!Enum.IsDefined(Execution))
        {
            throw new ArgumentOutOfRangeException(nameof(Execution), Execution, "Not an execution mode.");
        }
    }
}
