using System.Text.Json;
using Venus.ChainSync.Cli.Tests.TestSupport;

namespace Venus.ChainSync.Cli.Tests.Inspect;

/// <summary>The real mainnet and calibnet genesis archives, through the whole command line.</summary>
public class InspectGenesisTests
{
    private const string MainnetGenesis = "bafy2bzacecnamqgqmifpluoeldx7zzglxcljo6oja4vrmtj7432rphldpdmm2";
    private const string CalibnetGenesis = "bafy2bzacecyaggy24wol5ruvs6qm73gjibs2l2iyhcqmvi7r7a4ph7zx3yqd4";
    private const string EmptyMsgMeta = "bafy2bzacecmda75ovposbdateg7eyhwij65zklgyijgcjwynlklmqazpwlhba";
    private const string EmptyAmt = "bafy2bzacedswlcz5ddgqnyo3sak3jmhmkxashisnlpq6ujgyhe4mlobzpnhs6";
    private const string GenesisParent = "bafyreiaqpwbbyjo4a42saasj36kkrpv4tsherf2e7bvezkert2a7dhonoi";

    [SkippableTheory]
    [InlineData("mainnet.car", MainnetGenesis, 1598306400L, 1222)]
    [InlineData("calibnet.car", CalibnetGenesis, 1667326380L, 1207)]
    public async Task Json_on_a_genesis_car_reports_header_msgmeta_and_empty_amt_and_exits_0(string file, string genesis, long timestamp, int blocks)
    {
        CliRun run = await CliRunner.RunAsync("inspect", SharedVectors.PathOf(Path.Combine("genesis", file)), "--json");

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.Stderr);
        IReadOnlyList<JsonElement> lines = run.JsonLines();

        JsonElement header = lines[0];
        Assert.Equal(genesis, header.GetProperty("cid").GetString());
        Assert.Equal("header", header.GetProperty("kind").GetString());
        Assert.Equal(0, header.GetProperty("height").GetInt64());
        Assert.Equal("f00", header.GetProperty("miner").GetString());
        Assert.Equal([GenesisParent], header.GetProperty("parents").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("0", header.GetProperty("parentWeight").GetString());
        Assert.Equal(EmptyMsgMeta, header.GetProperty("messages").GetString());
        Assert.Equal(timestamp, header.GetProperty("timestamp").GetInt64());
        Assert.Equal(0, header.GetProperty("blsMessages").GetInt32());
        Assert.Equal(0, header.GetProperty("secpkMessages").GetInt32());

        JsonElement meta = run.ObjectFor(EmptyMsgMeta);
        Assert.Equal("msgmeta", meta.GetProperty("kind").GetString());
        Assert.Equal(EmptyAmt, meta.GetProperty("bls").GetString());
        Assert.Equal(EmptyAmt, meta.GetProperty("secpk").GetString());

        JsonElement amt = run.ObjectFor(EmptyAmt);
        Assert.Equal("amt", amt.GetProperty("kind").GetString());
        Assert.Equal(0, amt.GetProperty("count").GetInt32());
        Assert.Equal(0, amt.GetProperty("height").GetInt32());

        // The genesis parent is not a header and is not followed.
        Assert.DoesNotContain(run.Objects(), o => o.GetProperty("cid").GetString() == GenesisParent);
        Assert.Equal(3, run.Objects().Count);

        JsonElement summary = run.Summary();
        Assert.True(lines[^1].TryGetProperty("summary", out _));
        Assert.Equal(3, summary.GetProperty("objects").GetInt32());
        Assert.Equal(1, summary.GetProperty("header").GetInt32());
        Assert.Equal(1, summary.GetProperty("msgmeta").GetInt32());
        Assert.Equal(1, summary.GetProperty("amt").GetInt32());
        Assert.Equal(0, summary.GetProperty("errors").GetInt32());
        Assert.Equal(blocks, summary.GetProperty("blocks").GetInt32());
        Assert.Equal(1, summary.GetProperty("roots").GetInt32());
        Assert.Equal(0, summary.GetProperty("missing").GetInt32());
        Assert.Equal(blocks - 3, summary.GetProperty("notReached").GetInt32());
    }

    [SkippableTheory]
    [InlineData("mainnet.car")]
    [InlineData("calibnet.car")]
    public async Task Json_with_network_testnet_prints_the_genesis_miner_as_t00(string file)
    {
        CliRun run = await CliRunner.RunAsync("inspect", SharedVectors.PathOf(Path.Combine("genesis", file)), "--json", "--network", "testnet");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("t00", run.JsonLines()[0].GetProperty("miner").GetString());
    }

    [SkippableFact]
    public async Task Json_with_network_mainnet_given_explicitly_prints_f00()
    {
        CliRun run = await CliRunner.RunAsync("inspect", SharedVectors.PathOf("genesis/mainnet.car"), "--network", "mainnet", "--json");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("f00", run.JsonLines()[0].GetProperty("miner").GetString());
    }

    [SkippableFact]
    public async Task Table_on_mainnet_car_lists_the_genesis_and_a_summary_and_exits_0()
    {
        CliRun run = await CliRunner.RunAsync("inspect", SharedVectors.PathOf("genesis/mainnet.car"));

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.Stderr);
        Assert.StartsWith("KIND", run.Lines[0], StringComparison.Ordinal);
        Assert.Contains(run.Lines, l => l.StartsWith("header", StringComparison.Ordinal) && l.Contains(MainnetGenesis, StringComparison.Ordinal));
        Assert.Contains(run.Lines, l => l.StartsWith("msgmeta", StringComparison.Ordinal) && l.Contains(EmptyMsgMeta, StringComparison.Ordinal));
        Assert.Contains(run.Lines, l => l.StartsWith("objects: 3 reached", StringComparison.Ordinal));
        Assert.Contains(run.Lines, l => l.StartsWith("archive: 1222 blocks", StringComparison.Ordinal));
        Assert.Equal("result: ok", run.Lines[^1]);
        Assert.DoesNotContain(GenesisParent, run.Stdout, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Table_columns_are_aligned()
    {
        CliRun run = await CliRunner.RunAsync("inspect", SharedVectors.PathOf("genesis/mainnet.car"));

        IReadOnlyList<string> rows = [.. run.Lines.TakeWhile(l => l.Length > 0)];
        int cidColumn = rows[0].IndexOf("CID", StringComparison.Ordinal);
        Assert.All(rows.Skip(1), row => Assert.StartsWith("bafy", row[cidColumn..], StringComparison.Ordinal));
    }
}
