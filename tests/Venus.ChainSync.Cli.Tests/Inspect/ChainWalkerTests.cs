using Venus.ChainSync.Cli.Inspect;
using Venus.ChainSync.Cli.Tests.TestSupport;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Amt;

namespace Venus.ChainSync.Cli.Tests.Inspect;

/// <summary>The walk itself, over blocks in memory: no files, no console.</summary>
public class ChainWalkerTests
{
    [Fact]
    public void Walk_of_the_synthetic_chain_is_breadth_first_with_messages_before_parents()
    {
        var chain = SyntheticChain.Build();

        WalkResult result = Walk(chain.Builder, chain.Header2.Cid);

        // The root, then what it links to in order: its message meta, then its parent.
        Assert.Equal(
            [chain.Header2.Cid, chain.Meta2.Cid, chain.Header1.Cid],
            result.Objects.Take(3).Select(o => o.Cid));
        Assert.False(result.HasErrors);
        Assert.Equal(result.Objects.Count, result.Objects.Select(o => o.Cid).Distinct().Count());
    }

    [Fact]
    public void Walk_reports_a_parent_shared_by_two_roots_once()
    {
        var builder = new ChainCarBuilder();
        MsgMeta meta = builder.AddMessages([], []);
        BlockHeader genesis = builder.AddHeader(0, [ChainCarBuilder.Unfollowed], meta.Cid);
        BlockHeader left = builder.AddHeader(1, [genesis.Cid], meta.Cid, timestamp: 1);
        BlockHeader right = builder.AddHeader(1, [genesis.Cid], meta.Cid, timestamp: 2);

        WalkResult result = Walk(builder, left.Cid, right.Cid);

        Assert.Equal(3, result.Summary.CountOf(ObjectKind.Header));
        Assert.Single(result.Objects, o => o.Cid == genesis.Cid);
        Assert.Equal(2, result.Summary.Roots);
    }

    [Fact]
    public void Amt_value_that_is_not_a_cid_is_an_error_of_the_amt_and_nothing_below_it_is_followed()
    {
        var builder = new ChainCarBuilder();
        Cid badRoot = AmtV0.ComputeRootOfEncoded([new byte[] { 0x07 }], builder.AddNode);
        Cid emptyRoot = AmtV0.ComputeRoot(Array.Empty<Cid>(), builder.AddNode);
        MsgMeta meta = MsgMeta.Create(badRoot, emptyRoot);
        builder.Add(meta.Cid, meta.RawData);
        BlockHeader header = builder.AddHeader(1, [], meta.Cid);

        WalkResult result = Walk(builder, header.Cid);

        FailedObject failed = Assert.IsType<FailedObject>(Assert.Single(result.Objects, o => o.Cid == badRoot));
        Assert.Equal(ObjectKind.Amt, failed.Kind);
        Assert.Contains("not a CID", failed.Error, StringComparison.Ordinal);
        Assert.Equal(1, result.Summary.Errors);

        // The header's count comes only from sound roots.
        HeaderObject headerObject = Assert.IsType<HeaderObject>(result.Objects[0]);
        Assert.Null(headerObject.BlsMessageCount);
        Assert.Equal(0UL, headerObject.SecpkMessageCount);
    }

    [Fact]
    public void Block_under_a_non_dag_cbor_codec_is_an_error_even_if_its_bytes_would_decode()
    {
        var builder = new ChainCarBuilder();
        MsgMeta meta = builder.AddMessages([], []);
        Cid rawCid = Cid.Compute(Multicodec.Raw, meta.RawData.Span);
        builder.Add(rawCid, meta.RawData);
        BlockHeader header = builder.AddHeader(1, [], rawCid);

        WalkResult result = Walk(builder, header.Cid);

        FailedObject failed = Assert.IsType<FailedObject>(Assert.Single(result.Objects, o => o.Cid == rawCid));
        Assert.Equal(ObjectKind.MsgMeta, failed.Kind);
        Assert.Contains("dag-cbor", failed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Block_with_a_multihash_that_cannot_be_checked_is_an_unsupported_multihash_error()
    {
        var builder = new ChainCarBuilder();
        byte[] data = [0x80];
        Cid sha512 = Cid.Create(Multicodec.DagCbor, Multihash.Create(0x13, new byte[64]));
        builder.Add(sha512, data);

        WalkResult result = Walk(builder, sha512);

        FailedObject failed = Assert.IsType<FailedObject>(Assert.Single(result.Objects));
        Assert.Equal("unsupported multihash", failed.Error);
        Assert.Equal(ObjectKind.Header, failed.Kind);
    }

    [Fact]
    public void Absent_root_is_counted_missing_and_reports_nothing()
    {
        var builder = new ChainCarBuilder();
        MsgMeta meta = builder.AddMessages([], []);

        WalkResult result = Walk(builder, ChainCarBuilder.Unfollowed);

        Assert.Empty(result.Objects);
        Assert.Equal(1, result.Summary.Missing);
        Assert.False(result.HasErrors);
        Assert.Equal(2, result.Summary.NotReached); // the meta and its empty AMT
        Assert.True(meta.Cid.IsDefined);
    }

    [Fact]
    public void Walk_with_a_cancelled_token_throws_operation_cancelled()
    {
        var chain = SyntheticChain.Build();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => ChainWalker.Walk(Blocks(chain.Builder), [chain.Header2.Cid], cancelled.Token));
    }

    private static WalkResult Walk(ChainCarBuilder builder, params Cid[] roots) =>
        ChainWalker.Walk(Blocks(builder), roots, CliRunner.Guard());

    private static Dictionary<Cid, ReadOnlyMemory<byte>> Blocks(ChainCarBuilder builder) =>
        builder.Blocks.ToDictionary(b => b.Cid, b => b.Data);
}
