using Venus.ChainSync.Primitives;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Tests.Dispatching;

/// <summary>The dispatcher's answer to faults planted by the chain builder.</summary>
public sealed class DispatcherFaultTests
{
    [Fact]
    public async Task A_gossip_block_with_a_wrong_message_root_is_refused_and_its_honest_variant_is_queued()
    {
        await using var h = new DispatcherHarness();
        TipSet block = h.Builder.AddTipSet(h.Genesis, new TipSetSpec(BlsMessages: 1, SecpMessages: 1) { Fault = TipSetFault.WrongMessageRoot });
        CancellationToken ct = TestGuard.Token();
        h.Dispatcher.Start();

        DispatchOutcome lying = await h.GossipAsync(block);

        Assert.Equal(DispatchOutcome.MessagesMismatch, lying);
        Assert.True(h.Logged(2110));
        Assert.Null(await h.Store.GetTipSetAsync(block.Key, ct));

        DispatchOutcome honest = await h.Dispatcher.SendGossipBlockAsync(h.Builder.GetHonestFullTipSet(block.Key), "source", "sender", ct);

        Assert.Equal(DispatchOutcome.Queued, honest);
        SyncCall call = await h.NextCallAsync();
        Assert.Equal(block.Key, call.Target.Head.Key);
        call.Complete();
        await h.NextFinishedAsync();
    }
}
