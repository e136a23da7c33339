using NSubstitute;
using NSubstitute.ExceptionExtensions;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Tests.Sync;

/// <summary>The forward half: overlap of fetching and executing, validator verdicts, limits and timing.</summary>
public sealed class SyncerForwardTests
{
    [Fact]
    public async Task The_next_segment_is_fetched_while_one_executes_and_no_more_than_one_waits()
    {
        var firstExecution = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thirdFetch = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var executor = new TestTipSetExecutor(async (_, ct) =>
        {
            firstExecution.TrySetResult();
            await thirdFetch.Task.WaitAsync(ct);
        });
        var world = new SyncerFixture(executor: executor);
        IReadOnlyList<TipSet> chain = world.Chain.AddChain(world.Genesis, 80, new TipSetSpec(SecpMessages: 1));
        int seenWhileBlocked = 0;
        int executedAtThirdFetch = -1;
        world.Exchange.OnMessageRequest = count =>
        {
            if (count == 3)
            {
                // Read here, before releasing the executor: once released it runs on, so a later read would race it.
                seenWhileBlocked = count;
                executedAtThirdFetch = executor.ExecutedCount;
                thirdFetch.TrySetResult();
            }
        };

        Task<SyncResult> sync = world.SyncAsync(chain[^1]);
        await firstExecution.Task.WaitAsync(TestGuard.Token());
        await thirdFetch.Task.WaitAsync(TestGuard.Token());

        // Segment 1 executes, segment 2 waits in the one slot, segment 3 was fetched and waits to be written.
        Assert.Equal(3, seenWhileBlocked);
        Assert.Equal(0, executedAtThirdFetch);
        SyncResult result = await sync.WaitAsync(TestGuard.Token());
        Assert.Equal(SyncOutcomeKind.Completed, result.Kind);
        Assert.Equal(10, world.Exchange.MessageRequests);
    }

    [Fact]
    public async Task Messages_already_in_the_store_are_not_fetched_again()
    {
        var world = new SyncerFixture();
        IReadOnlyList<TipSet> chain = world.Chain.AddChain(world.Genesis, 4, new TipSetSpec(BlsMessages: 2));
        foreach (TipSet tipSet in chain)
        {
            await world.Store.PutHeadersAsync(tipSet.Blocks, CancellationToken.None);
            await world.Store.PutMessagesAsync(world.Chain.GetFullTipSet(tipSet), CancellationToken.None);
        }

        SyncResult result = await world.SyncAsync(chain[^1]);

        Assert.Equal(SyncOutcomeKind.Completed, result.Kind);
        Assert.Equal(0, world.Exchange.Requests);
    }

    [Fact]
    public async Task A_permanent_validator_verdict_marks_the_block_bad()
    {
        IBlockValidator validator = Substitute.For<IBlockValidator>();
        var world = new SyncerFixture(validator: validator);
        IReadOnlyList<TipSet> chain = world.Chain.AddChain(world.Genesis, 12, new TipSetSpec(Blocks: 2));
        Cid culprit = chain[6].Blocks[1].Cid;
        validator.ValidateAsync(Arg.Any<FullBlock>(), Arg.Any<TipSet>(), Arg.Any<CancellationToken>())
            .Returns(call => ((FullBlock)call[0]).Cid == culprit ? BlockValidation.Permanent("bad proof") : BlockValidation.Valid);

        SyncResult result = await world.SyncAsync(chain[^1]);

        Assert.Equal(SyncOutcomeKind.Invalid, result.Kind);
        Assert.Equal(chain[5], await world.HeadAsync());
        Assert.Null(world.Bad.Check(culprit)!.Origin);
        Assert.Null(world.Bad.Check(chain[6].Blocks[0].Cid));
        Assert.Equal(culprit, world.Bad.Check(chain[^1].Blocks[0].Cid)!.Origin);
    }

    [Fact]
    public async Task Every_block_the_validator_finds_bad_for_good_is_cached_and_a_temporary_verdict_beside_them_changes_nothing()
    {
        IBlockValidator validator = Substitute.For<IBlockValidator>();
        var world = new SyncerFixture(validator: validator);
        IReadOnlyList<TipSet> chain = world.Chain.AddChain(world.Genesis, 8, new TipSetSpec(Blocks: 3));
        TipSet judged = chain[4];
        validator.ValidateAsync(Arg.Any<FullBlock>(), Arg.Any<TipSet>(), Arg.Any<CancellationToken>())
            .Returns(call => ((FullBlock)call[0]).Cid == judged.Blocks[0].Cid ? BlockValidation.Temporary("beacon not yet")
                : ((FullBlock)call[0]).Header.Height == judged.Height ? BlockValidation.Permanent("bad ticket")
                : BlockValidation.Valid);

        SyncResult result = await world.SyncAsync(chain[^1]);

        Assert.Equal(SyncOutcomeKind.Invalid, result.Kind);
        Assert.Null(world.Bad.Check(judged.Blocks[0].Cid));
        Assert.Null(world.Bad.Check(judged.Blocks[1].Cid)!.Origin);
        Assert.Null(world.Bad.Check(judged.Blocks[2].Cid)!.Origin);
        Assert.Equal(judged.Blocks[1].Cid, world.Bad.Check(chain[^1].Blocks[0].Cid)!.Origin);
        Assert.Equal(chain[3], await world.HeadAsync());
    }

