using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Venus.ChainSync.Diagnostics;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Cbor;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Hosting.Tests;

/// <summary>Gossip from a hostile peer: every bad block is counted and dropped, and the node keeps syncing.</summary>
public sealed class HostileGossipTests : IAsyncLifetime
{
    private const string Topic = "/fil/blocks/testnetnet";
    private readonly InMemoryNetwork _network = new();
    private readonly ChainBuilder _chain = new(new MemoryBlockstore(), seed: 11);
    private IReadOnlyList<TipSet> _history = [];
    private HostedNode _producer = null!;
    private InMemoryHost _attacker = null!;

    public async Task InitializeAsync()
    {
        TipSet genesis = _chain.Genesis();
        _history = _chain.AddChain(genesis, 20, new TipSetSpec(SecpMessages: 1));
        _producer = HostedNode.Create(_network, "producer", genesis, _chain.GenesisState, _chain.Store);
        await _producer.AdoptAsync(_chain, _history);
        await _producer.StartAsync();
        _attacker = _network.CreateHost("attacker");
    }

    public async Task DisposeAsync()
    {
        await _producer.DisposeAsync();
        await _network.DisposeAsync();
    }

    [Fact]
    public async Task Garbage_oversized_headerless_and_overfull_payloads_are_counted_as_such_and_dropped()
    {
        await using HostedNode node = await SyncedNodeAsync(o => o.Gossip.MaxMessagesPerBlock = 3);
        using MetricCollector<long> results = GossipResultsOf(node);
        BlockHeader template = _chain.GetFullTipSet(_history[^1]).Blocks[0].Header;
        Cid[] four = [.. Enumerable.Range(0, 4).Select(i => Cid.ComputeDagCbor(DagCbor.Encode(i, static (w, v) => w.WriteInt64(v))))];

        await PublishAsync([0xde, 0xad, 0xbe, 0xef]);
        await PublishAsync(new byte[BlockGossip.MaxPayloadBytes + 1]);
        await PublishAsync([0x83, 0xf6, 0x80, 0x80]); // [null, [], []]: a BlockMsg without a header
        await PublishAsync(Forge(template, miner: 5000, height: 21, bls: four).RawData.ToArray());

        await UntilCountedAsync(results, 4);
        Assert.Equal(3, Count(results, GossipResults.Malformed));
        Assert.Equal(1, Count(results, GossipResults.TooManyMessages));
        Assert.Equal(_history[^1], await node.HeadAsync());
    }

    [Fact]
    public async Task Blocks_far_in_the_future_or_past_and_a_miners_second_block_are_dropped_before_any_fetch()
    {
        await using HostedNode node = await SyncedNodeAsync(o => o.Gossip.MaxEpochsBehindHead = 5);
        using MetricCollector<long> results = GossipResultsOf(node);
        BlockHeader template = _chain.GetFullTipSet(_history[^1]).Blocks[0].Header;
        Cid[] unknown = [Cid.ComputeDagCbor(DagCbor.Encode("nobody has this message", static (w, s) => w.WriteTextString(s)))];

        await PublishAsync(Forge(template, miner: 6000, height: 10_000_000).RawData.ToArray());
        await PublishAsync(Forge(template, miner: 6001, height: 2).RawData.ToArray());
        await PublishAsync(Forge(template, miner: 6002, height: 21, bls: unknown, ticketSeed: 1).RawData.ToArray());
        await PublishAsync(Forge(template, miner: 6002, height: 21, bls: unknown, ticketSeed: 2).RawData.ToArray());
        await PublishAsync(Forge(template, miner: 6002, height: 21, bls: unknown, ticketSeed: 1).RawData.ToArray());

        // The exact repeat never reaches the screen: the host's seen cache drops it by message id, as gossipsub does.
        await UntilCountedAsync(results, 4);
        Assert.True(
            Count(results, GossipResults.OutOfWindow) == 2 && Count(results, GossipResults.DoubleMining) == 1 && Count(results, GossipResults.Duplicate) == 0,
            Describe(results));

        // The first block of miner 6002 went on to a worker: its messages are nowhere to be had.
        Assert.Equal(1, Count(results, GossipResults.MessagesUnavailable));
    }

    [Fact]
    public async Task A_re_encoded_copy_of_a_genuine_block_arriving_first_is_that_block_so_the_genuine_one_is_no_double_mining()
    {
        await using HostedNode node = await SyncedNodeAsync(_ => { });
        using MetricCollector<long> results = GossipResultsOf(node);
        TipSet next = _chain.AddTipSet(_history[^1], new TipSetSpec(BlsMessages: 1));
        FullBlock block = _chain.GetFullTipSet(next).Blocks[0];
        BlockMsg genuine = BlockMsg.Create(block.Header, block.BlsMessages.Select(m => m.Cid), []);

        // Lotus decodes the copy to the genuine block (same CID after re-encoding); so must we. It comes from a peer
        // that holds the messages (the node fetches them from the gossip source), so the copy can be synced.
        await _producer.Host.PublishAsync(Topic, WithLongerBaseFee(genuine), TestGuard.Token());
        await UntilCountedAsync(results, 1);
        await _producer.Host.PublishAsync(Topic, genuine.RawData.ToArray(), TestGuard.Token());
        await UntilCountedAsync(results, 2);

        Assert.True(
            Count(results, GossipResults.Accepted) == 1 && Count(results, GossipResults.Duplicate) == 1 && Count(results, GossipResults.DoubleMining) == 0,
            Describe(results));
        await node.WaitForHeadAsync(next);
    }

