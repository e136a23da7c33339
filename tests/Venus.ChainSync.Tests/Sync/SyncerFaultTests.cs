using Venus.ChainSync.Primitives;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Tests.Sync;

/// <summary>
/// The syncer's answer to each fault the chain builder can plant: the outcome kind, a reason naming the fault, what is
/// cached as bad, and whether a later sync needs the network again.
/// </summary>
public sealed class SyncerFaultTests
{
    [Fact]
    public Task A_wrong_parent_state_root_is_invalid_and_cached_with_its_descendants() =>
        APermanentFaultIsCachedAndRefusedLaterWithoutRequests(TipSetFault.WrongParentStateRoot, SyncReason.ParentStateMismatch);

    [Fact]
    public Task A_timestamp_off_the_epoch_grid_is_invalid_and_cached_with_its_descendants() =>
        APermanentFaultIsCachedAndRefusedLaterWithoutRequests(TipSetFault.TimestampOffset(7), SyncReason.WrongTimestamp);

    [Fact]
    public async Task A_double_mined_tipset_is_invalid_and_only_its_descendants_are_cached_linked_to_the_second_block()
    {
        var world = new SyncerFixture();
        world.Chain.AddChain(world.Genesis, 30, name: "main");
        Assert.Equal(SyncOutcomeKind.Completed, (await world.SyncAsync(world.Chain["main"])).Kind);
        TipSet bad = world.Chain.AddTipSet(world.Chain["main"], new TipSetSpec(Blocks: 3) { Fault = TipSetFault.DoubleMining });
        IReadOnlyList<TipSet> above = world.Chain.AddChain(bad, 10, name: "above");
        int messageRequests = world.Exchange.MessageRequests;

        SyncResult result = await world.SyncAsync(world.Chain["above"]);

        Assert.Equal(SyncOutcomeKind.Invalid, result.Kind);
        Assert.Equal(SyncReason.DoubleMining, result.Code);
        Assert.Equal(world.Chain["main"], await world.HeadAsync());

        // Found walking headers back, so no message was fetched and nothing executed.
        Assert.Equal(messageRequests, world.Exchange.MessageRequests);
        Assert.All(bad.Blocks, b => Assert.Null(world.Bad.Check(b.Cid)));
        Cid second = SecondBlockOfTheDoubleMiner(bad);
        Assert.All(above, t => Assert.All(t.Blocks, b => Assert.Equal(second, world.Bad.Check(b.Cid)!.Origin)));
    }

    [Fact]
    public async Task After_double_mining_later_targets_above_it_are_refused_fetching_only_headers_not_yet_stored()
    {
        var world = new SyncerFixture();
        world.Chain.AddChain(world.Genesis, 30, name: "main");
        Assert.Equal(SyncOutcomeKind.Completed, (await world.SyncAsync(world.Chain["main"])).Kind);
        TipSet bad = world.Chain.AddTipSet(world.Chain["main"], new TipSetSpec(Blocks: 3) { Fault = TipSetFault.DoubleMining });
        world.Chain.AddChain(bad, 10, name: "above");
        Assert.Equal(SyncOutcomeKind.Invalid, (await world.SyncAsync(world.Chain["above"])).Kind);
        Cid second = SecondBlockOfTheDoubleMiner(bad);
        int requests = world.Exchange.Requests;

        // A child of a cached tipset: its parent is in the store and cached, so no request at all.
        TipSet child = world.Chain.AddTipSet(world.Chain["above"]);
        SyncResult onCached = await world.SyncAsync(child);

        // The double-mined tipset itself: its headers are stored, so it is judged again without a request, and
        // still neither of its blocks is cached.
        SyncResult onItself = await world.SyncAsync(bad);

        Assert.Equal(SyncOutcomeKind.Invalid, onCached.Kind);
        Assert.NotNull(world.Bad.Check(child.Blocks[0].Cid));
        Assert.Equal(SyncOutcomeKind.Invalid, onItself.Kind);
        Assert.Equal(SyncReason.DoubleMining, onItself.Code);
        Assert.All(bad.Blocks, b => Assert.Null(world.Bad.Check(b.Cid)));
        Assert.Equal(requests, world.Exchange.Requests);

        // A new branch on the double-mined tipset: its own headers are not stored, so one header request fetches
        // them down to the double-mined tipset (heights 34 to 32 below the target: the gap to the head at 30),
        // and no messages are fetched.
        IReadOnlyList<TipSet> branch = world.Chain.AddChain(bad, 3, name: "branch");
        int headerRequests = world.Exchange.HeaderRequests.Count;
        int messageRequests = world.Exchange.MessageRequests;
        SyncResult onBranch = await world.SyncAsync(world.Chain["branch"]);

        Assert.Equal(SyncOutcomeKind.Invalid, onBranch.Kind);
        Assert.Equal(SyncReason.DoubleMining, onBranch.Code);
        Assert.Equal([3], world.Exchange.HeaderRequests.Skip(headerRequests));
        Assert.Equal(messageRequests, world.Exchange.MessageRequests);
        Assert.All(branch, t => Assert.Equal(second, world.Bad.Check(t.Blocks[0].Cid)!.Origin));
        Assert.Equal(world.Chain["main"], await world.HeadAsync());
    }