    [Fact]
    public async Task A_temporary_validator_verdict_or_a_validator_fault_fails_without_caching()
    {
        IBlockValidator validator = Substitute.For<IBlockValidator>();
        var world = new SyncerFixture(validator: validator);
        IReadOnlyList<TipSet> chain = world.Chain.AddChain(world.Genesis, 12);
        validator.ValidateAsync(Arg.Any<FullBlock>(), Arg.Any<TipSet>(), Arg.Any<CancellationToken>())
            .Returns(call => ((FullBlock)call[0]).Header.Height == 4 ? BlockValidation.Temporary("beacon not yet") : BlockValidation.Valid);

        SyncResult temporary = await world.SyncAsync(chain[^1]);

        validator.ValidateAsync(Arg.Any<FullBlock>(), Arg.Any<TipSet>(), Arg.Any<CancellationToken>())
            .Returns(call => ((FullBlock)call[0]).Header.Height == 8 ? throw new InvalidOperationException("validator down") : BlockValidation.Valid);
        SyncResult fault = await world.SyncAsync(chain[^1]);

        Assert.Equal(SyncOutcomeKind.Failed, temporary.Kind);
        Assert.Equal(SyncOutcomeKind.Failed, fault.Kind);
        Assert.Equal(chain[6], await world.HeadAsync());
        Assert.Empty(world.Bad.Snapshot());
    }

    [Fact]
    public async Task A_block_over_the_message_limit_is_invalid()
    {
        var world = new SyncerFixture(new SyncerOptions { MaxMessagesPerBlock = 3 });
        TipSet ok = world.Chain.AddTipSet(world.Genesis, blsMessages: 3);
        TipSet over = world.Chain.AddTipSet(ok, blsMessages: 2, secpMessages: 2);

        SyncResult result = await world.SyncAsync(over);

        Assert.Equal(SyncOutcomeKind.Invalid, result.Kind);
        Assert.Equal(ok, await world.HeadAsync());
        Assert.NotNull(world.Bad.Check(over.Blocks[0].Cid));
    }

    [Fact]
    public async Task A_block_with_a_timestamp_off_the_epoch_grid_is_invalid_and_cached()
    {
        var world = new SyncerFixture();
        IReadOnlyList<TipSet> chain = world.Chain.AddChain(world.Genesis, 5);
        TipSet late = world.Chain.AddTipSet(chain[^1], new TipSetSpec { Fault = TipSetFault.TimestampOffset(7) });

        SyncResult result = await world.SyncAsync(late);

        Assert.Equal(SyncOutcomeKind.Invalid, result.Kind);
        Assert.Equal(SyncReason.WrongTimestamp, result.Code);
        Assert.NotNull(world.Bad.Check(late.Blocks[0].Cid));
    }

    [Fact]
    public async Task A_wider_tipset_at_the_heads_height_replaces_the_head()
    {
        var world = new SyncerFixture();
        IReadOnlyList<TipSet> chain = world.Chain.AddChain(world.Genesis, 5);
        TipSet wide = world.Chain.AddTipSet(chain[^1], blocks: 3);
        await world.SyncAsync(TipSet.Create(wide.Blocks[0]));

        SyncResult result = await world.SyncAsync(wide);

        Assert.Equal(SyncOutcomeKind.Completed, result.Kind);
        Assert.Equal(wide, await world.HeadAsync());
    }

    [Fact]
    public async Task Progress_and_the_head_advance_tipset_by_tipset()
    {
        var world = new SyncerFixture();
        IReadOnlyList<TipSet> chain = world.Chain.AddChain(world.Genesis, 30);
        var reported = new List<TipSet>();

        await world.SyncAsync(chain[^1], reported.Add);

        Assert.Equal(chain.Prepend(world.Genesis), reported);
        Assert.Equal(chain, world.Recorder.Heads);
        Assert.Empty(world.Recorder.BrokenPromises);
    }
}
