using System.Collections.Immutable;

namespace Venus.ChainSync;

/// <summary>
/// The tracker's content at one moment (Venus's <c>SyncerTracker</c> answer). Nothing in it changes afterwards.
/// </summary>
/// <param name="Buckets">Waiting and syncing targets, best first: by weight, then block count, then admission order.</param>
/// <param name="History">Finished targets, complete or failed, newest first.</param>
public sealed record TargetTrackerSnapshot(ImmutableArray<Target> Buckets, ImmutableArray<Target> History);
