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

    /// <summary>Checks every bound.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A bound is below 1.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrency, 1, nameof(MaxConcurrency));
        ArgumentOutOfRangeException.ThrowIfLessThan(IncomingCapacity, 1, nameof(IncomingCapacity));
        ArgumentOutOfRangeException.ThrowIfLessThan(SubscriberCapacity, 1, nameof(SubscriberCapacity));
    }
}
