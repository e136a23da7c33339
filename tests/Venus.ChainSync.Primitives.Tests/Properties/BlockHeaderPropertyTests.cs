using CsCheck;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Primitives.Tests.Properties;

public class BlockHeaderPropertyTests
{
    private const int Iterations = 1_000;

    [Fact]
    public void Random_header_decodes_from_its_bytes_reencodes_byte_exactly_and_keeps_every_field()
    {
        ChainGen.Header.Sample(fields =>
        {
            BlockHeader created = fields.Create();
            byte[] bytes = created.RawData.ToArray();

            BlockHeader decoded = BlockHeader.Decode(bytes);

            Assert.Equal(bytes, DagCbor.Encode(decoded, static (w, h) => h.EncodeFields(w)));
            Assert.Equal(Cid.ComputeDagCbor(bytes), decoded.Cid);
            Assert.Equal(created.Cid, decoded.Cid);
            AssertFields(fields, decoded);
        }, iter: Iterations);
    }

    [Fact]
    public void Random_header_is_canonical_cbor_to_an_independent_decoder()
    {
        ChainGen.Header.Sample(fields =>
        {
            BlockHeader header = fields.Create();

            IndependentCbor.AssertCanonical(header.RawData);
            DagCbor.Validate(header.RawData.Span);
        }, iter: Iterations);
    }

    [Fact]
    public void Random_header_signing_bytes_are_the_header_without_its_block_signature()
    {
        ChainGen.Header.Sample(fields =>
        {
            BlockHeader header = fields.Create();
            BlockHeader unsigned = header.WithBlockSig(null);

            Assert.Equal(unsigned.RawData.ToArray(), header.SigningBytes());
            Assert.Null(unsigned.BlockSig);
            Assert.Equal(header.BlsAggregate, unsigned.BlsAggregate);
            IndependentCbor.AssertCanonical(header.SigningBytes());
        }, iter: Iterations / 4);
    }

    private static void AssertFields(HeaderFields expected, BlockHeader actual)
    {
        Assert.Equal(expected.Miner, actual.Miner);
        Assert.Equal(expected.Ticket, actual.Ticket);
        Assert.Equal(expected.ElectionProof, actual.ElectionProof);
        Assert.Equal(expected.BeaconEntries, actual.BeaconEntries);
        Assert.Equal(expected.WinPoStProof, actual.WinPoStProof);
        Assert.Equal(expected.Parents, actual.Parents.Cids);
        Assert.Equal(expected.ParentWeight, actual.ParentWeight);
        Assert.Equal(expected.Height, actual.Height);
        Assert.Equal(expected.ParentStateRoot, actual.ParentStateRoot);
        Assert.Equal(expected.ParentMessageReceipts, actual.ParentMessageReceipts);
        Assert.Equal(expected.Messages, actual.Messages);
        Assert.Equal(expected.BlsAggregate, actual.BlsAggregate);
        Assert.Equal(expected.Timestamp, actual.Timestamp);
        Assert.Equal(expected.BlockSig, actual.BlockSig);
        Assert.Equal(expected.ForkSignaling, actual.ForkSignaling);
        Assert.Equal(expected.ParentBaseFee, actual.ParentBaseFee.AttoFil);
    }
}
