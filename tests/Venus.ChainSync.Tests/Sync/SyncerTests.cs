using NSubstitute;
using Venus.ChainSync.Exchange;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Tests.Sync;

public sealed class SyncerTests
{
    private static TipSetSpec Varied(int i) => new(
        Blocks: 1 + (i % 3),
        BlsMessages: i % 4 == 0 ? 1 : 0,
        SecpMessages: i % 5 == 0 ? 1 : 0,
        SharedMessages: i % 11 == 0 ? 1 : 0,
        NullRoundsBefore: i % 97 == 5 ? 2 : 0);

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1_000)]
    [InlineData(5_000)]
    public async Task Catch_up_with_null_rounds_and_wide_tipsets_reaches_the_target_with_every_state(int length)
    {
        var world = new SyncerFixture();
        IReadOnlyList<TipSet> chain = world.Chain.AddChain(world.Genesis, length, Varied);
        var reported = new List<long>();

        SyncResult result = await world.SyncAsync(chain[^1], t => reported.Add(t.Height));

        Assert.Equal(SyncOutcomeKind.Completed, result.Kind);
        Assert.Equal(chain[^1], result.ReachedHead);
        Assert.Equal(chain[^1], await world.HeadAsync());
        foreach (TipSet tipSet in chain)
        {
            Assert.True(await world.HasStateAsync(tipSet));
        }

        // First the base the forward walk starts from (genesis here), then every executed tipset in order.
        Assert.Equal(chain.Select(t => t.Height).Prepend(0), reported);
        Assert.Equal(length, world.Executor.ExecutedCount);
        Assert.All(world.Exchange.HeaderRequests, count => Assert.InRange(count, 1, 900));
        Assert.Empty(world.Bad.Snapshot());
        Assert.Empty(world.Recorder.BrokenPromises);
    }

    [Theory]
    [InlineData(899)]
    [InlineData(900)]
    [InlineData(901)]
    [InlineData(1_802)]
    public async Task Header_windows_across_the_900_boundary_link_and_execute(int length)
    {
        var world = new SyncerFixture();
        IReadOnlyList<TipSet> chain = world.Chain.AddChain(world.Genesis, length);

        SyncResult result = await world.SyncAsync(chain[^1]);

        Assert.Equal(SyncOutcomeKind.Completed, result.Kind);
        Assert.Equal(chain[^1], await world.HeadAsync());

        // The target's own header comes with the announcement; the length - 1 below it come in windows of at most 900.
        Assert.Equal(length - 1, world.Exchange.HeaderRequests.Sum());
        Assert.Equal((length - 1 + 899) / 900, world.Exchange.HeaderRequests.Count);
    }

    [Fact]
    public async Task Messages_are_fetched_in_segments_of_eight()
    {
        var world = new SyncerFixture();
        // Each tipset has a message of its own: tipsets without messages share their (empty) message meta, which
        // the store then already holds.
        IReadOnlyList<TipSet> chain = world.Chain.AddChain(world.Genesis, 20, new TipSetSpec(BlsMessages: 1));

        SyncResult result = await world.SyncAsync(chain[^1]);

        Assert.Equal(SyncOutcomeKind.Completed, result.Kind);
        Assert.Equal(chain[^1], result.ReachedHead);
        Assert.Equal(20, world.Executor.ExecutedCount);
        Assert.Equal(19, world.Exchange.HeaderRequests.Sum());
        Assert.Equal(3, world.Exchange.MessageRequests);
    }

    [Fact]
    public async Task A_target_lighter_than_the_head_is_refused()
    {
        var world = new SyncerFixture();
        IReadOnlyList<TipSet> main = world.Chain.AddChain(world.Genesis, 20);
        IReadOnlyList<TipSet> side = world.Chain.AddChain(main[4], 3);
        await world.SyncAsync(main[^1]);
        int requests = world.Exchange.Requests;

        SyncResult result = await world.SyncAsync(side[^1]);

        Assert.Equal(SyncOutcomeKind.Refused, result.Kind);
        Assert.Equal(requests, world.Exchange.Requests);
        Assert.Equal(main[^1], await world.HeadAsync());
    }

    [Fact]
    public async Task A_target_known_with_state_is_refused_without_fetching()
    {
        var world = new SyncerFixture();
        IReadOnlyList<TipSet> chain = world.Chain.AddChain(world.Genesis, 10);
        await world.SyncAsync(chain[^1]);
        int requests = world.Exchange.Requests;

        SyncResult again = await world.SyncAsync(chain[^1]);
        SyncResult ancestor = await world.SyncAsync(chain[3]);

        Assert.Equal(SyncOutcomeKind.Refused, again.Kind);
        Assert.Equal(SyncOutcomeKind.Refused, ancestor.Kind);
        Assert.Equal(requests, world.Exchange.Requests);
    }

    [Fact]
    public async Task A_part_of_the_head_is_refused_as_already_in_the_head()
    {
        var world = new SyncerFixture();
        IReadOnlyList<TipSet> chain = world.Chain.AddChain(world.Genesis, 5, new TipSetSpec(Blocks: 3));
        await world.SyncAsync(chain[^1]);

        SyncResult result = await world.SyncAsync(TipSet.Create(chain[^1].Blocks[1]));

        Assert.Equal(SyncOutcomeKind.Refused, result.Kind);
    }

    [Fact]
    public async Task A_heavier_fork_shorter_than_the_threshold_becomes_the_head()
    {
        var world = new SyncerFixture();
        IReadOnlyList<TipSet> main = world.Chain.AddChain(world.Genesis, 20);
        IReadOnlyList<TipSet> fork = world.Chain.AddChain(main[14], 10, new TipSetSpec(Blocks: 2));
        await world.SyncAsync(main[^1]);

        SyncResult result = await world.SyncAsync(fork[^1]);

        Assert.Equal(SyncOutcomeKind.Completed, result.Kind);
        Assert.Equal(fork[^1], await world.HeadAsync());
        Assert.Empty(world.Recorder.BrokenPromises);
        Assert.True(await world.HasStateAsync(fork[0]));
    }

    [Fact]
    public async Task A_fork_whose_known_base_is_an_old_side_branch_finds_the_common_ancestor_and_switches()
    {
        var world = new SyncerFixture();
        IReadOnlyList<TipSet> main = world.Chain.AddChain(world.Genesis, 20);
        IReadOnlyList<TipSet> side = world.Chain.AddChain(main[9], 5);
        IReadOnlyList<TipSet> revived = world.Chain.AddChain(side[^1], 4, new TipSetSpec(Blocks: 5));
        Assert.Equal(SyncOutcomeKind.Completed, (await world.SyncAsync(side[^1])).Kind);
        Assert.Equal(SyncOutcomeKind.Completed, (await world.SyncAsync(main[^1])).Kind);
        int headerRequests = world.Exchange.HeaderRequests.Count;

        SyncResult result = await world.SyncAsync(revived[^1]);

        Assert.Equal(SyncOutcomeKind.Completed, result.Kind);
        Assert.Equal(revived[^1], await world.HeadAsync());
        Assert.Equal(headerRequests + 1, world.Exchange.HeaderRequests.Count);
        Assert.Equal(5 + 20 + 4, world.Executor.ExecutedCount);
        Assert.Empty(world.Recorder.BrokenPromises);
    }

    [Fact]
    public async Task Small_windows_and_segments_still_carry_a_long_catch_up_through()
    {
        var world = new SyncerFixture(new SyncerOptions { HeaderWindow = 7, SegmentLength = 3 });
        IReadOnlyList<TipSet> chain = world.Chain.AddChain(world.Genesis, 50, new TipSetSpec(BlsMessages: 1));

        SyncResult result = await world.SyncAsync(chain[^1]);

        Assert.Equal(SyncOutcomeKind.Completed, result.Kind);
        Assert.Equal(chain[^1], await world.HeadAsync());
        Assert.All(world.Exchange.HeaderRequests, count => Assert.InRange(count, 1, 7));
        Assert.Equal(49, world.Exchange.HeaderRequests.Sum());

        // Chunks of 7 tipsets, each cut into segments of 3, 3 and 1 (the last chunk holds 1).
        Assert.Equal((7 * 3) + 1, world.Exchange.MessageRequests);
    }

    [Fact]
    public async Task A_fork_longer_than_the_threshold_on_the_incoming_side_is_invalid_and_not_cached()
    {
        var world = new SyncerFixture(new SyncerOptions { ForkLengthThreshold = 5 });
        IReadOnlyList<TipSet> main = world.Chain.AddChain(world.Genesis, 20);
        IReadOnlyList<TipSet> fork = world.Chain.AddChain(main[9], 15, new TipSetSpec(Blocks: 2));
        await world.SyncAsync(main[^1]);

        SyncResult result = await world.SyncAsync(fork[^1]);

        Assert.Equal(SyncOutcomeKind.Invalid, result.Kind);
        Assert.Equal(SyncReason.ForkTooLong, result.Code);
        Assert.Equal(main[^1], await world.HeadAsync());
        Assert.Empty(world.Bad.Snapshot());
    }

    [Fact]
    public async Task A_fork_longer_than_the_threshold_on_our_side_is_invalid_and_not_cached()
    {
        var world = new SyncerFixture(new SyncerOptions { ForkLengthThreshold = 5 });
        IReadOnlyList<TipSet> main = world.Chain.AddChain(world.Genesis, 20);

        // Two wide tipsets after null rounds: above our head's height, heavier, but six of our tipsets would be undone.
        TipSet first = world.Chain.AddTipSet(main[13], blocks: 5, nullRoundsBefore: 10);
        TipSet second = world.Chain.AddTipSet(first, blocks: 5);
        await world.SyncAsync(main[^1]);

        SyncResult result = await world.SyncAsync(second);

        Assert.Equal(SyncOutcomeKind.Invalid, result.Kind);
        Assert.Equal(SyncReason.ForkTooLong, result.Code);
        Assert.Equal(main[^1], await world.HeadAsync());
        Assert.Empty(world.Bad.Snapshot());
    }

    [Fact]
    public async Task After_a_checkpoint_a_fork_below_it_is_refused_and_one_above_it_is_followed()
    {
        var world = new SyncerFixture();
        IReadOnlyList<TipSet> main = world.Chain.AddChain(world.Genesis, 20);
        IReadOnlyList<TipSet> below = world.Chain.AddChain(main[9], 3, new TipSetSpec(Blocks: 5));
        IReadOnlyList<TipSet> above = world.Chain.AddChain(main[16], 3, new TipSetSpec(Blocks: 5));
        await world.SyncAsync(main[^1]);

        SyncResult checkpoint = await world.Syncer.SyncCheckpointAsync(main[14].Key, TestGuard.Token());
        SyncResult refused = await world.SyncAsync(below[^1]);
        SyncResult followed = await world.SyncAsync(above[^1]);

        Assert.Equal(SyncOutcomeKind.Completed, checkpoint.Kind);
        Assert.Equal(main[14].Key, await world.Store.GetCheckpointAsync(CancellationToken.None));
        Assert.Equal(SyncOutcomeKind.Invalid, refused.Kind);
        Assert.Equal(SyncReason.ForkBelowCheckpoint, refused.Code);
        Assert.Empty(world.Bad.Snapshot());
        Assert.Equal(SyncOutcomeKind.Completed, followed.Kind);
        Assert.Equal(above[^1], await world.HeadAsync());
    }

    [Fact]
    public async Task A_checkpoint_on_an_unknown_lighter_chain_is_synced_and_becomes_the_head()
    {
        var world = new SyncerFixture();
        IReadOnlyList<TipSet> main = world.Chain.AddChain(world.Genesis, 20);
        IReadOnlyList<TipSet> other = world.Chain.AddChain(main[4], 6);
        await world.SyncAsync(main[^1]);

        world.Recorder.AllowLighterHeads = true;
        SyncResult result = await world.Syncer.SyncCheckpointAsync(other[^1].Key, TestGuard.Token());

        Assert.Equal(SyncOutcomeKind.Completed, result.Kind);
        Assert.Equal(other[^1], await world.HeadAsync());
        Assert.True(await world.HasStateAsync(other[^1]));
        Assert.Equal(other[^1].Key, await world.Store.GetCheckpointAsync(CancellationToken.None));

        // The old chain, heavier and growing, now leaves the checkpoint (its executed tip is simply known).
        IReadOnlyList<TipSet> grown = world.Chain.AddChain(main[^1], 2);
        Assert.Equal(SyncOutcomeKind.Refused, (await world.SyncAsync(main[^1])).Kind);
        SyncResult leaving = await world.SyncAsync(grown[^1]);
        Assert.Equal(SyncOutcomeKind.Invalid, leaving.Kind);
        Assert.Equal(SyncReason.ForkBelowCheckpoint, leaving.Code);
        Assert.Equal(other[^1], await world.HeadAsync());
    }

    [Fact]
    public async Task A_child_naming_a_wrong_parent_state_root_is_invalid_and_cached_with_its_descendants_unknown()
    {
        var world = new SyncerFixture();
        IReadOnlyList<TipSet> chain = world.Chain.AddChain(world.Genesis, 30);
        TipSet honest = world.Chain.AddTipSet(chain[^1]);
        TipSet forged = world.Chain.AddTipSet(chain[^1], new TipSetSpec { Fault = TipSetFault.WrongParentStateRoot });

        SyncResult result = await world.SyncAsync(forged);

        Assert.Equal(SyncOutcomeKind.Invalid, result.Kind);
        Assert.Equal(chain[^1], result.ReachedHead);
        Assert.Equal(chain[^1], await world.HeadAsync());
        Assert.NotNull(world.Bad.Check(forged.Blocks[0].Cid));
        Assert.Null(world.Bad.Check(honest.Blocks[0].Cid));
    }

    [Fact]
    public async Task A_tipset_the_executor_finds_invalid_is_cached_with_everything_above_it_linked_to_it()
    {
        var world = new SyncerFixture();
        IReadOnlyList<TipSet> chain = world.Chain.AddChain(world.Genesis, 40);
        world.Executor.MarkInvalid(chain[19].Key);

        SyncResult result = await world.SyncAsync(chain[^1]);

        Assert.Equal(SyncOutcomeKind.Invalid, result.Kind);
        Assert.Equal(chain[18], await world.HeadAsync());
        Cid origin = chain[19].Blocks[0].Cid;
        Assert.Null(world.Bad.Check(origin)!.Origin);
        Assert.Equal(origin, world.Bad.Check(chain[^1].Blocks[0].Cid)!.Origin);
        Assert.Equal(origin, world.Bad.Check(chain[20].Blocks[0].Cid)!.Origin);
        Assert.Null(world.Bad.Check(chain[18].Blocks[0].Cid));
    }

    [Fact]
    public async Task A_block_from_the_future_fails_without_caching_and_syncs_once_its_time_has_come()
    {
        var world = new SyncerFixture(now: SyncerFixture.TimeOfHeight(50));
        IReadOnlyList<TipSet> chain = world.Chain.AddChain(world.Genesis, 60);
        Assert.Equal(SyncerFixture.TimeOfHeight(50), DateTimeOffset.FromUnixTimeSeconds((long)chain[49].MinTimestamp));

        SyncResult early = await world.SyncAsync(chain[^1]);

        Assert.Equal(SyncOutcomeKind.Failed, early.Kind);
        Assert.Equal(chain[49], await world.HeadAsync());
        Assert.Empty(world.Bad.Snapshot());

        world.Time.Advance(TimeSpan.FromSeconds(30 * 10));
        SyncResult later = await world.SyncAsync(chain[^1]);

        Assert.Equal(SyncOutcomeKind.Completed, later.Kind);
        Assert.Equal(chain[^1], await world.HeadAsync());
    }

    [Fact]
    public async Task A_block_within_the_allowed_clock_drift_is_accepted()
    {
        var world = new SyncerFixture(now: SyncerFixture.TimeOfHeight(5).AddSeconds(-1));
        IReadOnlyList<TipSet> chain = world.Chain.AddChain(world.Genesis, 5);

        SyncResult result = await world.SyncAsync(chain[^1]);

        Assert.Equal(SyncOutcomeKind.Completed, result.Kind);
    }

    [Fact]
    public async Task A_target_holding_a_cached_bad_block_is_invalid_without_fetching()
    {
        var world = new SyncerFixture();
        IReadOnlyList<TipSet> chain = world.Chain.AddChain(world.Genesis, 10);
        world.Bad.Mark(chain[^1].Blocks[0].Cid, "known bad");

        SyncResult result = await world.SyncAsync(chain[^1]);

        Assert.Equal(SyncOutcomeKind.Invalid, result.Kind);
        Assert.Equal(0, world.Exchange.Requests);
    }

    [Fact]
    public async Task A_chain_through_a_cached_bad_block_is_invalid_and_its_new_descendants_are_marked_with_it_as_origin()
    {
        var world = new SyncerFixture();
        IReadOnlyList<TipSet> chain = world.Chain.AddChain(world.Genesis, 50);
        Cid bad = chain[19].Blocks[0].Cid;
        world.Bad.Mark(bad, "known bad");

        SyncResult result = await world.SyncAsync(chain[^1]);

        Assert.Equal(SyncOutcomeKind.Invalid, result.Kind);
        Assert.Equal(0, world.Exchange.MessageRequests);
        Assert.Equal(0, world.Executor.ExecutedCount);
        Assert.Equal(bad, world.Bad.Check(chain[^1].Blocks[0].Cid)!.Origin);
        Assert.Equal(bad, world.Bad.Check(chain[20].Blocks[0].Cid)!.Origin);
    }

    [Fact]
    public async Task A_chain_from_another_genesis_is_invalid()
    {
        var world = new SyncerFixture();
        var foreign = new ChainBuilder(new MemoryBlockstore(), seed: 99);
        IReadOnlyList<TipSet> chain = foreign.AddChain(foreign.Genesis(), 10);
        world.Exchange.Serve(foreign);

        SyncResult result = await world.SyncAsync(chain[^1]);

        Assert.Equal(SyncOutcomeKind.Invalid, result.Kind);
        Assert.Equal(SyncReason.OtherGenesis, result.Code);
        Assert.Equal(world.Genesis, await world.HeadAsync());
    }

    [Fact]
    public async Task No_peer_answering_fails_the_sync_without_caching()
    {
        var world = new SyncerFixture();
        IReadOnlyList<TipSet> chain = world.Chain.AddChain(world.Genesis, 10);
        world.Exchange.Unreachable = true;

        SyncResult result = await world.SyncAsync(chain[^1]);

        Assert.Equal(SyncOutcomeKind.Failed, result.Kind);
        Assert.Empty(world.Bad.Snapshot());
    }

    [Fact]
    public async Task Cancelling_a_sync_ends_it_as_cancelled()
    {
        using var cancellation = new CancellationTokenSource();
        var gate = new TaskCompletionSource();
        var executor = new TestTipSetExecutor(async (_, ct) =>
        {
            await cancellation.CancelAsync();
            await gate.Task.WaitAsync(ct);
        });
        var world = new SyncerFixture(executor: executor);
        IReadOnlyList<TipSet> chain = world.Chain.AddChain(world.Genesis, 30);

        SyncResult result = await world.Syncer.HandleNewTipSetAsync(SyncerFixture.TargetOf(chain[^1]), null, cancellation.Token)
            .WaitAsync(TestGuard.Token());

        Assert.Equal(SyncOutcomeKind.Cancelled, result.Kind);
    }

    [Fact]
    public void Options_default_to_the_lotus_constants()
    {
        var options = new SyncerOptions();

        Assert.Equal(900, options.ForkLengthThreshold);
        Assert.Equal(900, options.HeaderWindow);
        Assert.Equal(8, options.SegmentLength);
        Assert.Equal(TimeSpan.FromSeconds(30), options.BlockDelay);
        Assert.Equal(TimeSpan.FromSeconds(1), options.AllowableClockDrift);
        Assert.Equal(10_000, options.MaxMessagesPerBlock);
        Assert.Equal(16, options.HeadChangeSubscriberCapacity);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Options_report_each_problem_on_one_line_and_the_syncer_refuses_them_in_one_exception()
    {
        var options = new SyncerOptions();
        options.SegmentLength = 0;
        options.HeaderWindow = 901;
        options.Execution = (ExecutionMode)7;

        IReadOnlyList<string> problems = options.Validate();

        Assert.Equal(3, problems.Count);
        Assert.Contains("SegmentLength must be between 1 and 900 (was 0).", problems);
        Assert.Contains(problems, p => p.StartsWith("HeaderWindow ", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Execution ", StringComparison.Ordinal));
        Assert.All(problems, p => Assert.DoesNotContain('\n', p));
        var refused = Assert.ThrowsAny<ArgumentException>(() => new Syncer(
            Substitute.For<IChainStore>(), Substitute.For<IChainExchange>(), SyntacticBlockValidator.Instance, null, Substitute.For<IChainWeigher>(),
            new BadTipSetCache(), options));
        Assert.Equal("options", refused.ParamName);
        Assert.All(problems, p => Assert.Contains(p, refused.Message, StringComparison.Ordinal));
    }
}