    [Fact]
    public async Task Each_block_of_a_double_mined_tipset_is_still_good_in_a_tipset_without_the_other()
    {
        var world = new SyncerFixture();
        world.Chain.AddChain(world.Genesis, 5, name: "main");
        TipSet bad = world.Chain.AddTipSet(world.Chain["main"], new TipSetSpec(Blocks: 3) { Fault = TipSetFault.DoubleMining });
        world.Chain.AddTipSet(bad);
        Assert.Equal(SyncOutcomeKind.Invalid, (await world.SyncAsync(world.Chain.AddTipSet(bad))).Kind);
        Cid second = SecondBlockOfTheDoubleMiner(bad);
        var honest = FullTipSet.Create(world.Chain.GetFullTipSet(bad).Blocks.Where(b => b.Cid != second));
        world.Exchange.Plant(honest);

        SyncResult result = await world.SyncAsync(honest.TipSet);

        Assert.Equal(SyncOutcomeKind.Completed, result.Kind);
        Assert.Equal(honest.TipSet, await world.HeadAsync());
    }

    [Fact]
    public async Task Messages_that_do_not_match_the_message_root_fail_the_sync_uncached_and_an_honest_peer_completes_it()
    {
        var world = new SyncerFixture();
        world.Chain.AddChain(world.Genesis, 20, name: "main");
        TipSet bad = world.Chain.AddTipSet(world.Chain["main"], new TipSetSpec(Blocks: 2, BlsMessages: 1) { Fault = TipSetFault.WrongMessageRoot });
        world.Chain.AddChain(bad, 5, name: "above");

        SyncResult lying = await world.SyncAsync(world.Chain["above"]);

        Assert.Equal(SyncOutcomeKind.Failed, lying.Kind);
        Assert.Equal(SyncReason.ExchangeFailed, lying.Code);
        Assert.Contains(bad.Blocks[0].Cid.ToString(), lying.Reason, StringComparison.Ordinal);
        Assert.Empty(world.Bad.Snapshot());
        Assert.False(await world.HasStateAsync(bad));
        Assert.True((await world.HeadAsync()).Height < bad.Height);

        world.Exchange.Plant(world.Chain.GetFullTipSet(bad));
        SyncResult honest = await world.SyncAsync(world.Chain["above"]);

        Assert.Equal(SyncOutcomeKind.Completed, honest.Kind);
        Assert.Equal(world.Chain["above"], await world.HeadAsync());
        Assert.Empty(world.Bad.Snapshot());
    }

