using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Tests.Testing;

/// <summary>The builder's names and planted faults: that each fault is really there and nothing else is broken.</summary>
public sealed class ChainBuilderTests
{
    [Fact]
    public void A_named_chain_and_a_named_fork_are_found_by_tip_and_by_step()
    {
        var builder = new ChainBuilder(new MemoryBlockstore(), seed: 3);
        IReadOnlyList<TipSet> main = builder.AddChain(builder.Genesis(), 100, name: "main");
        IReadOnlyList<TipSet> side = builder.AddChain(builder["main@40"], 20, new TipSetSpec(Blocks: 2), name: "side");

        Assert.Equal(main[^1], builder["main"]);
        Assert.Equal(main[^1], builder["main@100"]);
        Assert.Equal(builder.Genesis(), builder["main@0"]);
        Assert.Equal(main[39], builder["main@40"]);
        Assert.Equal(40, builder["main@40"].Height);
        Assert.Equal(main[39], builder["side@0"]);
        Assert.Equal(side[0], builder["side@1"]);
        Assert.True(builder["side@1"].IsChildOf(builder["main@40"]));
        Assert.Equal(side[^1], builder["side"]);
        Assert.Equal(60, builder["side"].Height);
        Assert.All(side, t => Assert.Equal(2, t.Blocks.Length));
    }

    [Fact]
    public void A_single_tipset_can_be_named_and_a_built_one_renamed_but_no_name_is_reused()
    {
        var builder = new ChainBuilder(new MemoryBlockstore(), seed: 3);
        TipSet genesis = builder.Name(builder.Genesis(), "genesis");
        TipSet one = builder.AddTipSet(genesis, new TipSetSpec(), name: "one");

        Assert.Equal(genesis, builder["genesis"]);
        Assert.Equal(one, builder["one"]);
        Assert.False(builder.TryGet("two", out _));
        Assert.Throws<KeyNotFoundException>(() => builder["two"]);
        Assert.Throws<ArgumentException>(() => builder.AddTipSet(one, new TipSetSpec(), name: "one"));

        // A clash on any step name builds nothing.
        builder.Name(one, "c@2");
        Assert.Throws<ArgumentException>(() => builder.AddChain(one, 3, name: "c"));
        Assert.False(builder.TryGet("c", out _));
        Assert.False(builder.TryGet("c@1", out _));
    }

    [Fact]
    public void The_same_seed_and_calls_with_names_and_faults_give_the_same_bytes()
    {
        static byte[][] Build(int seed)
        {
            var builder = new ChainBuilder(new MemoryBlockstore(), seed);
            List<TipSet> built = [.. builder.AddChain(builder.Genesis(), 10, new TipSetSpec(BlsMessages: 1), name: "main")];
            built.Add(builder.AddTipSet(builder["main@4"], new TipSetSpec(Blocks: 3) { Fault = TipSetFault.DoubleMining }));
            built.Add(builder.AddTipSet(builder["main@5"], new TipSetSpec(SecpMessages: 1) { Fault = TipSetFault.WrongMessageRoot }));
            built.Add(builder.AddTipSet(builder["main@6"], new TipSetSpec { Fault = TipSetFault.WrongParentStateRoot }));
            built.Add(builder.AddTipSet(builder["main"], new TipSetSpec(Blocks: 2) { Fault = TipSetFault.TimestampOffset(-7) }));
            built.Add(builder.AddTipSet(built[^1]));
            return [.. built
                .SelectMany(t => builder.GetServedBlocks(t.Key))
                .SelectMany(b => b.BlsMessages.Select(m => m.RawData.ToArray()).Prepend(b.Header.RawData.ToArray()))];
        }

        Assert.Equal(Build(5), Build(5));
        Assert.NotEqual(Build(5), Build(6));
    }

    [Fact]
    public void WrongParentStateRoot_names_a_state_other_than_the_parent_produced_and_children_follow_from_it()
    {
        var builder = new ChainBuilder(new MemoryBlockstore(), seed: 3);
        TipSet parent = builder.AddChain(builder.Genesis(), 3, new TipSetSpec(BlsMessages: 1))[^1];
        TipSet bad = builder.AddTipSet(parent, new TipSetSpec(Blocks: 2) { Fault = TipSetFault.WrongParentStateRoot });
        TipSet child = builder.AddTipSet(bad);

        TipSetState produced = TestTipSetExecutor.Compute(builder.GetFullTipSet(parent), new TipSetState(parent.ParentStateRoot, parent.Blocks[0].ParentMessageReceipts));
        Assert.Equal(produced, builder.StateOf(parent));
        Assert.All(bad.Blocks, b =>
        {
            Assert.NotEqual(produced.StateRoot, b.ParentStateRoot);
            Assert.NotEqual(produced.ReceiptsRoot, b.ParentMessageReceipts);
        });

        // The child names the real key and the state the faulty tipset gives from what it names.
        Assert.True(child.IsChildOf(bad));
        TipSetState fromNamed = TestTipSetExecutor.Compute(builder.GetFullTipSet(bad), new TipSetState(bad.ParentStateRoot, bad.Blocks[0].ParentMessageReceipts));
        Assert.Equal(fromNamed.StateRoot, child.ParentStateRoot);
        Assert.True(builder.GetFullTipSet(bad).Blocks.All(b => b.MessagesMatchHeader()));
    }

