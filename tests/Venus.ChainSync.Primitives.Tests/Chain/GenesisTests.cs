using System.Globalization;
using System.Text.Json;
using Venus.ChainSync.Primitives.Amt;
using Venus.ChainSync.Primitives.Car;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Primitives.Tests.TestSupport;

namespace Venus.ChainSync.Primitives.Tests.Chain;

/// <summary>The real mainnet and calibnet genesis archives, decoded with the typed model.</summary>
public class GenesisTests
{
    private static readonly string[] MultiLevelAmtRoots =
    [
        "bafy2bzacea4v6f4i25e3gf4rzbsqhdeatpn6dk4g4mhp537fbtiyhm5hp4hay",
        "bafy2bzacea5xlmnpcivez3ycfz5vs6cxsrjsdzrtq3psrori4weswbbk7tu7y",
        "bafy2bzacedxi7lzgbspfjm7qwkxm74c6infcdnbd5ujhn6efnntyhgrbgdmce",
        "bafy2bzacedtpjojx55gebnlulxlqop2pdrtf5wgsdjrir5toko7a2pzmgroc2",
        "bafy2bzacecqxp7uanekqgfnz4eqp4mg34r5najt4x2bs2r467iuiphzzsinoy",
    ];

    public static TheoryData<string> Networks() => ["mainnet", "calibnet"];

    [SkippableTheory]
    [MemberData(nameof(Networks))]
    public async Task Genesis_root_decodes_to_a_header_matching_the_summary(string network)
    {
        MemoryBlockstore store = await LoadAsync(network);
        using JsonDocument summary = SharedVectors.Json("genesis/genesis-summary.json");
        JsonElement expected = summary.RootElement.GetProperty(network).GetProperty("genesis_header");
        Cid root = Cid.Parse(expected.GetProperty("cid").GetString()!);

        BlockHeader header = BlockHeader.Decode((await store.GetAsync(root, CancellationToken.None))!.Value);

        Assert.Equal(root, header.Cid);
        Assert.Equal(expected.GetProperty("headerHex").GetString(), Hex.Encode(header.RawData.Span));
        Assert.Equal(expected.GetProperty("Miner").GetProperty("str").GetString(), header.Miner.ToString());
        Assert.Equal(expected.GetProperty("Ticket").GetProperty("VRFProof").GetString(), Hex.Encode(header.Ticket!.Value.VrfProof.Span));
        Assert.Equal(0, header.ElectionProof!.Value.WinCount);
        Assert.True(header.ElectionProof.Value.VrfProof.IsEmpty);
        BeaconEntry beacon = Assert.Single(header.BeaconEntries);
        Assert.Equal(0UL, beacon.Round);
        Assert.Equal(new byte[32], beacon.Data.ToArray());
        Assert.Empty(header.WinPoStProof);
        Assert.Equal(
            expected.GetProperty("Parents").EnumerateArray().Select(p => p.GetString()),
            header.Parents.Cids.Select(c => c.ToString()));
        Assert.Equal(expected.GetProperty("ParentWeight").GetProperty("value").GetString(), header.ParentWeight.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(0, header.Height);
        Assert.Equal(expected.GetProperty("ParentStateRoot").GetString(), header.ParentStateRoot.ToString());
        Assert.Equal(expected.GetProperty("ParentMessageReceipts").GetString(), header.ParentMessageReceipts.ToString());
        Assert.Equal(expected.GetProperty("Messages").GetString(), header.Messages.ToString());
        Assert.Null(header.BlsAggregate);
        Assert.Equal(expected.GetProperty("Timestamp").GetUInt64(), header.Timestamp);
        Assert.Null(header.BlockSig);
        Assert.Equal(0UL, header.ForkSignaling);
        Assert.Equal("100000000", header.ParentBaseFee.ToString());
        Assert.Equal(header.RawData.ToArray(), BlockHeaderVectorTests.Reencode(header));

        TipSet genesis = TipSet.Create(header);
        Assert.Equal(root, Assert.Single(genesis.Key.Cids));
    }

    [SkippableTheory]
    [MemberData(nameof(Networks))]
    public async Task Genesis_message_meta_is_two_empty_amts(string network)
    {
        MemoryBlockstore store = await LoadAsync(network);
        Cid root = (await CarRootAsync(network));
        BlockHeader header = BlockHeader.Decode((await store.GetAsync(root, CancellationToken.None))!.Value);

        MsgMeta meta = MsgMeta.Decode((await store.GetAsync(header.Messages, CancellationToken.None))!.Value);

        Assert.Equal(header.Messages, meta.Cid);
        Assert.Equal(meta.Cid, MessageRoot.Compute([], []).Cid);
        AmtV0Root bls = AmtV0Root.Decode((await store.GetAsync(meta.BlsMessages, CancellationToken.None))!.Value);
        Assert.Equal(0UL, bls.Count);
    }

    public static TheoryData<string, string> MultiLevelAmts()
    {
        var data = new TheoryData<string, string>();
        foreach (string network in new[] { "mainnet", "calibnet" })
        {
            foreach (string root in MultiLevelAmtRoots)
            {
                data.Add(network, root);
            }
        }

        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(MultiLevelAmts))]
    public async Task Multi_level_amt_of_the_genesis_state_rebuilds_to_the_same_root(string network, string rootText)
    {
        MemoryBlockstore store = await LoadAsync(network);
        var root = Cid.Parse(rootText);
        AmtV0Root amt = AmtV0Root.Decode((await store.GetAsync(root, CancellationToken.None))!.Value);

        IReadOnlyList<AmtEntry> entries = await amt.CollectAsync(store.GetAsync, 100_000, CancellationToken.None);

        Assert.Equal(3, amt.Height);
        Assert.Contains(amt.Count, new ulong[] { 768, 2304 });
        Assert.Equal(amt.Count, (ulong)entries.Count);
        Assert.Equal(Enumerable.Range(0, entries.Count).Select(i => (ulong)i), entries.Select(e => e.Index));
        var rebuiltNodes = new Dictionary<Cid, ReadOnlyMemory<byte>>();
        Cid rebuilt = AmtV0.ComputeRootOfEncoded([.. entries.Select(e => e.Value)], n => rebuiltNodes[n.Cid] = n.Data);
        Assert.Equal(root, rebuilt);
        foreach ((Cid cid, ReadOnlyMemory<byte> data) in rebuiltNodes)
        {
            Assert.Equal((await store.GetAsync(cid, CancellationToken.None))!.Value.ToArray(), data.ToArray());
        }
    }

    private static async Task<Cid> CarRootAsync(string network)
    {
        await using CarReader reader = await CarReader.OpenFileAsync(SharedVectors.PathOf($"genesis/{network}.car"));
        return Assert.Single(reader.Roots);
    }

    private static async Task<MemoryBlockstore> LoadAsync(string network)
    {
        var store = new MemoryBlockstore();
        await using CarReader reader = await CarReader.OpenFileAsync(SharedVectors.PathOf($"genesis/{network}.car"), new CarReaderOptions { VerifyHashes = true });
        await foreach (Block block in reader.ReadBlocksAsync())
        {
            await store.PutAsync(block.Cid, block.Data, CancellationToken.None);
        }

        return store;
    }
}