    [Fact]
    public async Task A_chain_ahead_of_the_clock_fails_uncached_and_syncs_once_the_clock_passes_its_tip()
    {
        var world = new SyncerFixture(now: SyncerFixture.TimeOfHeight(30));
        world.Chain.AddChain(world.Genesis, 40, name: "main");

        SyncResult early = await world.SyncAsync(world.Chain["main"]);

        Assert.Equal(SyncOutcomeKind.Failed, early.Kind);
        Assert.Equal(SyncReason.FutureBlock, early.Code);
        Assert.Equal(world.Chain["main@30"], await world.HeadAsync());
        Assert.Empty(world.Bad.Snapshot());

        world.Time.SetUtcNow(world.Chain.TimeOfHeight(40));
        SyncResult later = await world.SyncAsync(world.Chain["main"]);

        Assert.Equal(SyncOutcomeKind.Completed, later.Kind);
        Assert.Equal(world.Chain["main"], await world.HeadAsync());
    }

    /// <summary>
    /// Builds main (30) → a tipset with <paramref name="fault"/> → above (10), syncs to above's tip, and checks the
    /// fault is invalid, cached with its descendants linked to it, and that later targets on it need no request.
    /// </summary>
    private static async Task APermanentFaultIsCachedAndRefusedLaterWithoutRequests(TipSetFault fault, SyncReason code)
    {
        var world = new SyncerFixture();
        world.Chain.AddChain(world.Genesis, 30, name: "main");
        TipSet bad = world.Chain.AddTipSet(world.Chain["main"], new TipSetSpec(Blocks: 2, BlsMessages: 1) { Fault = fault });
        IReadOnlyList<TipSet> above = world.Chain.AddChain(bad, 10, name: "above");

        SyncResult result = await world.SyncAsync(world.Chain["above"]);

        Assert.Equal(SyncOutcomeKind.Invalid, result.Kind);
        Assert.Equal(code, result.Code);
        Assert.Equal(world.Chain["main"], await world.HeadAsync());
        Assert.Equal(world.Chain["main"], result.ReachedHead);

        // Both blocks are faulty, and each is cached as bad in itself; what is above links to the first.
        Cid culprit = bad.Blocks[0].Cid;
        Assert.Null(world.Bad.Check(culprit)!.Origin);
        Assert.Null(world.Bad.Check(bad.Blocks[1].Cid)!.Origin);
        Assert.All(above, t => Assert.All(t.Blocks, b => Assert.Equal(culprit, world.Bad.Check(b.Cid)!.Origin)));

        int requests = world.Exchange.Requests;
        int executed = world.Executor.ExecutedCount;

        // A target that is a cached tipset, and one that descends from one: both refused from the cache alone.
        SyncResult onCached = await world.SyncAsync(world.Chain["above@5"]);
        TipSet child = world.Chain.AddTipSet(world.Chain["above"]);
        SyncResult onDescendant = await world.SyncAsync(child);

        Assert.Equal(SyncOutcomeKind.Invalid, onCached.Kind);
        Assert.Equal(SyncOutcomeKind.Invalid, onDescendant.Kind);
        Assert.Equal(SyncReason.BadBlock, onDescendant.Code);
        // Linked to the root cause, not to the cached descendant the walk ran into.
        Assert.Equal(culprit, world.Bad.Check(child.Blocks[0].Cid)!.Origin);
        Assert.Equal(requests, world.Exchange.Requests);
        Assert.Equal(executed, world.Executor.ExecutedCount);
        Assert.Equal(world.Chain["main"], await world.HeadAsync());
    }

    private static Cid SecondBlockOfTheDoubleMiner(TipSet tipSet)
    {
        Address miner = tipSet.Blocks.GroupBy(b => b.Miner).Single(g => g.Count() == 2).Key;
        return tipSet.Blocks.Last(b => b.Miner == miner).Cid;
    }
}