    [Fact]
    public async Task A_flood_of_ten_thousand_blocks_with_unknown_messages_is_counted_and_bounded_and_the_node_stays_synced()
    {
        await using HostedNode node = await SyncedNodeAsync(o => o.Gossip.QueueCapacity = 64);
        using MetricCollector<long> results = GossipResultsOf(node);
        BlockHeader template = _chain.GetFullTipSet(_history[^1]).Blocks[0].Header;
        Cid unknown = Cid.ComputeDagCbor(DagCbor.Encode("nobody has this message", static (w, s) => w.WriteTextString(s)));

        // Ten bursts of a thousand: each far beyond the 64-slot queue, each within the in-memory gossip buffer
        // (which, like gossipsub, silently drops for a slow subscriber, so an uncounted loss there would not be ours).
        for (int burst = 0; burst < 10; burst++)
        {
            for (int i = 0; i < 1_000; i++)
            {
                await PublishAsync(Forge(template, miner: 100_000 + (ulong)((burst * 1_000) + i), height: 21, bls: [unknown]).RawData.ToArray());
            }

            await UntilCountedAsync(results, (burst + 1) * 1_000);
        }

        long dropped = Count(results, GossipResults.Dropped);
        long unavailable = Count(results, GossipResults.MessagesUnavailable);
        Assert.Equal(10_000, dropped + unavailable);
        Assert.True(dropped > 0, "a 64-slot queue under a 10 000-block burst must have dropped some");

        // Still synced: the producer's next block is taken in and synced.
        TipSet next = _chain.AddTipSet(_history[^1], new TipSetSpec(BlsMessages: 1));
        FullBlock block = _chain.GetFullTipSet(next).Blocks[0];
        SubmitResult submitted = await _producer.Api.SyncSubmitBlockAsync(
            BlockMsg.Create(block.Header, block.BlsMessages.Select(m => m.Cid), []), TestGuard.Token());
        Assert.True(submitted.Accepted, submitted.Reason);
        await node.WaitForHeadAsync(next);
    }

    private async Task<HostedNode> SyncedNodeAsync(Action<ChainSyncOptions> configure)
    {
        HostedNode node = HostedNode.Create(_network, $"node-{Guid.NewGuid():N}", _chain.Genesis(), _chain.GenesisState, configure: configure);
        await node.StartAsync();
        _network.Connect(_producer.Host, node.Host);
        _network.Connect(_attacker, node.Host);
        await node.WaitForHeadAsync(_history[^1]);
        return node;
    }

    private async Task PublishAsync(byte[] payload) => await _attacker.PublishAsync(Topic, payload, TestGuard.Token());

    private static MetricCollector<long> GossipResultsOf(HostedNode node) =>
        new(node.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), ChainSyncDiagnostics.Name, "venus.chainsync.gossip.blocks");

    private static long Count(MetricCollector<long> results, string result) =>
        results.GetMeasurementSnapshot().Where(m => (string?)m.Tags["result"] == result).Sum(m => m.Value);

    private static async Task UntilCountedAsync(MetricCollector<long> results, int count)
    {
        // Each block adds one measurement of 1; the collector signals, so nothing spins.
        await results.WaitForMeasurementsAsync(count, TestGuard.Token(60));
        Assert.True(results.GetMeasurementSnapshot().Sum(m => m.Value) == count, $"counted: {Describe(results)}");
    }

    private static string Describe(MetricCollector<long> results) =>
        string.Join(", ", results.GetMeasurementSnapshot().GroupBy(m => (string?)m.Tags["result"]).Select(g => $"{g.Key}={g.Sum(m => m.Value)}"));

    /// <summary>
    /// The payload of <paramref name="genuine"/> with its header's last field, the parent base fee, written with a
    /// leading zero byte (or a zero as a lone sign byte): bytes Lotus's decoder takes, and a different hash.
    /// </summary>
    private static byte[] WithLongerBaseFee(BlockMsg genuine)
    {
        ReadOnlySpan<byte> header = genuine.Header!.RawData.Span;
        byte[] canonical = FilecoinBigInt.ToBytes(genuine.Header.ParentBaseFee.AttoFil);
        byte[] longer = canonical.Length == 0 ? [0] : [canonical[0], 0, .. canonical[1..]];
        int fieldLength = DagCbor.Encode(canonical, static (w, c) => w.WriteByteString(c)).Length;
        byte[] rest = genuine.RawData.Span[(1 + header.Length)..].ToArray();
        return [0x83, .. header[..^fieldLength], .. DagCbor.Encode(longer, static (w, c) => w.WriteByteString(c)), .. rest];
    }

    /// <summary>A header like <paramref name="template"/> with another miner, height and ticket, listing <paramref name="bls"/> under a matching root.</summary>
    private static BlockMsg Forge(BlockHeader template, ulong miner, long height, Cid[]? bls = null, int ticketSeed = 0)
    {
        Cid[] messages = bls ?? [];
        var ticket = new byte[96];
        new Random(ticketSeed + (int)miner).NextBytes(ticket);
        BlockHeader header = BlockHeader.Create(
            Address.NewId(miner), template.Parents, height, template.ParentStateRoot, template.ParentMessageReceipts,
            MessageRoot.Compute(messages, []).Cid, template.ParentWeight, new Ticket(ticket), template.ElectionProof,
            template.BeaconEntries, template.WinPoStProof, template.BlsAggregate, template.Timestamp, template.BlockSig,
            template.ForkSignaling, template.ParentBaseFee);
        return BlockMsg.Create(header, messages, []);
    }
}
