using Venus.ChainSync.Primitives;
using static Venus.ChainSync.Tests.Targets.TargetBuilder;

namespace Venus.ChainSync.Tests.Targets;

public class TargetTrackerAdmissionTests
{
    private static TargetTracker NewTracker(int capacity = 15, int history = 10) =>
        new(TimeProvider.System, new TargetTrackerOptions { Capacity = capacity, HistoryCapacity = history });

    [Fact]
    public void First_head_is_added_waiting_with_the_announcement_peers()
    {
        var tracker = NewTracker();
        ChainInfo info = Head(100);

        Admission admission = tracker.Add(info);

        Assert.Equal(AdmissionOutcome.Added, admission.Outcome);
        Assert.True(admission.Accepted);
        Assert.Empty(admission.Dropped);
        Target target = Assert.IsType<Target>(admission.Target);
        Assert.Equal(1, target.Id);
        Assert.Equal(info.Head, target.Head);
        Assert.Equal("source", target.Source);
        Assert.Equal("sender", target.Sender);
        Assert.Equal(TargetState.Wait, target.State);
        Assert.Null(target.Base);
        Assert.Null(target.Current);
        Assert.Null(target.Start);
        Assert.Null(target.End);
        Assert.Null(target.Error);
        Assert.Equal(100, target.Weight);
        Assert.Equal(1, target.BlockCount);
        Assert.Equal(1, tracker.Count);
    }

    [Fact]
    public void Head_lighter_than_the_lightest_kept_is_refused_even_with_free_slots()
    {
        var tracker = NewTracker();
        tracker.Add(Head(100, miner: 1));
        tracker.Add(Head(200, miner: 2));

        Admission admission = tracker.Add(Head(99, miner: 3));

        Assert.Equal(AdmissionOutcome.RefusedLighter, admission.Outcome);
        Assert.False(admission.Accepted);
        Assert.Null(admission.Target);
        Assert.Equal(2, tracker.Count);
    }

    [Fact]
    public void Lightest_kept_weight_counts_syncing_targets_too()
    {
        var tracker = NewTracker();
        Target syncing = tracker.Add(Head(100, miner: 1)).Target!;
        tracker.MarkSyncing(syncing.Id);

        Assert.Equal(AdmissionOutcome.RefusedLighter, tracker.Add(Head(50, miner: 2)).Outcome);
    }

    [Fact]
    public void Head_as_heavy_as_the_lightest_kept_is_admitted()
    {
        var tracker = NewTracker();
        tracker.Add(Info(Block(1, 100)));

        Admission admission = tracker.Add(Info(Block(2, 100, parents: OtherParents)));

        Assert.Equal(AdmissionOutcome.Added, admission.Outcome);
    }

    [Fact]
    public void Lighter_head_is_admitted_once_the_tracker_has_emptied()
    {
        // Venus's minimum weight is sticky; ours is the lightest target kept now.
        var tracker = NewTracker();
        Target heavy = tracker.Add(Head(500, miner: 1)).Target!;
        tracker.MarkSyncing(heavy.Id);
        tracker.Fail(heavy.Id, "timeout");

        Assert.Equal(AdmissionOutcome.Added, tracker.Add(Head(100, miner: 2)).Outcome);
    }

    [Fact]
    public void Same_head_announced_twice_is_refused_as_covered()
    {
        var tracker = NewTracker();
        tracker.Add(Head(100));

        Admission again = tracker.Add(Head(100));

        Assert.Equal(AdmissionOutcome.RefusedCovered, again.Outcome);
        Assert.Equal(1, tracker.Count);
    }

    [Fact]
    public void Head_whose_blocks_are_all_in_a_kept_target_is_refused_as_covered()
    {
        var tracker = NewTracker();
        BlockHeader a = Block(1, 100);
        BlockHeader b = Block(2, 100);
        tracker.Add(Info(a, b));

        Assert.Equal(AdmissionOutcome.RefusedCovered, tracker.Add(Info(b)).Outcome);
        Assert.Equal(AdmissionOutcome.RefusedCovered, tracker.Add(Info(a)).Outcome);
        Assert.Equal(1, tracker.Count);
    }

    [Fact]
    public void Head_covered_by_a_syncing_target_is_refused()
    {
        var tracker = NewTracker();
        BlockHeader a = Block(1, 100);
        Target syncing = tracker.Add(Info(a, Block(2, 100))).Target!;
        tracker.MarkSyncing(syncing.Id);

        Assert.Equal(AdmissionOutcome.RefusedCovered, tracker.Add(Info(a)).Outcome);
    }

