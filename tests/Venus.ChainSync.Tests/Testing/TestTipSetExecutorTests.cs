using System.Numerics;
using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Tests.Testing;

public class TestTipSetExecutorTests
{
    [Fact]
    public async Task A_built_chain_verifies_link_by_link()
    {
        var builder = new ChainBuilder(new MemoryBlockstore(), seed: 11);
        TipSet genesis = builder.Genesis();
        IReadOnlyList<TipSet> chain = builder.AddChain(genesis, 8, i => new TipSetSpec(Blocks: 1 + (i % 3), BlsMessages: i % 2, SecpMessages: 1, SharedMessages: i % 2, NullRoundsBefore: i == 4 ? 2 : 0));
        var executor = new TestTipSetExecutor();
        CancellationToken ct = TestGuard.Token();

        TipSet parent = genesis;
        TipSetState state = builder.GenesisState;
        Assert.Equal(state.StateRoot, genesis.ParentStateRoot);
        foreach (TipSet child in chain)
        {
            if (parent != genesis)
            {
                state = await executor.ExecuteAsync(builder.GetFullTipSet(parent), state, ct);
            }

            Assert.All(child.Blocks, b =>
            {
                Assert.Equal(state.StateRoot, b.ParentStateRoot);
                Assert.Equal(state.ReceiptsRoot, b.ParentMessageReceipts);
            });
            Assert.Equal(state, builder.StateOf(parent));
            parent = child;
        }

        Assert.Equal(chain.Count - 1, executor.ExecutedCount);
        Assert.Equal(chain.SkipLast(1).Select(t => t.Key), executor.Executed);
    }

    [Fact]
    public void The_same_chain_from_the_same_seed_gives_the_same_states()
    {
        static TipSetState Build(int seed)
        {
            var builder = new ChainBuilder(new MemoryBlockstore(), seed);
            TipSet tip = builder.AddChain(builder.Genesis(), 4, new TipSetSpec(Blocks: 2, BlsMessages: 2, SecpMessages: 2))[^1];
            return builder.StateOf(tip);
        }

        Assert.Equal(Build(5), Build(5));
        Assert.NotEqual(Build(5), Build(6));
    }

    [Fact]
    public void Changing_a_message_changes_the_state_root()
    {
        var builder = new ChainBuilder(new MemoryBlockstore(), seed: 12);
        TipSet genesis = builder.Genesis();
        FullTipSet full = builder.GetFullTipSet(builder.AddTipSet(genesis, blsMessages: 2, secpMessages: 1));
        FullBlock block = full.Blocks[0];
        Message original = block.BlsMessages[1];
        Message changed = Message.Create(original.To, original.From, original.Nonce + 1, original.Value, original.GasLimit, original.GasFeeCap, original.GasPremium, original.Method, original.Params);
        // The same block but for one message: a header committing to the changed list (a FullTipSet holds no other).
        Message[] changedList = [block.BlsMessages[0], changed];
        BlockHeader header = block.Header;
        BlockHeader alteredHeader = BlockHeader.Create(
            header.Miner, header.Parents, header.Height, header.ParentStateRoot, header.ParentMessageReceipts,
            MessageRoot.Compute([.. changedList.Select(m => m.Cid)], [.. block.SecpkMessages.Select(m => m.Cid)]).Cid,
            header.ParentWeight, header.Ticket, timestamp: header.Timestamp);
        var altered = FullTipSet.Create([new FullBlock(alteredHeader, changedList, block.SecpkMessages)]);
        TipSetState parent = builder.GenesisState;

        TipSetState before = TestTipSetExecutor.Compute(full, parent);
        TipSetState after = TestTipSetExecutor.Compute(altered, parent);

        Assert.NotEqual(before.StateRoot, after.StateRoot);
        Assert.NotEqual(before.ReceiptsRoot, after.ReceiptsRoot);
        Assert.Equal(before, TestTipSetExecutor.Compute(full, parent));
    }

    [Fact]
    public void Messages_apply_block_by_block_bls_then_secp_each_once()
    {
        var builder = new ChainBuilder(new MemoryBlockstore(), seed: 13);
        FullTipSet full = builder.GetFullTipSet(builder.AddTipSet(builder.Genesis(), blocks: 3, blsMessages: 1, secpMessages: 1, sharedMessages: 2));

        IReadOnlyList<Cid> order = TestTipSetExecutor.ExecutionOrder(full);

        var expected = new List<Cid>();
        foreach (FullBlock block in full.Blocks)
        {
            expected.AddRange(block.BlsMessages.Select(m => m.Cid).Concat(block.SecpkMessages.Select(m => m.Cid)).Where(c => !expected.Contains(c)));
        }

        Assert.Equal(expected, order);
        Assert.Equal(order.Count, order.Distinct().Count());
        Assert.Equal(3 + 3 + 4, order.Count); // 1 bls + 1 secp per block, plus 2 shared of each kind once.
    }

