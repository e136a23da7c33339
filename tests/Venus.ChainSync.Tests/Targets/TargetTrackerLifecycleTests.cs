using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.Primitives;
using static Venus.ChainSync.Tests.Targets.TargetBuilder;

namespace Venus.ChainSync.Tests.Targets;

public class TargetTrackerLifecycleTests
{
    private static readonly DateTimeOffset Epoch = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Epoch);

    private TargetTracker NewTracker(int capacity = 15, int history = 10) =>
        new(_time, new TargetTrackerOptions { Capacity = capacity, HistoryCapacity = history });

    private static Target Admit(TargetTracker tracker, ChainInfo info) => tracker.Add(info).Target!;

    [Fact]
    public void Targets_are_ordered_by_weight_then_block_count_then_admission()
    {
        var tracker = NewTracker();
        Target light = Admit(tracker, Head(100, miner: 1));
        Target heavyOther = Admit(tracker, Info(Block(2, 300, parents: OtherParents)));
        Target heavyWide = Admit(tracker, Info(Block(3, 300), Block(4, 300)));
        Target middle = Admit(tracker, Head(200, miner: 5));
        Target heavyLate = Admit(tracker, Info(Block(6, 300, height: 11)));

        long[] order = [.. tracker.Snapshot().Buckets.Select(t => t.Id)];

        Assert.Equal([heavyWide.Id, heavyOther.Id, heavyLate.Id, middle.Id, light.Id], order);
    }

    [Fact]
    public void SelectNext_returns_the_best_waiting_target_without_changing_it()
    {
        var tracker = NewTracker();
        Admit(tracker, Head(100, miner: 1));
        Target best = Admit(tracker, Head(200, miner: 2));

        Target? selected = tracker.SelectNext();

        Assert.Equal(best.Id, selected!.Id);
        Assert.Equal(TargetState.Wait, tracker.Find(best.Id)!.State);
        Assert.Equal(best.Id, tracker.SelectNext()!.Id);
    }

    [Fact]
    public void SelectNext_skips_syncing_targets()
    {
        var tracker = NewTracker();
        Target next = Admit(tracker, Head(100, miner: 1));
        Target best = Admit(tracker, Head(200, miner: 2));
        tracker.MarkSyncing(best.Id);

        Assert.Equal(next.Id, tracker.SelectNext()!.Id);
    }

    [Fact]
    public void SelectNext_returns_null_when_nothing_waits()
    {
        var tracker = NewTracker();
        Assert.Null(tracker.SelectNext());
        Target only = Admit(tracker, Head(100));
        tracker.MarkSyncing(only.Id);

        Assert.Null(tracker.SelectNext());
        Assert.Null(tracker.StartNext());
    }

    [Fact]
    public void MarkSyncing_records_base_current_and_start_time()
    {
        var tracker = NewTracker();
        Target target = Admit(tracker, Head(100));
        TipSet head = Tip(Block(9, 50, height: 9));
        _time.Advance(TimeSpan.FromSeconds(3));

        Target syncing = tracker.MarkSyncing(target.Id, head);

        Assert.Equal(TargetState.Syncing, syncing.State);
        Assert.Same(head, syncing.Base);
        Assert.Same(head, syncing.Current);
        Assert.Equal(Epoch.AddSeconds(3), syncing.Start);
        Assert.Null(syncing.End);
        Assert.Equal(TargetState.Wait, target.State);
    }

    [Fact]
    public void StartNext_selects_and_marks_the_best_waiting_target()
    {
        var tracker = NewTracker();
        Admit(tracker, Head(100, miner: 1));
        Target best = Admit(tracker, Head(200, miner: 2));

        Target started = tracker.StartNext()!;

        Assert.Equal(best.Id, started.Id);
        Assert.Equal(TargetState.Syncing, started.State);
        Assert.Equal(Epoch, started.Start);
        Assert.Null(started.Base);
        Assert.Equal(TargetState.Syncing, tracker.Find(best.Id)!.State);
    }

    [Fact]
    public void UpdateProgress_moves_current_only()
    {
        var tracker = NewTracker();
        TipSet syncBase = Tip(Block(9, 50, height: 8));
        TipSet reached = Tip(Block(9, 60, height: 9));
        Target target = tracker.MarkSyncing(Admit(tracker, Head(100)).Id, syncBase);

        Target updated = tracker.UpdateProgress(target.Id, reached);

        Assert.Same(reached, updated.Current);
        Assert.Same(syncBase, updated.Base);
        Assert.Same(syncBase, target.Current);
        Assert.Same(reached, tracker.Find(target.Id)!.Current);
    }

    [Fact]
    public void The_stage_follows_the_state_and_the_first_progress_report()
    {
        var tracker = NewTracker();
        TipSet syncBase = Tip(Block(9, 50, height: 8));
        Target waiting = Admit(tracker, Head(100));
        Assert.Equal(SyncStage.Wait, waiting.Stage);

        Target syncing = tracker.MarkSyncing(waiting.Id, syncBase);
        Assert.Equal(SyncStage.Headers, syncing.Stage);

        // The syncer's first report is the base it goes forwards from: headers are done.
        Assert.Equal(SyncStage.Messages, tracker.UpdateProgress(waiting.Id, syncBase).Stage);
        Assert.Equal(SyncStage.Wait, tracker.Requeue(waiting.Id).Stage);
        Assert.Equal(SyncStage.Headers, tracker.MarkSyncing(waiting.Id, syncBase).Stage);
        Assert.Equal(SyncStage.Complete, tracker.Complete(waiting.Id).Stage);
    }

    [Fact]
    public void Complete_moves_the_target_to_the_history_with_its_end_time()
    {
        var tracker = NewTracker();
        Target target = Admit(tracker, Head(100));
        tracker.MarkSyncing(target.Id);
        _time.Advance(TimeSpan.FromMinutes(1));

        Target done = tracker.Complete(target.Id);

        Assert.Equal(TargetState.Complete, done.State);
        Assert.Equal(Epoch.AddMinutes(1), done.End);
        Assert.Null(done.Error);
        TargetTrackerSnapshot snapshot = tracker.Snapshot();
        Assert.Empty(snapshot.Buckets);
        Assert.Same(done, Assert.Single(snapshot.History));
        Assert.Same(done, tracker.Find(target.Id));
    }

    [Fact]
    public void Fail_moves_the_target_to_the_history_with_its_error()
    {
        var tracker = NewTracker();
        Target target = Admit(tracker, Head(100));
        tracker.MarkSyncing(target.Id);
        _time.Advance(TimeSpan.FromSeconds(10));

        Target failed = tracker.Fail(target.Id, "parent state root mismatch");

        Assert.Equal(TargetState.Error, failed.State);
        Assert.Equal("parent state root mismatch", failed.Error);
        Assert.Equal(Epoch.AddSeconds(10), failed.End);
        Assert.Same(failed, Assert.Single(tracker.Snapshot().History));
        Assert.Equal(0, tracker.Count);
    }

    [Fact]
    public void Fail_needs_a_reason()
    {
        var tracker = NewTracker();
        Target target = tracker.MarkSyncing(Admit(tracker, Head(100)).Id);

        Assert.ThrowsAny<ArgumentException>(() => tracker.Fail(target.Id, ""));
        Assert.Equal(TargetState.Syncing, tracker.Find(target.Id)!.State);
    }

    [Fact]
    public void Requeue_puts_a_syncing_target_back_to_wait_without_history()
    {
        var tracker = NewTracker();
        Target target = Admit(tracker, Head(100));
        tracker.MarkSyncing(target.Id, Tip(Block(9, 50, height: 9)));

        Target again = tracker.Requeue(target.Id);

        Assert.Equal(TargetState.Wait, again.State);
        Assert.Null(again.Base);
        Assert.Null(again.Current);
        Assert.Null(again.Start);
        Assert.Empty(tracker.Snapshot().History);
        Assert.Equal(target.Id, tracker.SelectNext()!.Id);
    }

    [Fact]
    public void History_is_newest_first_and_bounded()
    {
        var tracker = NewTracker(history: 3);
        var finished = new List<long>();
        for (int i = 1; i <= 5; i++)
        {
            Target target = tracker.MarkSyncing(Admit(tracker, Head(100 * i, miner: i)).Id);
            if (i % 2 == 0)
            {
                tracker.Fail(target.Id, "timeout");
            }
            else
            {
                tracker.Complete(target.Id);
            }

            finished.Add(target.Id);
        }

        long[] history = [.. tracker.Snapshot().History.Select(t => t.Id)];

        Assert.Equal([finished[4], finished[3], finished[2]], history);
        Assert.Null(tracker.Find(finished[0]));
    }

    [Fact]
    public void History_of_size_zero_keeps_nothing()
    {
        var tracker = NewTracker(history: 0);
        Target target = tracker.MarkSyncing(Admit(tracker, Head(100)).Id);

        Target done = tracker.Complete(target.Id);

        Assert.Equal(TargetState.Complete, done.State);
        Assert.Empty(tracker.Snapshot().History);
        Assert.Null(tracker.Find(target.Id));
        Assert.Equal(AdmissionOutcome.Added, tracker.Add(Head(100)).Outcome);
    }

    [Fact]
    public void A_target_fallen_out_of_the_history_no_longer_covers_its_head()
    {
        var tracker = NewTracker(history: 1);
        Target first = tracker.MarkSyncing(Admit(tracker, Head(100, miner: 1)).Id);
        tracker.Complete(first.Id);
        Target second = tracker.MarkSyncing(Admit(tracker, Head(200, miner: 2)).Id);
        tracker.Complete(second.Id);

        Assert.Equal(AdmissionOutcome.RefusedCovered, tracker.Add(Head(200, miner: 2)).Outcome);
        Assert.Equal(AdmissionOutcome.Added, tracker.Add(Head(100, miner: 1)).Outcome);
    }

    [Fact]
    public void Starting_a_target_twice_is_refused()
    {
        var tracker = NewTracker();
        Target target = tracker.MarkSyncing(Admit(tracker, Head(100)).Id);

        Assert.Throws<InvalidOperationException>(() => tracker.MarkSyncing(target.Id));
    }

    [Fact]
    public void A_waiting_target_cannot_progress_finish_fail_or_be_requeued()
    {
        var tracker = NewTracker();
        long id = Admit(tracker, Head(100)).Id;
        TipSet somewhere = Tip(Block(9, 50, height: 9));

        Assert.Throws<InvalidOperationException>(() => tracker.UpdateProgress(id, somewhere));
        Assert.Throws<InvalidOperationException>(() => tracker.Complete(id));
        Assert.Throws<InvalidOperationException>(() => tracker.Fail(id, "no"));
        Assert.Throws<InvalidOperationException>(() => tracker.Requeue(id));
        Assert.Equal(TargetState.Wait, tracker.Find(id)!.State);
    }

    [Fact]
    public void A_finished_target_cannot_change_again()
    {
        var tracker = NewTracker();
        long id = tracker.MarkSyncing(Admit(tracker, Head(100)).Id).Id;
        tracker.Complete(id);

        Assert.Throws<InvalidOperationException>(() => tracker.Complete(id));
        Assert.Throws<InvalidOperationException>(() => tracker.Fail(id, "late"));
        Assert.Throws<InvalidOperationException>(() => tracker.MarkSyncing(id));
        Assert.Throws<InvalidOperationException>(() => tracker.Requeue(id));
        Assert.Equal(TargetState.Complete, tracker.Find(id)!.State);
    }

    [Fact]
    public void An_unknown_or_dropped_target_is_an_argument_error()
    {
        var tracker = NewTracker();
        long dropped = Admit(tracker, Info(Block(1, 100))).Id;
        Admit(tracker, Info(Block(2, 100))); // merges and drops the first

        Assert.Throws<ArgumentException>("id", () => tracker.MarkSyncing(dropped));
        Assert.Throws<ArgumentException>("id", () => tracker.Complete(42));
    }

    [Fact]
    public void A_snapshot_does_not_change_when_the_tracker_does()
    {
        var tracker = NewTracker();
        Target first = Admit(tracker, Head(100, miner: 1));
        Target second = Admit(tracker, Head(200, miner: 2));
        TargetTrackerSnapshot snapshot = tracker.Snapshot();

        tracker.MarkSyncing(second.Id);
        tracker.Complete(second.Id);
        tracker.MarkSyncing(first.Id);
        Admit(tracker, Head(300, miner: 3));

        Assert.Equal([second.Id, first.Id], snapshot.Buckets.Select(t => t.Id));
        Assert.All(snapshot.Buckets, t => Assert.Equal(TargetState.Wait, t.State));
        Assert.Empty(snapshot.History);
        Assert.Equal(TargetState.Wait, first.State);
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(-1, 10)]
    [InlineData(15, -1)]
    public void Options_out_of_range_are_refused_at_construction(int capacity, int history)
    {
        var options = new TargetTrackerOptions { Capacity = capacity, HistoryCapacity = history };

        Assert.Throws<ArgumentOutOfRangeException>(() => new TargetTracker(_time, options));
    }

    [Fact]
    public void Options_default_to_venus_sizes()
    {
        var options = new TargetTrackerOptions();

        Assert.Equal(15, options.Capacity);
        Assert.Equal(10, options.HistoryCapacity);
    }

    [Fact]
    public void Options_changed_after_construction_do_not_reach_the_tracker()
    {
        var options = new TargetTrackerOptions { Capacity = 1 };
        var tracker = new TargetTracker(_time, options);
        options.Capacity = 5;
        Admit(tracker, Head(100, miner: 1));

        Assert.Equal(AdmissionOutcome.RefusedFull, tracker.Add(Info(Block(2, 100, parents: OtherParents))).Outcome);
    }
}
