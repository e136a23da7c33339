using Venus.ChainSync.Network;
using System.Collections.Immutable;
using Microsoft.Extensions.Logging.Abstractions;
using NSubstitute;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Tests.Dispatching;

public class DispatcherTests
{
    [Fact]
    public async Task A_gossiped_head_is_stored_queued_and_synced()
    {
        await using var h = new DispatcherHarness();
        TipSet head = h.Builder.AddTipSet(h.Genesis, blocks: 2, blsMessages: 1, secpMessages: 1);
        h.Dispatcher.Start();

        Assert.Equal(DispatchOutcome.Queued, await h.GossipAsync(head));
        FullTipSet? stored = await h.Store.GetFullTipSetAsync(head.Key, TestGuard.Token());
        Assert.NotNull(stored);
        Assert.True(stored.Blocks.All(b => b.MessagesMatchHeader()));

        SyncCall call = await h.NextCallAsync();
        Assert.Equal(head.Key, call.Target.Head.Key);
        Assert.Equal(DispatcherHarness.Source.ToString(), call.Target.Source);
        Assert.Equal(DispatcherHarness.Sender.ToString(), call.Target.Sender);
        Assert.Equal(h.Genesis, call.Target.Base);
        Assert.Equal([call.Target.Id], h.Dispatcher.Running.Select(t => t.Id));

        call.Progress!(head);
        Assert.Equal(head, h.Tracker.Find(call.Target.Id)!.Current);

        call.Complete();
        SyncFinishedEventArgs finished = await h.NextFinishedAsync();
        Assert.Equal(call.Target.Id, finished.Target.Id);
        Assert.Equal(TargetState.Complete, finished.Target.State);
        Assert.Equal(SyncOutcomeKind.Completed, finished.Result.Kind);
        Assert.False(finished.Requeued);
        Assert.Equal(call.Target.Id, Assert.Single(h.Tracker.Snapshot().History).Id);
        await DispatcherHarness.UntilAsync(() => h.Dispatcher.Running.IsEmpty);
    }

    [Fact]
    public async Task Hello_and_own_blocks_are_queued_with_their_peers()
    {
        await using var h = new DispatcherHarness();
        TipSet greeted = h.Builder.AddTipSet(h.Genesis);
        TipSet mined = h.Builder.AddTipSet(greeted);
        CancellationToken ct = TestGuard.Token();

        PeerId peer = PeerId.ForName("peer");
        Assert.Equal(DispatchOutcome.Queued, await h.Dispatcher.SendAsync(IncomingTipSet.Hello(h.Builder.GetFullTipSet(greeted), peer), ct));
        Assert.Equal(DispatchOutcome.Queued, await h.Dispatcher.SendAsync(IncomingTipSet.Own(h.Builder.GetFullTipSet(mined)), ct));
        h.Dispatcher.Start();

        // Both are admitted before the first sync or after it; either way each is synced once.
        var seen = new Dictionary<TipSetKey, Target>();
        for (int i = 0; i < 2; i++)
        {
            SyncCall call = await h.NextCallAsync();
            seen.Add(call.Target.Head.Key, call.Target);
            call.End(new SyncResult(SyncOutcomeKind.Failed, SyncReason.ExchangeFailed, "no peer"));
            await h.NextFinishedAsync();
        }

        Assert.Equal(peer.ToString(), seen[greeted.Key].Sender);
        Assert.Equal("", seen[mined.Key].Source);
        Assert.Equal("", seen[mined.Key].Sender);
    }

    [Fact]
    public async Task IncomingBlocks_receives_every_header_of_each_sent_head_and_ends_on_stop()
    {
        await using var h = new DispatcherHarness();
        TipSet first = h.Builder.AddTipSet(h.Genesis, blocks: 2);
        TipSet second = h.Builder.AddTipSet(first, blocks: 3);
        CancellationToken ct = TestGuard.Token();
        await using IAsyncEnumerator<BlockHeader> incoming = h.Dispatcher.IncomingBlocks(ct).GetAsyncEnumerator(ct);
        ValueTask<bool> next = incoming.MoveNextAsync();

        await h.GossipAsync(first);
        await h.GossipAsync(second);

        var received = new List<Cid>();
        for (int i = 0; i < 5; i++)
        {
            Assert.True(await next);
            received.Add(incoming.Current.Cid);
            next = incoming.MoveNextAsync();
        }

        Assert.Equal(first.Blocks.Concat(second.Blocks).Select(b => b.Cid), received);
        await h.Dispatcher.StopAsync(ct);
        Assert.False(await next);
    }

