using Venus.ChainSync.Primitives;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Tests.Sync;

/// <summary>
/// Lotus's notion of a valid head (a tipset is valid once its parent's execution matches what its blocks claim, so
/// the head is the tip before its own state is known), and the no-execution mode in which nothing is executed.
/// </summary>
public class SyncerValidHeadTests
{
    private static readonly SyncerOptions NoExecution = new() { Execution = ExecutionMode.None };

    [Fact]
    public async Task A_tip_whose_execution_fails_locally_is_still_the_head_and_the_next_sync_executes_it_first()
    {
        TipSetKey? failing = null;
        var executor = new TestTipSetExecutor((tipSet, _) =>
            tipSet.Key == failing ? throw new IOException("the FVM is not reachable") : ValueTask.CompletedTask);
        var world = new SyncerFixture(executor: executor);
        IReadOnlyList<TipSet> chain = world.Chain.AddChain(world.Genesis, 5);
        failing = chain[^1].Key;

        SyncResult first = await world.SyncAsync(chain[^1]);

        Assert.Equal(SyncOutcomeKind.Failed, first.Kind);
        Assert.Equal(chain[^1], await world.HeadAsync());
        Assert.False(await world.HasStateAsync(chain[^1]));
        Assert.True(await world.HasStateAsync(chain[^2]));

        failing = null;
        TipSet child = world.Chain.AddTipSet(chain[^1]);
        SyncResult second = await world.SyncAsync(child);

        Assert.Equal(SyncOutcomeKind.Completed, second.Kind);
        Assert.Equal(child, await world.HeadAsync());
        Assert.True(await world.HasStateAsync(chain[^1]));
        Assert.True(await world.HasStateAsync(child));
        Assert.Empty(world.Bad.Snapshot());
        Assert.Empty(world.Recorder.BrokenPromises);
    }

    [Fact]
    public async Task A_tip_the_executor_finds_invalid_is_marked_bad_and_the_head_returns_to_its_parent()
    {
        var world = new SyncerFixture();
        IReadOnlyList<TipSet> chain = world.Chain.AddChain(world.Genesis, 4);
        world.Executor.MarkInvalid(chain[^1].Key);

        SyncResult result = await world.SyncAsync(chain[^1]);

        Assert.Equal(SyncOutcomeKind.Invalid, result.Kind);
        Assert.Equal(chain[^2], await world.HeadAsync());
        Assert.Contains(world.Bad.Snapshot(), e => e.Block == chain[^1].Blocks[0].Cid);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(30)]
    [InlineData(1_000)]
    public async Task Without_execution_the_node_catches_up_to_the_exact_tip_and_records_the_claimed_states(int length)
    {
        var world = new SyncerFixture(NoExecution);
        IReadOnlyList<TipSet> chain = world.Chain.AddChain(world.Genesis, length, i => new TipSetSpec(Blocks: 1 + (i % 3), BlsMessages: i % 2, SecpMessages: 1, NullRoundsBefore: i % 7 == 3 ? 1 : 0));

        SyncResult result = await world.SyncAsync(chain[^1]);

        Assert.Equal(SyncOutcomeKind.Completed, result.Kind);
        Assert.Equal(chain[^1], await world.HeadAsync());
        Assert.Equal(0, world.Executor.ExecutedCount);
        for (int i = 0; i < chain.Count - 1; i++)
        {
            Assert.Equal(world.Chain.StateOf(chain[i]), await world.Store.GetStateAsync(chain[i].Key, CancellationToken.None));
            Assert.NotNull(await world.Store.GetFullTipSetAsync(chain[i].Key, CancellationToken.None));
        }

        // The tip's state is named by a child not yet seen.
        Assert.False(await world.HasStateAsync(chain[^1]));
        Assert.Empty(world.Recorder.BrokenPromises);
    }