    [Fact]
    public void Head_covered_by_a_completed_target_in_the_history_is_refused()
    {
        var tracker = NewTracker();
        Target done = tracker.Add(Head(100)).Target!;
        tracker.MarkSyncing(done.Id);
        tracker.Complete(done.Id);

        Assert.Equal(AdmissionOutcome.RefusedCovered, tracker.Add(Head(100)).Outcome);
        Assert.Equal(0, tracker.Count);
    }

    [Fact]
    public void Head_of_a_failed_target_in_the_history_can_be_admitted_again()
    {
        var tracker = NewTracker();
        Target failed = tracker.Add(Head(100)).Target!;
        tracker.MarkSyncing(failed.Id);
        tracker.Fail(failed.Id, "timeout");

        Assert.Equal(AdmissionOutcome.Added, tracker.Add(Head(100)).Outcome);
    }

    [Fact]
    public void Neighbours_merge_into_a_wider_tipset_that_replaces_the_waiting_neighbour()
    {
        var tracker = NewTracker();
        BlockHeader a = Block(1, 100);
        BlockHeader b = Block(2, 100);
        Target first = tracker.Add(Info(a)).Target!;

        Admission admission = tracker.Add(Info(b));

        Assert.Equal(AdmissionOutcome.Merged, admission.Outcome);
        Assert.Equal(Tip(a, b), admission.Target!.Head);
        Assert.Equal(2, admission.Target.BlockCount);
        Assert.Equal(first.Id, Assert.Single(admission.Dropped).Id);
        Target kept = Assert.Single(tracker.Snapshot().Buckets);
        Assert.Equal(admission.Target.Id, kept.Id);
        Assert.Null(tracker.Find(first.Id));
    }

    [Fact]
    public void Merge_gathers_blocks_of_every_neighbour()
    {
        var tracker = NewTracker();
        BlockHeader a = Block(1, 100);
        BlockHeader b = Block(2, 100);
        BlockHeader c = Block(3, 100);
        Target syncing = tracker.Add(Info(a)).Target!;
        tracker.MarkSyncing(syncing.Id);
        tracker.Add(Info(b)); // widened to {a, b}, kept beside the syncing {a}

        Admission admission = tracker.Add(Info(c));

        Assert.Equal(AdmissionOutcome.Merged, admission.Outcome);
        Assert.Equal(Tip(a, b, c), admission.Target!.Head);
        Assert.Equal(2, tracker.Count);
    }

    [Fact]
    public void Neighbour_of_a_syncing_target_is_widened_but_the_syncing_target_stays()
    {
        var tracker = NewTracker();
        BlockHeader a = Block(1, 100);
        BlockHeader b = Block(2, 100);
        Target syncing = tracker.Add(Info(a)).Target!;
        tracker.MarkSyncing(syncing.Id);

        Admission admission = tracker.Add(Info(b));

        Assert.Equal(AdmissionOutcome.Merged, admission.Outcome);
        Assert.Equal(Tip(a, b), admission.Target!.Head);
        Assert.Empty(admission.Dropped);
        Assert.Equal(TargetState.Syncing, tracker.Find(syncing.Id)!.State);
        Assert.Equal(2, tracker.Count);
    }

    [Fact]
    public void Neighbour_of_a_completed_target_in_the_history_is_widened()
    {
        var tracker = NewTracker();
        BlockHeader a = Block(1, 100);
        BlockHeader b = Block(2, 100);
        Target done = tracker.Add(Info(a)).Target!;
        tracker.MarkSyncing(done.Id);
        tracker.Complete(done.Id);

        Admission admission = tracker.Add(Info(b));

        Assert.Equal(AdmissionOutcome.Merged, admission.Outcome);
        Assert.Equal(Tip(a, b), admission.Target!.Head);
    }

    [Fact]
    public void Neighbour_of_a_failed_target_is_not_widened()
    {
        var tracker = NewTracker();
        Target failed = tracker.Add(Info(Block(1, 100))).Target!;
        tracker.MarkSyncing(failed.Id);
        tracker.Fail(failed.Id, "bad block");
        BlockHeader b = Block(2, 100);

        Admission admission = tracker.Add(Info(b));

        Assert.Equal(AdmissionOutcome.Added, admission.Outcome);
        Assert.Equal(Tip(b), admission.Target!.Head);
    }

    [Fact]
    public void Heads_on_other_parents_are_not_neighbours()
    {
        var tracker = NewTracker();
        tracker.Add(Info(Block(1, 100)));

        Admission admission = tracker.Add(Info(Block(2, 100, parents: OtherParents)));

        Assert.Equal(AdmissionOutcome.Added, admission.Outcome);
        Assert.Equal(1, admission.Target!.BlockCount);
        Assert.Equal(2, tracker.Count);
    }