    [Fact]
    public async Task A_slow_subscriber_keeps_the_newest_headers()
    {
        await using var h = new DispatcherHarness();
        IReadOnlyList<TipSet> chain = h.Builder.AddChain(h.Genesis, 16);
        CancellationToken ct = TestGuard.Token();
        await using IAsyncEnumerator<BlockHeader> incoming = h.Dispatcher.IncomingBlocks(ct).GetAsyncEnumerator(ct);

        // The first header confirms the subscription; then no read is pending while fifteen more arrive.
        ValueTask<bool> subscribed = incoming.MoveNextAsync();
        await h.GossipAsync(chain[0]);
        Assert.True(await subscribed);
        foreach (TipSet tipSet in chain.Skip(1))
        {
            await h.GossipAsync(tipSet);
        }

        await h.Dispatcher.StopAsync(ct);
        var received = new List<Cid>();
        while (await incoming.MoveNextAsync())
        {
            received.Add(incoming.Current.Cid);
        }

        // Of the fifteen unread headers the newest ten (the default buffer) were kept.
        Assert.Equal(chain.Skip(6).Select(t => t.Blocks[0].Cid), received);
    }

    [Fact]
    public async Task Raising_concurrency_from_one_to_four_runs_four_syncs_at_once()
    {
        await using var h = new DispatcherHarness(concurrency: 1);
        IReadOnlyList<TipSet> chain = h.Builder.AddChain(h.Genesis, 5);
        h.Dispatcher.Start();
        foreach (TipSet tipSet in chain)
        {
            await h.GossipAsync(tipSet);
        }

        SyncCall first = await h.NextCallAsync();
        Assert.Single(h.Dispatcher.Running);

        h.Dispatcher.SetConcurrent(4);
        SyncCall[] calls = [first, await h.NextCallAsync(), await h.NextCallAsync(), await h.NextCallAsync()];

        Assert.Equal(4, h.Dispatcher.Concurrency);
        Assert.Equal(4, calls.Select(c => c.Target.Id).Distinct().Count());
        Assert.Equal(4, h.Dispatcher.Running.Length);
        Assert.All(calls, c => Assert.False(c.Result.IsCompleted));
        Assert.False(h.TryTakeCall(out _));
    }

    [Fact]
    public async Task Lowering_concurrency_cancels_the_newest_syncs_requeues_their_targets_and_runs_them_later()
    {
        await using var h = new DispatcherHarness(concurrency: 4);
        IReadOnlyList<TipSet> chain = h.Builder.AddChain(h.Genesis, 4);
        h.Dispatcher.Start();
        foreach (TipSet tipSet in chain)
        {
            await h.GossipAsync(tipSet);
        }

        var calls = new Dictionary<long, SyncCall>();
        for (int i = 0; i < 4; i++)
        {
            SyncCall call = await h.NextCallAsync();
            calls.Add(call.Target.Id, call);
        }

        ImmutableArray<Target> running = h.Dispatcher.Running;
        Assert.Equal(4, running.Length);
        long oldest = running[0].Id;
        long[] newest = [.. running.Skip(1).Select(t => t.Id)];

        h.Dispatcher.SetConcurrent(1);

        var requeued = new HashSet<long>();
        for (int i = 0; i < 3; i++)
        {
            SyncFinishedEventArgs finished = await h.NextFinishedAsync();
            Assert.True(finished.Requeued);
            Assert.Equal(TargetState.Wait, finished.Target.State);
            Assert.Equal(SyncOutcomeKind.Cancelled, finished.Result.Kind);
            requeued.Add(finished.Target.Id);
        }

        Assert.Equal(newest.ToHashSet(), requeued);
        Assert.True(h.Logged(2133));
        Assert.True(h.Logged(2132));
        Assert.All(newest, id => Assert.True(calls[id].Token.IsCancellationRequested));
        Assert.False(calls[oldest].Token.IsCancellationRequested);
        Assert.Equal([oldest], h.Dispatcher.Running.Select(t => t.Id));
        TargetTrackerSnapshot snapshot = h.Tracker.Snapshot();
        Assert.Empty(snapshot.History);
        Assert.All(newest, id => Assert.Equal(TargetState.Wait, h.Tracker.Find(id)!.State));

        // The survivor ends; the requeued targets then run again, one at a time.
        calls[oldest].Complete();
        Assert.False((await h.NextFinishedAsync()).Requeued);
        var rerun = new HashSet<long>();
        for (int i = 0; i < 3; i++)
        {
            SyncCall again = await h.NextCallAsync();
            Assert.Single(h.Dispatcher.Running);
            rerun.Add(again.Target.Id);
            again.Complete();
            SyncFinishedEventArgs finished = await h.NextFinishedAsync();
            Assert.Equal(TargetState.Complete, finished.Target.State);
        }

        Assert.Equal(requeued, rerun);
        Assert.Equal(4, h.Tracker.Snapshot().History.Length);
    }

