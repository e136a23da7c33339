namespace Venus.ChainSync;

/// <summary>
/// Bounds of a <see cref="TargetTracker"/>. Defaults are Venus's (<c>pkg/chainsync</c>); each property says where its
/// number comes from.
/// </summary>
public sealed class TargetTrackerOptions
{
    /// <summary>
    /// Most targets kept at once, waiting or syncing. Default 15 (Venus <c>DefaultWorkQueueSize</c>, the bucket size
    /// its dispatcher gives the tracker).
    /// </summary>
    public int Capacity { get; set; } = 15;

    /// <summary>
    /// Most finished (complete or failed) targets remembered; 0 keeps none. Default 10 (Venus's <c>historySize</c>).
    /// </summary>
    public int HistoryCapacity { get; set; } = 10;

    /// <summary>Every problem of these options, one line each (<c>"SegmentLength must be between 1 and 900 (was 0)."</c>); empty when they are usable.</summary>
    public IReadOnlyList<string> Validate() => new OptionsCheck()
        .AtLeast(nameof(Capacity), Capacity, 1)
        .AtLeast(nameof(HistoryCapacity), HistoryCapacity, 0)
        .Problems;
}