    [Fact]
    public void Heads_at_another_height_are_not_neighbours()
    {
        var tracker = NewTracker();
        tracker.Add(Info(Block(1, 100, height: 10)));

        Admission admission = tracker.Add(Info(Block(2, 100, height: 11)));

        Assert.Equal(AdmissionOutcome.Added, admission.Outcome);
        Assert.Equal(2, tracker.Count);
    }

    [Fact]
    public void Heads_with_another_parent_weight_are_not_neighbours()
    {
        var tracker = NewTracker();
        tracker.Add(Info(Block(1, 100)));

        Admission admission = tracker.Add(Info(Block(2, 101)));

        Assert.Equal(AdmissionOutcome.Added, admission.Outcome);
        Assert.Equal(2, tracker.Count);
    }

    [Fact]
    public void Merge_that_would_give_a_miner_two_blocks_in_one_epoch_is_refused()
    {
        var tracker = NewTracker();
        BlockHeader first = Block(7, 100, salt: 1);
        tracker.Add(Info(first, Block(2, 100)));
        TargetTrackerSnapshot before = tracker.Snapshot();

        Admission admission = tracker.Add(Info(Block(7, 100, salt: 2)));

        Assert.Equal(AdmissionOutcome.RefusedDoubleMining, admission.Outcome);
        Assert.Null(admission.Target);
        Assert.Equal(before.Buckets.ToArray(), tracker.Snapshot().Buckets.ToArray());
    }

    [Fact]
    public void Head_that_itself_holds_two_blocks_of_one_miner_is_refused()
    {
        var tracker = NewTracker();

        Admission admission = tracker.Add(Info(Block(7, 100, salt: 1), Block(7, 100, salt: 2)));

        Assert.Equal(AdmissionOutcome.RefusedDoubleMining, admission.Outcome);
        Assert.Equal(0, tracker.Count);
    }

    [Fact]
    public void Merge_whose_blocks_do_not_form_a_tipset_is_refused()
    {
        // Every block needs a ticket now, so the way left to fail is width: 20 + 13 blocks is over TipSet.MaxBlocks.
        var tracker = NewTracker();
        tracker.Add(Info([.. Enumerable.Range(1, 20).Select(m => Block(m, 100))]));

        Admission admission = tracker.Add(Info([.. Enumerable.Range(21, 13).Select(m => Block(m, 100))]));

        Assert.Equal(AdmissionOutcome.RefusedInvalidTipSet, admission.Outcome);
        Assert.Equal(1, tracker.Count);
    }

    [Fact]
    public void Waiting_child_is_replaced_by_a_head_that_holds_its_blocks()
    {
        var tracker = NewTracker();
        BlockHeader a = Block(1, 100);
        BlockHeader b = Block(2, 100);
        Target child = tracker.Add(Info(a)).Target!;

        Admission admission = tracker.Add(Info(a, b));

        Assert.Equal(AdmissionOutcome.Merged, admission.Outcome);
        Assert.Equal(child.Id, Assert.Single(admission.Dropped).Id);
        Assert.Equal(Tip(a, b), Assert.Single(tracker.Snapshot().Buckets).Head);
    }

    [Fact]
    public void Every_waiting_child_is_replaced()
    {
        var tracker = NewTracker();
        BlockHeader a = Block(1, 100);
        BlockHeader b = Block(2, 100);
        Target syncing = tracker.Add(Info(a)).Target!;
        tracker.MarkSyncing(syncing.Id);
        Target wide = tracker.Add(Info(b)).Target!; // {a, b}
        tracker.Requeue(syncing.Id); // now {a} and {a, b} both wait

        Admission admission = tracker.Add(Info(Block(3, 100)));

        Assert.Equal(AdmissionOutcome.Merged, admission.Outcome);
        Assert.Equal([syncing.Id, wide.Id], admission.Dropped.Select(t => t.Id).Order());
        Assert.Equal(3, Assert.Single(tracker.Snapshot().Buckets).BlockCount);
    }

    [Fact]
    public void When_full_a_waiting_child_gives_up_its_slot_without_evicting_another()
    {
        var tracker = NewTracker(capacity: 2);
        BlockHeader a = Block(1, 100);
        Target child = tracker.Add(Info(a)).Target!;
        Target other = tracker.Add(Head(200, miner: 5)).Target!;

        Admission admission = tracker.Add(Info(Block(2, 100)));

        Assert.Equal(AdmissionOutcome.Merged, admission.Outcome);
        Assert.Equal(child.Id, Assert.Single(admission.Dropped).Id);
        Assert.NotNull(tracker.Find(other.Id));
        Assert.Equal(2, tracker.Count);
    }

