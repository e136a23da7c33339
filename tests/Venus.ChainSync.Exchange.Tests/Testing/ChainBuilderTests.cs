using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Amt;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Exchange.Tests.Server;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Exchange.Tests.Testing;

/// <summary>The chain builder the server tests stand on: valid, linked, stored and deterministic.</summary>
public class ChainBuilderTests
{
    [Fact]
    public void Same_seed_and_calls_build_the_same_chain_and_another_seed_does_not()
    {
        static IEnumerable<TipSetKey> Build(int seed)
        {
            var builder = new ChainBuilder(new MemoryBlockstore(), seed);
            return builder.AddChain(builder.Genesis(), 5, TestChain.ShapeOf).Select(t => t.Key);
        }

        Assert.Equal(Build(1), Build(1));
        Assert.NotEqual(Build(1), Build(2));
    }

    [Fact]
    public void Tipsets_link_with_null_rounds_growing_weight_and_block_delay_timestamps()
    {
        var builder = new ChainBuilder(new MemoryBlockstore(), 4);
        TipSet genesis = builder.Genesis();
        TipSet first = builder.AddTipSet(genesis, blocks: 3, nullRoundsBefore: 0);
        TipSet second = builder.AddTipSet(first, blocks: 2, nullRoundsBefore: 4);

        Assert.Equal(0, genesis.Height);
        Assert.Equal(1, first.Height);
        Assert.Equal(6, second.Height);
        Assert.True(first.IsChildOf(genesis));
        Assert.True(second.IsChildOf(first));
        Assert.True(second.ParentWeight > first.ParentWeight);
        Assert.Equal(builder.WeightOf(first), second.ParentWeight);
        Assert.All(second.Blocks, b => Assert.Equal(1_598_306_400UL + (30 * 6), b.Timestamp));
        Assert.Equal(3, first.Blocks.Select(b => b.Ticket!.Value).Distinct().Count());
        Assert.Same(genesis, builder.Genesis());
    }

    [Fact]
    public async Task Everything_a_block_names_is_in_the_store_and_messages_match_the_header()
    {
        var store = new MemoryBlockstore();
        var builder = new ChainBuilder(store, 6);
        TipSet tip = builder.AddTipSet(builder.Genesis(), blocks: 4, blsMessages: 9, secpMessages: 10, sharedMessages: 3);
        FullTipSet full = builder.GetFullTipSet(tip);

        Assert.True(full.Blocks.All(b => b.MessagesMatchHeader()));
        Assert.True(await store.HasAsync(builder.GenesisParent));
        foreach (FullBlock block in full.Blocks)
        {
            Assert.Equal(9 + 3, block.BlsMessages.Length);
            Assert.Equal(10 + 3, block.SecpkMessages.Length);
            Assert.All(block.SecpkMessages, m => Assert.Equal(SignatureType.Secp256k1, m.Signature.Type));
            Assert.All(block.SecpkMessages, m => Assert.Equal(65, m.Signature.Data.Length));
            Assert.NotNull(await store.GetAsync(block.Cid));
            MsgMeta meta = MsgMeta.Decode((await store.GetAsync(block.Header.Messages))!.Value);
            AmtV0Root bls = AmtV0Root.Decode((await store.GetAsync(meta.BlsMessages))!.Value);
            Assert.Equal(12, (await bls.CollectAsync(store.GetAsync, 100, CancellationToken.None)).Count);
            foreach (Message m in block.BlsMessages)
            {
                Assert.True(await store.HasAsync(m.Cid));
            }

            foreach (SignedMessage m in block.SecpkMessages)
            {
                Assert.Equal(m.RawData.ToArray(), (await store.GetAsync(m.Cid))!.Value.ToArray());
            }
        }

        // The shared messages are the same in every block.
        Assert.Equal(3, full.Blocks.Select(b => b.BlsMessages.Select(m => m.Cid)).Aggregate((a, b) => a.Intersect(b)).Count());
    }
}
