namespace Venus.ChainSync;

/// <summary>
/// Where a <see cref="Target"/> is in its life. Only <see cref="TargetTracker"/> moves a target from one state to
/// the next: <see cref="Wait"/> to <see cref="Syncing"/> (and back, on a requeue), then <see cref="Syncing"/> to
/// <see cref="Complete"/> or <see cref="Error"/>, which are final.
/// </summary>
/// <remarks>The names and the order follow Venus's <c>SyncStateStage</c> (wait, syncing, complete, error).</remarks>
public enum TargetState
{
    /// <summary>Admitted and waiting for a sync worker (Venus <c>StageIdle</c>, shown as "wait").</summary>
    Wait,

    /// <summary>A sync worker is running towards the target's head.</summary>
    Syncing,

    /// <summary>The sync finished; the target is in the tracker's history.</summary>
    Complete,

    /// <summary>The sync failed; the target is in the tracker's history with its error.</summary>
    Error,
}