    [Fact]
    public async Task Stop_cancels_every_sync_leaves_none_running_and_refuses_later_heads()
    {
        await using var h = new DispatcherHarness(concurrency: 2);
        IReadOnlyList<TipSet> chain = h.Builder.AddChain(h.Genesis, 3);
        h.Dispatcher.Start();
        foreach (TipSet tipSet in chain)
        {
            await h.GossipAsync(tipSet);
        }

        SyncCall[] calls = [await h.NextCallAsync(), await h.NextCallAsync()];

        await h.Dispatcher.StopAsync(TestGuard.Token());

        Assert.All(calls, c => Assert.True(c.Token.IsCancellationRequested));
        Assert.All(calls, c => Assert.True(c.Result.IsCanceled));
        Assert.Empty(h.Dispatcher.Running);
        Assert.All(calls, c => Assert.Equal(TargetState.Wait, h.Tracker.Find(c.Target.Id)!.State));
        Assert.Empty(h.Tracker.Snapshot().History);
        Assert.True((await h.NextFinishedAsync()).Requeued);
        Assert.True((await h.NextFinishedAsync()).Requeued);
        Assert.False(h.TryTakeCall(out _));
        Assert.Equal(DispatchOutcome.Stopped, await h.GossipAsync(h.Builder.AddTipSet(chain[^1])));
        await h.Dispatcher.StopAsync(TestGuard.Token());
    }

    [Fact]
    public async Task A_burst_of_a_thousand_gossip_heads_stays_bounded_and_the_heaviest_is_synced_next()
    {
        await using var h = new DispatcherHarness(concurrency: 1);
        IReadOnlyList<TipSet> chain = h.Builder.AddChain(h.Genesis, 1000);
        TipSet heaviest = chain[^1];
        TipSet[] shuffled = [.. chain.Take(999)];
        new Random(7).Shuffle(shuffled);
        h.Dispatcher.Start();

        // Four gossip loops at once, then the heaviest last: the queue drops the oldest, never the newest.
        Task[] producers = [.. Enumerable.Range(0, 4).Select(p => Task.Run(async () =>
        {
            for (int i = p; i < shuffled.Length; i += 4)
            {
                Assert.Equal(DispatchOutcome.Queued, await h.GossipAsync(shuffled[i]));
            }
        }))];
        await Task.WhenAll(producers).WaitAsync(TestGuard.Token());
        Assert.Equal(DispatchOutcome.Queued, await h.GossipAsync(heaviest));

        SyncCall first = await h.NextCallAsync();
        await DispatcherHarness.UntilAsync(() =>
            h.Dispatcher.AnnouncementsProcessed + h.Dispatcher.AnnouncementsDropped == h.Dispatcher.AnnouncementsQueued);

        Assert.Equal(1000, h.Dispatcher.AnnouncementsQueued);
        Assert.True(h.Tracker.Count <= 15);
        TargetTrackerSnapshot snapshot = h.Tracker.Snapshot();
        Target best = snapshot.Buckets.First(t => t.State == TargetState.Wait);
        Assert.All(snapshot.Buckets, t => Assert.True(t.Weight <= best.Weight || t.Id == first.Target.Id));
        if (first.Target.Head.Key != heaviest.Key)
        {
            Assert.Equal(heaviest.Key, best.Head.Key);
        }

        first.Complete();
        SyncCall next = await h.NextCallAsync();
        Assert.Equal(best.Id, next.Target.Id);
    }

    [Theory]
    [InlineData(SyncOutcomeKind.Completed, TargetState.Complete)]
    [InlineData(SyncOutcomeKind.Refused, TargetState.Complete)]
    [InlineData(SyncOutcomeKind.Invalid, TargetState.Error)]
    [InlineData(SyncOutcomeKind.Failed, TargetState.Error)]
    [InlineData(SyncOutcomeKind.Cancelled, TargetState.Error)]
    public async Task The_finished_event_reports_each_outcome(SyncOutcomeKind kind, TargetState expected)
    {
        await using var h = new DispatcherHarness();
        TipSet head = h.Builder.AddTipSet(h.Genesis);
        h.Dispatcher.Start();
        await h.GossipAsync(head);

        SyncCall call = await h.NextCallAsync();
        var result = new SyncResult(kind, kind == SyncOutcomeKind.Completed ? SyncReason.None : SyncReason.LocalFault, kind == SyncOutcomeKind.Completed ? "" : "why", head);
        call.End(result);
        SyncFinishedEventArgs finished = await h.NextFinishedAsync();

        Assert.Same(result, finished.Result);
        Assert.Equal(expected, finished.Target.State);
        Assert.False(finished.Requeued);
        Assert.Equal(expected, Assert.Single(h.Tracker.Snapshot().History).State);
        Assert.Equal(expected == TargetState.Error, finished.Target.Error is not null);
    }

