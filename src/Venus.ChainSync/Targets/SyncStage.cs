namespace Venus.ChainSync;

/// <summary>
/// What a target's sync is doing, as Lotus's <c>SyncStateStage</c> shows it (<c>lotus sync status</c>), derived from
/// the target's state and progress (<see cref="Target.Stage"/>).
/// </summary>
public enum SyncStage
{
    /// <summary>Waiting for a sync worker.</summary>
    Wait,

    /// <summary>Fetching and storing headers backwards from the head, down to a tipset with known state.</summary>
    Headers,

    /// <summary>Going forwards: fetching messages, validating and executing; <see cref="Target.Current"/> is the last tipset with state.</summary>
    Messages,

    /// <summary>Finished.</summary>
    Complete,

    /// <summary>Failed; see <see cref="Target.Error"/>.</summary>
    Error,
}
