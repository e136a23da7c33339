namespace Venus.ChainSync.Hosting;

/// <summary>The keys of the chain-sync health check's <c>HealthCheckResult.Data</c>; every value is a <see cref="long"/>.</summary>
public static class ChainSyncHealthData
{
    /// <summary>The height of the node's head.</summary>
    public const string HeadHeight = "headHeight";

    /// <summary>The epoch the wall clock is in, counted from the genesis timestamp.</summary>
    public const string WallEpoch = "wallEpoch";

    /// <summary>How many epochs the head is behind the wall clock (0 when level or ahead).</summary>
    public const string EpochLag = "epochLag";

    /// <summary>Exchange peers known (hello adds each peer that greeted well). Absent when the host replaced the exchange client.</summary>
    public const string Peers = "peers";

    /// <summary>Syncs running now.</summary>
    public const string ActiveSyncs = "activeSyncs";

    /// <summary>Targets waiting for a sync worker.</summary>
    public const string QueuedSyncs = "queuedSyncs";

    /// <summary>Whole seconds since a check last saw the head move (or first saw it).</summary>
    public const string SecondsSinceHeadProgress = "secondsSinceHeadProgress";
}