    [Fact]
    public async Task A_syncer_that_throws_fails_the_target_and_the_dispatcher_goes_on()
    {
        await using var h = new DispatcherHarness();
        IReadOnlyList<TipSet> chain = h.Builder.AddChain(h.Genesis, 2);
        h.Dispatcher.Start();
        await h.GossipAsync(chain[0]);

        SyncCall call = await h.NextCallAsync();
        call.Throw(new InvalidOperationException("local fault"));
        SyncFinishedEventArgs finished = await h.NextFinishedAsync();
        Assert.Equal(TargetState.Error, finished.Target.State);
        Assert.Equal(SyncOutcomeKind.Failed, finished.Result.Kind);
        Assert.True(h.Logged(2190));

        await h.GossipAsync(chain[1]);
        SyncCall next = await h.NextCallAsync();
        Assert.Equal(chain[1].Key, next.Target.Head.Key);
    }

    [Fact]
    public async Task A_throwing_finished_handler_does_not_stop_the_dispatcher()
    {
        await using var h = new DispatcherHarness();
        IReadOnlyList<TipSet> chain = h.Builder.AddChain(h.Genesis, 2);
        h.Dispatcher.SyncFinished += (_, _) => throw new InvalidOperationException("handler bug");
        h.Dispatcher.Start();
        await h.GossipAsync(chain[0]);
        (await h.NextCallAsync()).Complete();

        await h.GossipAsync(chain[1]);
        SyncCall next = await h.NextCallAsync();
        Assert.Equal(chain[1].Key, next.Target.Head.Key);
    }

    [Fact]
    public async Task Start_is_explicit_and_happens_once()
    {
        await using var h = new DispatcherHarness();
        await h.GossipAsync(h.Builder.AddTipSet(h.Genesis));
        Assert.False(h.TryTakeCall(out _));
        Assert.Equal(0, h.Tracker.Count);

        h.Dispatcher.Start();
        Assert.Throws<InvalidOperationException>(h.Dispatcher.Start);
        (await h.NextCallAsync()).Complete();
        await h.NextFinishedAsync();
    }

    [Fact]
    public async Task Stopping_a_dispatcher_that_never_started_closes_it()
    {
        await using var h = new DispatcherHarness();
        CancellationToken ct = TestGuard.Token();
        await h.Dispatcher.StopAsync(ct);

        Assert.Throws<InvalidOperationException>(h.Dispatcher.Start);
        Assert.Equal(DispatchOutcome.Stopped, await h.GossipAsync(h.Builder.AddTipSet(h.Genesis)));
        await using IAsyncEnumerator<BlockHeader> incoming = h.Dispatcher.IncomingBlocks(ct).GetAsyncEnumerator(ct);
        Assert.False(await incoming.MoveNextAsync());
    }

    [Fact]
    public async Task A_sync_that_completes_although_cancelled_completes_its_target()
    {
        await using var h = new DispatcherHarness(concurrency: 2);
        IReadOnlyList<TipSet> chain = h.Builder.AddChain(h.Genesis, 2);
        var finishing = new TaskCompletionSource<SyncResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Syncer.HandleNewTipSetAsync(Arg.Is<Target>(t => t.Head.Key == chain[1].Key), Arg.Any<Action<TipSet>?>(), Arg.Any<CancellationToken>())
            .Returns(finishing.Task);
        h.Dispatcher.Start();
        await h.GossipAsync(chain[0]);
        SyncCall other = await h.NextCallAsync();
        await h.GossipAsync(chain[1]);
        await DispatcherHarness.UntilAsync(() => h.Dispatcher.Running.Length == 2);

        // The newest run ignores its cancellation and reports that it reached its head: that is kept, not requeued.
        h.Dispatcher.SetConcurrent(1);
        finishing.SetResult(SyncResult.Completed(chain[1]));
        SyncFinishedEventArgs finished = await h.NextFinishedAsync();

        Assert.Equal(chain[1].Key, finished.Target.Head.Key);
        Assert.False(finished.Requeued);
        Assert.Equal(TargetState.Complete, finished.Target.State);
        Assert.False(other.Token.IsCancellationRequested);
    }

    [Fact]
    public async Task Bad_arguments_are_refused()
    {
        await using var h = new DispatcherHarness();
        Assert.Throws<ArgumentOutOfRangeException>(() => h.Dispatcher.SetConcurrent(0));
        Assert.Equal(["IncomingCapacity must be at least 1 (was 0)."], new DispatcherOptions { IncomingCapacity = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dispatcher(
            h.Tracker, h.Syncer, h.Store, TimeProvider.System, NullLogger<Dispatcher>.Instance, new DispatcherOptions { MaxConcurrency = 0 }));
        Assert.Equal(1, new DispatcherOptions().MaxConcurrency);
    }
}