    [Fact]
    public async Task A_parent_state_other_than_the_headers_name_is_refused()
    {
        var builder = new ChainBuilder(new MemoryBlockstore(), seed: 14);
        TipSet genesis = builder.Genesis();
        FullTipSet full = builder.GetFullTipSet(builder.AddTipSet(genesis));
        var wrong = new TipSetState(builder.GenesisState.ReceiptsRoot, builder.GenesisState.StateRoot);

        await Assert.ThrowsAsync<ArgumentException>(async () => await new TestTipSetExecutor().ExecuteAsync(full, wrong, TestGuard.Token()));
    }

    [Fact]
    public async Task A_tipset_marked_invalid_throws_the_permanent_exception()
    {
        var builder = new ChainBuilder(new MemoryBlockstore(), seed: 15);
        TipSet genesis = builder.Genesis();
        TipSet tipSet = builder.AddTipSet(genesis);
        var executor = new TestTipSetExecutor();
        executor.MarkInvalid(tipSet.Key, "bad state");

        var failure = await Assert.ThrowsAsync<InvalidTipSetException>(async () => await executor.ExecuteAsync(builder.GetFullTipSet(tipSet), builder.GenesisState, TestGuard.Token()));

        Assert.Equal("bad state", failure.Message);
        Assert.Equal(0, executor.ExecutedCount);
    }

    [Fact]
    public async Task A_delayed_execution_completes_when_the_clock_advances()
    {
        var builder = new ChainBuilder(new MemoryBlockstore(), seed: 16);
        TipSet genesis = builder.Genesis();
        TipSet tipSet = builder.AddTipSet(genesis);
        var time = new FakeTimeProvider();
        var executor = new TestTipSetExecutor(time, TimeSpan.FromSeconds(5));

        Task<TipSetState> running = executor.ExecuteAsync(builder.GetFullTipSet(tipSet), builder.GenesisState, TestGuard.Token()).AsTask();
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(running.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(builder.StateOf(tipSet), await running.WaitAsync(TestGuard.Token()));
    }

    [Fact]
    public async Task A_hook_holds_execution_until_released()
    {
        var builder = new ChainBuilder(new MemoryBlockstore(), seed: 17);
        TipSet genesis = builder.Genesis();
        TipSet tipSet = builder.AddTipSet(genesis);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var executor = new TestTipSetExecutor((_, ct) => new ValueTask(gate.Task.WaitAsync(ct)));

        Task<TipSetState> running = executor.ExecuteAsync(builder.GetFullTipSet(tipSet), builder.GenesisState, TestGuard.Token()).AsTask();
        Assert.False(running.IsCompleted);
        gate.SetResult();

        Assert.Equal(builder.StateOf(tipSet), await running.WaitAsync(TestGuard.Token()));
    }

    [Fact]
    public void A_genesis_state_given_in_options_roots_the_chain()
    {
        var genesisState = new TipSetState(Cid.ComputeDagCbor([0x01]), Cid.ComputeDagCbor([0x02]));
        var builder = new ChainBuilder(new MemoryBlockstore(), seed: 18, new ChainBuilderOptions { GenesisState = genesisState });
        TipSet genesis = builder.Genesis();
        TipSet child = builder.AddTipSet(genesis);

        Assert.Equal(genesisState, builder.GenesisState);
        Assert.Equal(genesisState.StateRoot, genesis.ParentStateRoot);
        Assert.Equal(genesisState.StateRoot, child.ParentStateRoot);
        Assert.Equal(genesisState.ReceiptsRoot, child.Blocks[0].ParentMessageReceipts);
    }

    [Fact]
    public async Task The_weigher_agrees_with_the_builder()
    {
        var builder = new ChainBuilder(new MemoryBlockstore(), seed: 19);
        TipSet genesis = builder.Genesis();
        IReadOnlyList<TipSet> chain = builder.AddChain(genesis, 3, i => new TipSetSpec(Blocks: i + 1));
        var weigher = new ParentWeightWeigher();

        foreach (TipSet tipSet in chain.Prepend(genesis))
        {
            Assert.Equal(builder.WeightOf(tipSet), await weigher.WeightAsync(tipSet, TestGuard.Token()));
        }

        Assert.Equal(builder.WeightOf(chain[1]), chain[2].ParentWeight);
        Assert.Equal(new BigInteger(10 + 10 + 20 + 30), weigher.Weight(chain[2])); // genesis, then tipsets of 1, 2 and 3 blocks
        Assert.Throws<ArgumentOutOfRangeException>(() => new ParentWeightWeigher(0));
    }
}
