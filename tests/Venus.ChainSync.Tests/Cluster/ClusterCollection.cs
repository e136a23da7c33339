namespace Venus.ChainSync.Tests.Cluster;

/// <summary>
/// The cluster tests run alone, after the parallel ones: each starts several nodes and keeps every core busy for a
/// moment, which skews tests that rank peers by real measured time (SyncerOverExchangeTests's hostile-peer ranking
/// failed 2 runs in 11 with the cluster tests beside it, none in 8 without).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Cluster";
}
