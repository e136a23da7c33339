using System.Collections.Immutable;

namespace Venus.ChainSync;

/// <summary>What <see cref="TargetTracker.Add"/> did with an announced head. A closed set, fit for a metric tag.</summary>
public enum AdmissionOutcome
{
    /// <summary>Admitted into a free slot; nothing else changed.</summary>
    Added,

    /// <summary>
    /// Admitted, and it absorbed known targets: it was widened with the blocks of neighbours (same height, parent
    /// weight and parents), and waiting targets whose blocks it now holds were dropped in its favour.
    /// </summary>
    Merged,

    /// <summary>The tracker was full; admitted in place of the lowest-ranked waiting target, which was dropped.</summary>
    Replaced,

    /// <summary>Refused: its parent weight is below that of the lightest target kept.</summary>
    RefusedLighter,

    /// <summary>Refused: every block of its head is already in the head of a known target.</summary>
    RefusedCovered,

    /// <summary>Refused: its head, or its head widened with its neighbours, holds two blocks of one miner.</summary>
    RefusedDoubleMining,

    /// <summary>Refused: its head and its neighbours' blocks do not form a valid tipset.</summary>
    RefusedInvalidTipSet,

    /// <summary>Refused: the tracker is full and no waiting target ranks below it.</summary>
    RefusedFull,
}

/// <summary>The answer of <see cref="TargetTracker.Add"/>.</summary>
/// <param name="Outcome">What was done.</param>
/// <param name="Target">The admitted target, possibly widened; <see langword="null"/> when refused.</param>
/// <param name="Dropped">Waiting targets taken out of the tracker to make way for it (never in its history).</param>
public readonly record struct Admission(AdmissionOutcome Outcome, Target? Target, ImmutableArray<Target> Dropped)
{
    /// <summary>Whether the head was admitted, so a sync worker has something new to look at.</summary>
    public bool Accepted => Target is not null;

    internal static Admission Refused(AdmissionOutcome outcome) => new(outcome, null, []);
}
