using System.Text.Json;
using Venus.ChainSync.Cli.Tests.TestSupport;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Cli.Tests.Inspect;

/// <summary>Objects that fail their checks (exit 1), and branches that end quietly.</summary>
public sealed class InspectFailureTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Tampered_message_bytes_give_an_error_line_for_that_cid_and_exit_1()
    {
        var chain = SyntheticChain.Build();
        Message victim = chain.BlsMessages[3];
        byte[] tampered = victim.RawData.ToArray();
        tampered[^1] ^= 0x01;
        chain.Builder.Replace(victim.Cid, tampered);

        CliRun run = await CliRunner.RunAsync("inspect", await chain.WriteAsync(_temp.File("chain.car")), "--json");

        Assert.Equal(1, run.ExitCode);
        JsonElement error = run.ObjectFor(victim.Cid.ToString());
        Assert.Equal("error", error.GetProperty("kind").GetString());
        Assert.Equal("message", error.GetProperty("expected").GetString());
        Assert.Equal("bytes do not hash to the CID", error.GetProperty("error").GetString());
        Assert.Equal(SyntheticChain.BlsCount - 1, run.OfKind("message").Count);
        Assert.Equal(1, run.Summary().GetProperty("errors").GetInt32());
    }

    [Fact]
    public async Task Tampered_header_gives_an_error_line_and_its_branch_is_not_followed()
    {
        var chain = SyntheticChain.Build();
        byte[] tampered = chain.Header1.RawData.ToArray();
        tampered[^1] ^= 0x01;
        chain.Builder.Replace(chain.Header1.Cid, tampered);

        CliRun run = await CliRunner.RunAsync("inspect", await chain.WriteAsync(_temp.File("chain.car")), "--json");

        Assert.Equal(1, run.ExitCode);
        JsonElement error = run.ObjectFor(chain.Header1.Cid.ToString());
        Assert.Equal("error", error.GetProperty("kind").GetString());
        Assert.Equal("header", error.GetProperty("expected").GetString());
        Assert.Equal([chain.Header2.Cid.ToString()], run.OfKind("header").Select(h => h.GetProperty("cid").GetString()));
    }

    [Fact]
    public async Task Message_where_a_header_is_expected_gives_a_field_count_error_and_exit_1()
    {
        var builder = new ChainCarBuilder();
        Message message = ChainCarBuilder.NewMessage(0, 1, 0);
        builder.Add(message.Cid, message.RawData);
        MsgMeta meta = builder.AddMessages([], []);
        BlockHeader header = builder.AddHeader(5, [message.Cid], meta.Cid);

        CliRun run = await CliRunner.RunAsync("inspect", await builder.WriteAsync(_temp.File("chain.car"), header.Cid), "--json");

        Assert.Equal(1, run.ExitCode);
        JsonElement error = run.ObjectFor(message.Cid.ToString());
        Assert.Equal("error", error.GetProperty("kind").GetString());
        Assert.Equal("header", error.GetProperty("expected").GetString());
        Assert.Contains("expected 16 fields, found 10", error.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Single(run.OfKind("header"));
    }

    [Fact]
    public async Task Missing_msgmeta_ends_the_branch_quietly_with_null_counts_and_exit_0()
    {
        var chain = SyntheticChain.Build();
        chain.Builder.Remove(chain.Meta2.Cid);

        CliRun run = await CliRunner.RunAsync("inspect", await chain.WriteAsync(_temp.File("chain.car")), "--json");

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.OfKind("error"));
        Assert.DoesNotContain(run.Objects(), o => o.GetProperty("cid").GetString() == chain.Meta2.Cid.ToString());
        JsonElement tip = run.ObjectFor(chain.Header2.Cid.ToString());
        Assert.Equal(JsonValueKind.Null, tip.GetProperty("blsMessages").ValueKind);
        Assert.Equal(JsonValueKind.Null, tip.GetProperty("secpkMessages").ValueKind);
        Assert.Equal(1, run.Summary().GetProperty("missing").GetInt32());
        Assert.Equal(3, run.OfKind("header").Count);
    }

    [Fact]
    public async Task Missing_parent_header_ends_the_walk_quietly_and_counts_one_missing()
    {
        var chain = SyntheticChain.Build();
        chain.Builder.Remove(chain.Header1.Cid);

        CliRun run = await CliRunner.RunAsync("inspect", await chain.WriteAsync(_temp.File("chain.car")), "--json");

        Assert.Equal(0, run.ExitCode);
        Assert.Single(run.OfKind("header"));
        Assert.Equal(1, run.Summary().GetProperty("missing").GetInt32());
    }

    [Fact]
    public async Task Table_with_a_failed_object_shows_an_error_row_and_a_failed_result()
    {
        var chain = SyntheticChain.Build();
        SignedMessage victim = chain.SecpAtHeight2[0];
        byte[] tampered = victim.RawData.ToArray();
        tampered[^1] ^= 0x01;
        chain.Builder.Replace(victim.Cid, tampered);

        CliRun run = await CliRunner.RunAsync("inspect", await chain.WriteAsync(_temp.File("chain.car")));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(run.Lines, l => l.StartsWith("error ", StringComparison.Ordinal) && l.Contains(victim.Cid.ToString(), StringComparison.Ordinal));
        Assert.StartsWith("result: FAILED", run.Lines[^1], StringComparison.Ordinal);
    }
}
