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

    /// <summary>Checks every bound.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="Capacity"/> is below 1 or
    /// <see cref="HistoryCapacity"/> is negative.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Capacity, 1, nameof(Capacity));
        ArgumentOutOfRangeException.ThrowIfNegative(HistoryCapacity, nameof(HistoryCapacity));
    }
}
