using Venus.ChainSync.Primitives;

namespace Venus.ChainSync;

/// <summary>What a <see cref="HeadChange"/> says about its tipset (Lotus's <c>HCCurrent</c>, <c>HCRevert</c>, <c>HCApply</c>).</summary>
public enum HeadChangeKind
{
    /// <summary>
    /// The head at this point, with no history: the first item of every subscription, and what a head move is
    /// reported as when its path cannot be walked (see <see cref="Syncer.HeadChangesAsync"/>).
    /// </summary>
    Current,

    /// <summary>The tipset left the head's chain.</summary>
    Revert,

    /// <summary>The tipset joined the head's chain.</summary>
    Apply,
}

/// <summary>One step of a head move, as <see cref="Syncer.HeadChangesAsync"/> reports it (Lotus's <c>api.HeadChange</c>).</summary>
/// <param name="Kind">Whether the tipset is the current head, left the chain or joined it.</param>
/// <param name="TipSet">The tipset.</param>
public sealed record HeadChange(HeadChangeKind Kind, TipSet TipSet);

/// <summary>
/// Ends a head-change subscription whose reader fell a whole buffer behind
/// (<see cref="SyncerOptions.HeadChangeSubscriberCapacity"/> head moves): it was dropped, as Lotus drops a slow
/// <c>ChainNotify</c> reader, so that it can neither hold up sync nor make the node buffer without bound. Subscribe
/// again: the first item is then the current head.
/// </summary>
public sealed class SlowSubscriberException : Exception
{
    /// <summary>Creates the exception for a reader that fell <paramref name="capacity"/> head moves behind.</summary>
    public SlowSubscriberException(int capacity)
        : base($"The head-change subscriber fell {capacity} head moves behind and was dropped; subscribe again.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public SlowSubscriberException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public SlowSubscriberException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public SlowSubscriberException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