    [Fact]
    public void WrongMessageRoot_serves_messages_that_do_not_match_the_header_and_keeps_the_true_ones()
    {
        var builder = new ChainBuilder(new MemoryBlockstore(), seed: 3);
        TipSet bad = builder.AddTipSet(builder.Genesis(), new TipSetSpec(Blocks: 2, BlsMessages: 1, SecpMessages: 1) { Fault = TipSetFault.WrongMessageRoot });
        TipSet child = builder.AddTipSet(bad);

        IReadOnlyList<FullBlock> served = builder.GetServedBlocks(bad.Key);
        FullTipSet honest = builder.GetFullTipSet(bad);
        Assert.All(served, b => Assert.False(MessageRoot.Matches(b.Header, [.. b.BlsMessages.Select(m => m.Cid)], [.. b.SecpkMessages.Select(m => m.Cid)])));
        Assert.All(served, b => Assert.Equal(2, b.BlsMessages.Length));
        Assert.True(honest.Blocks.All(b => b.MessagesMatchHeader()));
        Assert.Equal(served.Select(b => b.Cid), honest.TipSet.Key.Cids);
        Assert.True(builder.IsServedWithWrongMessages(bad.Key));
        Assert.False(builder.IsServedWithWrongMessages(child.Key));
        Assert.Equal(builder.GetFullTipSet(child).Blocks, builder.GetServedBlocks(child.Key));

        // State follows from the true messages, so a syncer given the honest variant verifies the child.
        TipSetState state = TestTipSetExecutor.Compute(honest, new TipSetState(bad.ParentStateRoot, bad.Blocks[0].ParentMessageReceipts));
        Assert.Equal(state.StateRoot, child.ParentStateRoot);
    }

    [Fact]
    public async Task WrongMessageRoot_stores_the_extra_message_too()
    {
        var store = new MemoryBlockstore();
        var builder = new ChainBuilder(store, seed: 3);
        TipSet bad = builder.AddTipSet(builder.Genesis(), new TipSetSpec { Fault = TipSetFault.WrongMessageRoot });

        Message extra = builder.GetServedBlocks(bad.Key)[0].BlsMessages.Single();

        Assert.True(await store.HasAsync(extra.Cid, TestGuard.Token()));
    }

    [Fact]
    public void TimestampOffset_moves_every_block_off_the_grid_and_children_stay_on_it()
    {
        var builder = new ChainBuilder(new MemoryBlockstore(), seed: 3);
        TipSet bad = builder.AddTipSet(builder.Genesis(), new TipSetSpec(Blocks: 3) { Fault = TipSetFault.TimestampOffset(7) });
        TipSet child = builder.AddTipSet(bad);

        Assert.All(bad.Blocks, b => Assert.Equal((ulong)builder.TimeOfHeight(1).ToUnixTimeSeconds() + 7, b.Timestamp));
        Assert.Equal((ulong)builder.TimeOfHeight(2).ToUnixTimeSeconds(), child.MinTimestamp);
        Assert.Throws<ArgumentOutOfRangeException>(() => TipSetFault.TimestampOffset(0));
    }

    [Fact]
    public void DoubleMining_gives_two_blocks_of_the_tipset_one_miner_and_needs_two_blocks()
    {
        var builder = new ChainBuilder(new MemoryBlockstore(), seed: 3);
        TipSet bad = builder.AddTipSet(builder.Genesis(), new TipSetSpec(Blocks: 3) { Fault = TipSetFault.DoubleMining });
        TipSet honest = builder.AddTipSet(builder.Genesis(), new TipSetSpec(Blocks: 3));

        Assert.Equal(3, bad.Blocks.Length);
        Assert.Equal(2, bad.Blocks.Select(b => b.Miner).Distinct().Count());
        Assert.Equal(3, honest.Blocks.Select(b => b.Miner).Distinct().Count());
        Assert.Throws<ArgumentException>(() => builder.AddTipSet(builder.Genesis(), new TipSetSpec { Fault = TipSetFault.DoubleMining }));
    }

    [Fact]
    public void TimeOfHeight_is_genesis_plus_the_block_delay_per_epoch()
    {
        var builder = new ChainBuilder(new MemoryBlockstore(), seed: 3);
        TipSet tip = builder.AddChain(builder.Genesis(), 5, new TipSetSpec(NullRoundsBefore: 1))[^1];

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds((long)tip.MinTimestamp), builder.TimeOfHeight(tip.Height));
        Assert.Equal(Sync.SyncerFixture.TimeOfHeight(tip.Height), builder.TimeOfHeight(tip.Height));
    }

    [Fact]
    public void Siblings_given_different_miner_ranges_share_no_miner_and_the_default_range_starts_at_1000()
    {
        var builder = new ChainBuilder(new MemoryBlockstore(), seed: 4);
        TipSet genesis = builder.Genesis();

        TipSet left = builder.AddTipSet(genesis, new TipSetSpec(Blocks: 2));
        TipSet right = builder.AddTipSet(genesis, new TipSetSpec(Blocks: 2) { FirstMiner = 2000 });

        Assert.Equal([Address.NewId(1000), Address.NewId(1001)], left.Blocks.Select(b => b.Miner).OrderBy(m => m.ToString()));
        Assert.Equal([Address.NewId(2000), Address.NewId(2001)], right.Blocks.Select(b => b.Miner).OrderBy(m => m.ToString()));
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.AddTipSet(genesis, new TipSetSpec { FirstMiner = ulong.MaxValue }));
    }
}
