using System.Text.Json;
using Venus.ChainSync.Cli.Tests.TestSupport;
using Venus.ChainSync.Primitives;
using ZstdSharp;

namespace Venus.ChainSync.Cli.Tests.Inspect;

/// <summary>A three-header chain with real messages, built here and written with <c>CarWriter</c>.</summary>
public sealed class InspectSyntheticChainTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly SyntheticChain _chain = SyntheticChain.Build();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Json_on_a_three_header_chain_reports_every_kind_with_counts_and_exits_0()
    {
        CliRun run = await CliRunner.RunAsync("inspect", await _chain.WriteAsync(_temp.File("chain.car")), "--json");

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.Stderr);
        Assert.Equal(3, run.OfKind("header").Count);
        Assert.Equal(3, run.OfKind("msgmeta").Count);
        Assert.Equal(4, run.OfKind("amt").Count); // the shared empty AMT, the two lists at height 1, the secp list at height 2
        Assert.Equal(2, run.OfKind("amtnode").Count);
        Assert.Equal(SyntheticChain.BlsCount, run.OfKind("message").Count);
        Assert.Equal(SyntheticChain.SecpCountAtHeight1 + SyntheticChain.SecpCountAtHeight2, run.OfKind("signedmessage").Count);
        Assert.Empty(run.OfKind("error"));

        JsonElement summary = run.Summary();
        Assert.Equal(27, summary.GetProperty("objects").GetInt32());
        Assert.Equal(3, summary.GetProperty("header").GetInt32());
        Assert.Equal(3, summary.GetProperty("msgmeta").GetInt32());
        Assert.Equal(4, summary.GetProperty("amt").GetInt32());
        Assert.Equal(2, summary.GetProperty("amtnode").GetInt32());
        Assert.Equal(10, summary.GetProperty("message").GetInt32());
        Assert.Equal(5, summary.GetProperty("signedmessage").GetInt32());
        Assert.Equal(0, summary.GetProperty("errors").GetInt32());
        Assert.Equal(28, summary.GetProperty("blocks").GetInt32());
        Assert.Equal(1, summary.GetProperty("roots").GetInt32());
        Assert.Equal(0, summary.GetProperty("missing").GetInt32());
        Assert.Equal(1, summary.GetProperty("notReached").GetInt32()); // the genesis parent
    }

    [Fact]
    public async Task Json_walk_follows_parents_from_the_root_down_to_genesis_and_stops_there()
    {
        CliRun run = await CliRunner.RunAsync("inspect", await _chain.WriteAsync(_temp.File("chain.car")), "--json");

        Assert.Equal(_chain.Header2.Cid.ToString(), run.JsonLines()[0].GetProperty("cid").GetString());
        Assert.Equal([2L, 1L, 0L], run.OfKind("header").Select(h => h.GetProperty("height").GetInt64()));
        Assert.Equal(
            [_chain.Header2.Cid.ToString(), _chain.Header1.Cid.ToString(), _chain.Genesis.Cid.ToString()],
            run.OfKind("header").Select(h => h.GetProperty("cid").GetString()));
        Assert.DoesNotContain(run.Objects(), o => o.GetProperty("cid").GetString() == _chain.GenesisParent.ToString());
    }

    [Fact]
    public async Task Json_header_lines_carry_fields_and_message_counts_from_their_amt_roots()
    {
        CliRun run = await CliRunner.RunAsync("inspect", await _chain.WriteAsync(_temp.File("chain.car")), "--json");

        JsonElement h1 = run.ObjectFor(_chain.Header1.Cid.ToString());
        Assert.Equal(1, h1.GetProperty("height").GetInt64());
        Assert.Equal("f01000", h1.GetProperty("miner").GetString());
        Assert.Equal([_chain.Genesis.Cid.ToString()], h1.GetProperty("parents").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("10", h1.GetProperty("parentWeight").GetString());
        Assert.Equal(_chain.Meta1.Cid.ToString(), h1.GetProperty("messages").GetString());
        Assert.Equal(SyntheticChain.GenesisTimestamp + 30, h1.GetProperty("timestamp").GetUInt64());
        Assert.Equal(SyntheticChain.BlsCount, h1.GetProperty("blsMessages").GetInt32());
        Assert.Equal(SyntheticChain.SecpCountAtHeight1, h1.GetProperty("secpkMessages").GetInt32());

        JsonElement h2 = run.ObjectFor(_chain.Header2.Cid.ToString());
        Assert.Equal(0, h2.GetProperty("blsMessages").GetInt32());
        Assert.Equal(SyntheticChain.SecpCountAtHeight2, h2.GetProperty("secpkMessages").GetInt32());

        JsonElement genesis = run.ObjectFor(_chain.Genesis.Cid.ToString());
        Assert.Equal("f00", genesis.GetProperty("miner").GetString());
        Assert.Equal(0, genesis.GetProperty("blsMessages").GetInt32());
        Assert.Equal(0, genesis.GetProperty("secpkMessages").GetInt32());
    }

    [Fact]
    public async Task Json_msgmeta_and_amt_lines_name_the_two_lists_and_their_shape()
    {
        CliRun run = await CliRunner.RunAsync("inspect", await _chain.WriteAsync(_temp.File("chain.car")), "--json");

        JsonElement meta = run.ObjectFor(_chain.Meta1.Cid.ToString());
        Assert.Equal("msgmeta", meta.GetProperty("kind").GetString());
        Assert.Equal(_chain.Meta1.BlsMessages.ToString(), meta.GetProperty("bls").GetString());
        Assert.Equal(_chain.Meta1.SecpkMessages.ToString(), meta.GetProperty("secpk").GetString());

        JsonElement blsRoot = run.ObjectFor(_chain.Meta1.BlsMessages.ToString());
        Assert.Equal("amt", blsRoot.GetProperty("kind").GetString());
        Assert.Equal(SyntheticChain.BlsCount, blsRoot.GetProperty("count").GetInt32());
        Assert.Equal(1, blsRoot.GetProperty("height").GetInt32());

        // Ten values at height 1: a full leaf (slots 0-7) and a leaf of two.
        Assert.Equal([8, 2], run.OfKind("amtnode").Select(n => n.GetProperty("slots").GetInt32()));
        Assert.All(run.OfKind("amtnode"), n => Assert.Equal(0, n.GetProperty("height").GetInt32()));

        JsonElement secpRoot = run.ObjectFor(_chain.Meta1.SecpkMessages.ToString());
        Assert.Equal(SyntheticChain.SecpCountAtHeight1, secpRoot.GetProperty("count").GetInt32());
        Assert.Equal(0, secpRoot.GetProperty("height").GetInt32());
    }

    [Fact]
    public async Task Json_message_lines_carry_addresses_nonce_value_and_method_in_list_order()
    {
        CliRun run = await CliRunner.RunAsync("inspect", await _chain.WriteAsync(_temp.File("chain.car")), "--json");

        IReadOnlyList<JsonElement> messages = run.OfKind("message");
        Assert.Equal(_chain.BlsMessages.Select(m => m.Cid.ToString()), messages.Select(m => m.GetProperty("cid").GetString()));
        for (int i = 0; i < messages.Count; i++)
        {
            Assert.Equal("f0102", messages[i].GetProperty("to").GetString());
            Assert.Equal("f0101", messages[i].GetProperty("from").GetString());
            Assert.Equal(i, messages[i].GetProperty("nonce").GetInt32());
            Assert.Equal((1000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), messages[i].GetProperty("value").GetString());
            Assert.Equal(i % 3, messages[i].GetProperty("method").GetInt32());
        }

        JsonElement signed = run.ObjectFor(_chain.SecpAtHeight1[1].Cid.ToString());
        Assert.Equal("signedmessage", signed.GetProperty("kind").GetString());
        Assert.Equal("f0202", signed.GetProperty("to").GetString());
        Assert.Equal("f0201", signed.GetProperty("from").GetString());
        Assert.Equal(1, signed.GetProperty("nonce").GetInt32());
        Assert.Equal("5001", signed.GetProperty("value").GetString());
        Assert.Equal(2, signed.GetProperty("method").GetInt32());
    }

    [Fact]
    public async Task Json_with_network_testnet_prints_every_address_with_t()
    {
        CliRun run = await CliRunner.RunAsync("inspect", await _chain.WriteAsync(_temp.File("chain.car")), "--json", "--network", "testnet");

        Assert.Equal(0, run.ExitCode);
        Assert.All(run.OfKind("header"), h => Assert.StartsWith("t0", h.GetProperty("miner").GetString(), StringComparison.Ordinal));
        Assert.All(
            run.OfKind("message").Concat(run.OfKind("signedmessage")),
            m =>
            {
                Assert.StartsWith("t0", m.GetProperty("to").GetString(), StringComparison.Ordinal);
                Assert.StartsWith("t0", m.GetProperty("from").GetString(), StringComparison.Ordinal);
            });
    }

    [Fact]
    public async Task Json_output_is_the_same_on_every_run()
    {
        string path = await _chain.WriteAsync(_temp.File("chain.car"));

        CliRun first = await CliRunner.RunAsync("inspect", path, "--json");
        CliRun second = await CliRunner.RunAsync("inspect", path, "--json");

        Assert.Equal(first.Stdout, second.Stdout);
    }

    [Fact]
    public async Task Json_on_a_zstd_compressed_car_matches_the_plain_car()
    {
        string plain = await _chain.WriteAsync(_temp.File("chain.car"));
        string compressed = _temp.File("chain.car.zst");
        using (var compressor = new Compressor(3))
        {
            await File.WriteAllBytesAsync(compressed, compressor.Wrap(await File.ReadAllBytesAsync(plain)).ToArray());
        }

        CliRun fromPlain = await CliRunner.RunAsync("inspect", plain, "--json");
        CliRun fromCompressed = await CliRunner.RunAsync("inspect", compressed, "--json");

        Assert.Equal(0, fromCompressed.ExitCode);
        Assert.Equal(fromPlain.Stdout, fromCompressed.Stdout);
    }

    [Fact]
    public async Task Table_on_a_three_header_chain_has_one_row_per_object_and_exits_0()
    {
        CliRun run = await CliRunner.RunAsync("inspect", await _chain.WriteAsync(_temp.File("chain.car")));

        Assert.Equal(0, run.ExitCode);
        IReadOnlyList<string> rows = [.. run.Lines.Skip(1).TakeWhile(l => l.Length > 0)];
        Assert.Equal(27, rows.Count);
        Assert.Equal(3, rows.Count(r => r.StartsWith("header ", StringComparison.Ordinal)));
        Assert.Contains(rows, r => r.StartsWith("signedmessage ", StringComparison.Ordinal) && r.Contains("f0201 -> f0202", StringComparison.Ordinal));
        Assert.Equal("result: ok", run.Lines[^1]);
    }
}
