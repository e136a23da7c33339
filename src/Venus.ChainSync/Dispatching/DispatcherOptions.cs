namespace Venus.ChainSync;

/// <summary>
/// Bounds of a <see cref="Dispatcher"/>. Each property says where its number comes from. Checked by
/// <see cref="Validate"/>, which the dispatcher calls when it is built.
/// </summary>
public sealed class DispatcherOptions
{
    /// <summary>
    /// Most syncs run at once; change it at run time with <see cref="Dispatcher.SetConcurrent"/>. Default 1: one
    /// chain at a time, so two syncs never fetch and execute the same ancestors twice. (Venus's
    /// <c>NewDispatcherWithSizes</c> starts at 3 and its node lowers or raises it through <c>SetConcurrent</c>; a host
    /// that follows several forks at once raises it the same way.)
    /// </summary>
    public int MaxConcurrency { get; set; } = 1;

    /// <summary>
    /// Announcements held between <see cref="Dispatcher.SendAsync"/> and the loop that moves them into the tracker. When full
    /// the oldest is dropped. Default 32: Venus's channel holds 5 (<c>DefaultInQueueSize</c>) but blocks the sender;
    /// this one never blocks, so it holds a few epochs of mainnet gossip (about 5 blocks an epoch) to ride out a
    /// burst without losing the blocks of the current epoch.
    /// </summary>
    public int IncomingCapacity { get; set; } = 32;

    /// <summary>
    /// Headers held for each <see cref="Dispatcher.IncomingBlocks"/> subscriber that reads slower than blocks arrive;
    /// when full its oldest header is dropped. Default 10, the buffer of Lotus's <c>Syncer.IncomingBlocks</c> channel.
    /// </summary>
    public int SubscriberCapacity { get; set; } = 10;

    /// <summary>Every problem of these options, one line each (<c>"SegmentLength must be between 1 and 900 (was 0)."</c>); empty when they are usable.</summary>
    public IReadOnlyList<string> Validate() => new OptionsCheck()
        .AtLeast(nameof(MaxConcurrency), MaxConcurrency, 1)
        .AtLeast(nameof(IncomingCapacity), IncomingCapacity, 1)
        .AtLeast(nameof(SubscriberCapacity), SubscriberCapacity, 1)
        .Problems;
}