    [Fact]
    public void When_full_the_lowest_ranked_waiting_target_is_replaced_by_a_heavier_head()
    {
        var tracker = NewTracker(capacity: 3);
        Target lightest = tracker.Add(Head(100, miner: 1)).Target!;
        tracker.Add(Head(200, miner: 2));
        tracker.Add(Head(300, miner: 3));

        Admission admission = tracker.Add(Head(150, miner: 4));

        Assert.Equal(AdmissionOutcome.Replaced, admission.Outcome);
        Assert.Equal(lightest.Id, Assert.Single(admission.Dropped).Id);
        Assert.Equal([300, 200, 150], tracker.Snapshot().Buckets.Select(t => (int)t.Weight));
    }

    [Fact]
    public void When_full_a_syncing_lighter_target_is_kept_and_the_lowest_waiting_one_replaced()
    {
        var tracker = NewTracker(capacity: 3);
        Target syncing = tracker.Add(Head(100, miner: 1)).Target!;
        tracker.MarkSyncing(syncing.Id);
        Target idle = tracker.Add(Head(200, miner: 2)).Target!;
        tracker.Add(Head(300, miner: 3));

        Admission admission = tracker.Add(Head(250, miner: 4));

        Assert.Equal(AdmissionOutcome.Replaced, admission.Outcome);
        Assert.Equal(idle.Id, Assert.Single(admission.Dropped).Id);
        Assert.Equal(TargetState.Syncing, tracker.Find(syncing.Id)!.State);
    }

    [Fact]
    public void When_full_a_head_ranked_below_every_waiting_target_is_refused()
    {
        var tracker = NewTracker(capacity: 3);
        Target syncing = tracker.Add(Head(100, miner: 1)).Target!;
        tracker.MarkSyncing(syncing.Id);
        tracker.Add(Head(200, miner: 2));
        tracker.Add(Head(300, miner: 3));
        TargetTrackerSnapshot before = tracker.Snapshot();

        Admission admission = tracker.Add(Head(150, miner: 4));

        Assert.Equal(AdmissionOutcome.RefusedFull, admission.Outcome);
        Assert.Equal(before.Buckets.ToArray(), tracker.Snapshot().Buckets.ToArray());
    }

    [Fact]
    public void When_full_a_head_of_equal_rank_does_not_replace_the_waiting_one()
    {
        var tracker = NewTracker(capacity: 1);
        tracker.Add(Info(Block(1, 100)));

        Admission admission = tracker.Add(Info(Block(2, 100, parents: OtherParents)));

        Assert.Equal(AdmissionOutcome.RefusedFull, admission.Outcome);
    }

    [Fact]
    public void When_full_a_head_lighter_than_all_is_refused_as_lighter()
    {
        var tracker = NewTracker(capacity: 2);
        tracker.Add(Head(100, miner: 1));
        tracker.Add(Head(200, miner: 2));

        Assert.Equal(AdmissionOutcome.RefusedLighter, tracker.Add(Head(50, miner: 3)).Outcome);
    }

    [Fact]
    public void When_full_of_syncing_targets_every_head_is_refused_and_none_is_replaced()
    {
        var tracker = NewTracker(capacity: 2);
        Target one = tracker.Add(Head(100, miner: 1)).Target!;
        Target two = tracker.Add(Head(200, miner: 2)).Target!;
        tracker.MarkSyncing(one.Id);
        tracker.MarkSyncing(two.Id);

        Admission admission = tracker.Add(Head(1000, miner: 3));

        Assert.Equal(AdmissionOutcome.RefusedFull, admission.Outcome);
        Assert.All(tracker.Snapshot().Buckets, t => Assert.Equal(TargetState.Syncing, t.State));
    }

    [Fact]
    public void Syncing_child_is_never_replaced()
    {
        var tracker = NewTracker();
        BlockHeader a = Block(1, 100);
        Target syncing = tracker.Add(Info(a)).Target!;
        tracker.MarkSyncing(syncing.Id);

        Admission admission = tracker.Add(Info(a, Block(2, 100)));

        Assert.Empty(admission.Dropped);
        Assert.Equal(TargetState.Syncing, tracker.Find(syncing.Id)!.State);
        Assert.Equal(2, tracker.Count);
    }

    [Fact]
    public void Refused_heads_do_not_use_up_ids()
    {
        var tracker = NewTracker();
        tracker.Add(Head(100, miner: 1));
        tracker.Add(Head(100, miner: 1));

        Assert.Equal(2, tracker.Add(Head(200, miner: 2)).Target!.Id);
    }
}
