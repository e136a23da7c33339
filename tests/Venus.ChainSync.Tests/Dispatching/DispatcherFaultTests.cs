using Venus.ChainSync.Primitives;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Tests.Dispatching;

/// <summary>The dispatcher's answer to faults planted by the chain builder.</summary>
public sealed class DispatcherFaultTests
{
    [Fact]
    public async Task A_block_served_with_a_wrong_message_root_cannot_even_reach_the_dispatcher_and_its_true_variant_is_queued()
    {
        await using var h = new DispatcherHarness();
        TipSet block = h.Builder.AddTipSet(h.Genesis, new TipSetSpec(BlsMessages: 1, SecpMessages: 1) { Fault = TipSetFault.WrongMessageRoot });
        h.Dispatcher.Start();

        // What a lying peer sends cannot be made into the one type the dispatcher takes in.
        Assert.False(FullTipSet.TryCreate(block, h.Builder.GetServedBlocks(block.Key), out _, out int mismatched));
        Assert.Equal(0, mismatched);

        Assert.Equal(DispatchOutcome.Queued, await h.GossipAsync(block));
        SyncCall call = await h.NextCallAsync();
        Assert.Equal(block.Key, call.Target.Head.Key);
        call.Complete();
        await h.NextFinishedAsync();
    }
}