    [Fact]
    public async Task Without_execution_the_node_follows_a_new_tip_from_the_last()
    {
        var world = new SyncerFixture(NoExecution);
        IReadOnlyList<TipSet> chain = world.Chain.AddChain(world.Genesis, 10);
        Assert.Equal(SyncOutcomeKind.Completed, (await world.SyncAsync(chain[^1])).Kind);

        TipSet next = world.Chain.AddTipSet(chain[^1], blocks: 2, blsMessages: 1);
        SyncResult result = await world.SyncAsync(next);

        Assert.Equal(SyncOutcomeKind.Completed, result.Kind);
        Assert.Equal(next, await world.HeadAsync());
        Assert.Equal(world.Chain.StateOf(chain[^1]), await world.Store.GetStateAsync(chain[^1].Key, CancellationToken.None));
    }

    [Fact]
    public async Task Without_execution_a_claim_against_a_known_state_is_still_checked()
    {
        // Genesis's state is known, so the first tipset's claim about it is checked, not taken on trust.
        var world = new SyncerFixture(NoExecution);
        IReadOnlyList<TipSet> chain = world.Chain.AddChain(world.Genesis, 3, i => new TipSetSpec { Fault = i == 0 ? TipSetFault.WrongParentStateRoot : null });

        SyncResult result = await world.SyncAsync(chain[^1]);

        Assert.Equal(SyncOutcomeKind.Invalid, result.Kind);
        Assert.Equal(world.Genesis, await world.HeadAsync());
    }

    [Fact]
    public async Task Without_execution_a_claim_about_an_unexecuted_parent_is_taken_on_trust()
    {
        // What a full node would refuse (tipset 2 names a wrong state for tipset 1) is what no execution cannot see:
        // the trust the mode is named for.
        var world = new SyncerFixture(NoExecution);
        IReadOnlyList<TipSet> chain = world.Chain.AddChain(world.Genesis, 4, i => new TipSetSpec { Fault = i == 2 ? TipSetFault.WrongParentStateRoot : null });

        Assert.Equal(SyncOutcomeKind.Completed, (await world.SyncAsync(chain[^1])).Kind);

        var full = new SyncerFixture(seed: 1);
        IReadOnlyList<TipSet> same = full.Chain.AddChain(full.Genesis, 4, i => new TipSetSpec { Fault = i == 2 ? TipSetFault.WrongParentStateRoot : null });
        Assert.Equal(chain[^1].Key, same[^1].Key);
        Assert.Equal(SyncOutcomeKind.Invalid, (await full.SyncAsync(same[^1])).Kind);
    }

    [Fact]
    public void Full_execution_needs_an_executor_and_no_execution_does_not()
    {
        var world = new SyncerFixture();
        Assert.Throws<ArgumentNullException>(() => new Syncer(world.Store, world.Exchange, SyntacticBlockValidator.Instance, null, new ParentWeightWeigher(), world.Bad));
        _ = new Syncer(world.Store, world.Exchange, SyntacticBlockValidator.Instance, null, new ParentWeightWeigher(), world.Bad, NoExecution);
    }

    [Fact]
    public async Task A_chain_already_stored_by_the_intake_is_not_stored_again()
    {
        // What the dispatcher took in (gossip, hello, own blocks) is stored once, there; the syncer only reads it.
        var world = new SyncerFixture();
        IReadOnlyList<TipSet> chain = world.Chain.AddChain(world.Genesis, 6, new TipSetSpec(Blocks: 2, BlsMessages: 1));
        foreach (TipSet tipSet in chain)
        {
            FullTipSet full = world.Chain.GetFullTipSet(tipSet);
            await world.Store.PutHeadersAsync(full.TipSet.Blocks, CancellationToken.None);
            await world.Store.PutMessagesAsync(full, CancellationToken.None);
        }

        SyncResult result = await world.SyncAsync(chain[^1]);

        Assert.Equal(SyncOutcomeKind.Completed, result.Kind);
        Assert.Equal(0, world.Recorder.HeaderPuts);
        Assert.Equal(0, world.Recorder.MessagePuts);
        Assert.Equal(0, world.Exchange.Requests);
    }
}
