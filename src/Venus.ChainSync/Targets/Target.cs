using System.Numerics;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync;

/// <summary>
/// An immutable snapshot of one sync target: a head some peer announced, and how far syncing towards it has come.
/// </summary>
/// <remarks>
/// <para>
/// Only <see cref="TargetTracker"/> creates targets and it never changes one: every state change replaces the kept
/// snapshot with a new one carrying the same <see cref="Id"/>. A <see cref="Target"/> held by a caller therefore
/// shows the target as it was when it was handed out; ask the tracker (<see cref="TargetTracker.Find"/>) for news.
/// </para>
/// <para>
/// Targets are ranked by <see cref="Weight"/>, the parent weight the head's blocks state (as Venus ranks them; the
/// head's own weight would need its parent state), then by <see cref="BlockCount"/>: of two heads on the same parent,
/// the one with more blocks is heavier.
/// </para>
/// </remarks>
public sealed class Target
{
    private Target(long id, TipSet head, string source, string sender)
    {
        Id = id;
        Head = head;
        Source = source;
        Sender = sender;
    }

    private Target(Target other)
    {
        Id = other.Id;
        Head = other.Head;
        Source = other.Source;
        Sender = other.Sender;
        State = other.State;
        Base = other.Base;
        Current = other.Current;
        Start = other.Start;
        End = other.End;
        Error = other.Error;
        Forward = other.Forward;
    }

    /// <summary>Identity given by the tracker, unique within it, increasing in order of admission.</summary>
    public long Id { get; }

    /// <summary>The head to sync to. It can hold more blocks than were announced, when the tracker merged neighbours.</summary>
    public TipSet Head { get; private init; }

    /// <summary>Peer that originated the announcement (<see cref="ChainInfo.Source"/>); empty for this node.</summary>
    public string Source { get; }

    /// <summary>Peer that passed the announcement to us (<see cref="ChainInfo.Sender"/>); empty for this node.</summary>
    public string Sender { get; }

    /// <summary>Where the target is in its life.</summary>
    public TargetState State { get; private init; }

    /// <summary>The tipset the sync started from, once syncing; <see langword="null"/> while waiting.</summary>
    public TipSet? Base { get; private init; }

    /// <summary>The latest tipset the sync reached, once syncing; <see langword="null"/> while waiting.</summary>
    public TipSet? Current { get; private init; }

    /// <summary>When the sync started; <see langword="null"/> while waiting.</summary>
    public DateTimeOffset? Start { get; private init; }

    /// <summary>When the sync finished or failed; <see langword="null"/> until then.</summary>
    public DateTimeOffset? End { get; private init; }

    /// <summary>Why the sync failed, in <see cref="TargetState.Error"/>; otherwise <see langword="null"/>.</summary>
    public string? Error { get; private init; }

    /// <summary>
    /// What the sync is doing: <see cref="SyncStage.Headers"/> from its start until the syncer first reports progress
    /// (the base it goes forwards from, once the headers are in: <see cref="ISyncer.HandleNewTipSetAsync"/>),
    /// <see cref="SyncStage.Messages"/> after.
    /// </summary>
    public SyncStage Stage => State switch
    {
        TargetState.Wait => SyncStage.Wait,
        TargetState.Syncing => Forward ? SyncStage.Messages : SyncStage.Headers,
        TargetState.Complete => SyncStage.Complete,
        _ => SyncStage.Error,
    };

    /// <summary>Whether the syncer has reported progress since the sync started (the forward walk has begun).</summary>
    private bool Forward { get; init; }

    /// <summary>The ranking weight: the parent weight the head's blocks state (<see cref="TipSet.ParentWeight"/>).</summary>
    public BigInteger Weight => Head.ParentWeight;

    /// <summary>Number of blocks in the head, the second ranking key.</summary>
    public int BlockCount => Head.Blocks.Length;

    /// <inheritdoc/>
    public override string ToString() => $"Target #{Id} {State} {Head}";

    internal static Target Create(long id, ChainInfo info) => new(id, info.Head, info.Source, info.Sender);

    /// <summary>Whether this target ranks strictly before <paramref name="other"/>: heavier, else more blocks.</summary>
    internal bool OutRanks(Target other)
    {
        int byWeight = Weight.CompareTo(other.Weight);
        return byWeight != 0 ? byWeight > 0 : BlockCount > other.BlockCount;
    }

    /// <summary>Venus's <c>IsNeighbor</c>: same height, parent weight and parents, so the blocks can share a tipset.</summary>
    internal bool IsNeighbourOf(TipSet head) =>
        Head.Height == head.Height && Head.ParentWeight == head.ParentWeight && Head.Parents == head.Parents;

    /// <summary>Whether every block of <paramref name="head"/> is in this target's head (Venus <c>ContainsAll</c>).</summary>
    internal bool Covers(TipSet head) => Contains(Head, head);

    internal Target WithHead(TipSet head) => new(this) { Head = head };

    internal Target ToSyncing(TipSet? syncBase, DateTimeOffset now) =>
        new(this) { State = TargetState.Syncing, Base = syncBase, Current = syncBase, Start = now, Forward = false };

    internal Target WithProgress(TipSet current) => new(this) { Current = current, Forward = true };

    internal Target ToWait() =>
        new(this) { State = TargetState.Wait, Base = null, Current = null, Start = null, Forward = false };

    internal Target ToComplete(DateTimeOffset now) => new(this) { State = TargetState.Complete, End = now };

    internal Target ToError(string error, DateTimeOffset now) =>
        new(this) { State = TargetState.Error, End = now, Error = error };

    internal static bool Contains(TipSet outer, TipSet inner)
    {
        foreach (BlockHeader block in inner.Blocks)
        {
            if (!outer.Key.Cids.Contains(block.Cid))
            {
                return false;
            }
        }

        return true;
    }
}
