using System.Numerics;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Primitives.Tests.Chain;

/// <summary>
/// One identity per object, Lotus's: a header or message whose big integers come in a longer form than the shortest
/// (which Lotus's decoder takes) decodes to the genuine object, with its bytes and its CID.
/// </summary>
public class CanonicalIdentityTests
{
    private static readonly Cid Root = Cid.ComputeDagCbor([0x80]);
    private static readonly BigInteger Weight = BigInteger.Parse("123456789012345678901", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly BigInteger BaseFee = new(100_000_123);

    public enum Form
    {
        LeadingZero,
        TwoLeadingZeros,
        SignedZero,
        NegativeZero,
    }

    [Theory]
    [InlineData("weight", Form.LeadingZero)]
    [InlineData("weight", Form.TwoLeadingZeros)]
    [InlineData("basefee", Form.LeadingZero)]
    [InlineData("zero-basefee", Form.SignedZero)]
    [InlineData("zero-basefee", Form.NegativeZero)]
    public void Header_with_a_big_integer_in_a_longer_form_decodes_to_the_genuine_header(string field, Form form)
    {
        BlockHeader genuine = Header(Weight, field == "zero-basefee" ? BigInteger.Zero : BaseFee);
        byte[] hostile = field switch
        {
            "weight" => Recode(genuine.RawData.Span, Weight, form),

            // The base fee is the last field: its encoding ends the header (0x40 alone when it is zero).
            "basefee" => Recode(genuine.RawData.Span, BaseFee, form),
            _ => [.. genuine.RawData.Span[..^1], .. ByteString(form == Form.SignedZero ? [0] : [1])],
        };
        Assert.NotEqual(genuine.RawData.ToArray(), hostile);

        BlockHeader decoded = BlockHeader.Decode(hostile);

        Assert.Equal(genuine.Cid, decoded.Cid);
        Assert.Equal(genuine.RawData.ToArray(), decoded.RawData.ToArray());
        Assert.Equal(genuine.ParentBaseFee, decoded.ParentBaseFee);
        Assert.Equal(genuine.SigningBytes(), decoded.SigningBytes());
    }

    [Theory]
    [InlineData(Form.LeadingZero)]
    [InlineData(Form.TwoLeadingZeros)]
    public void Message_and_secp_signed_message_with_a_padded_big_integer_decode_to_the_genuine_ones(Form form)
    {
        Message genuine = Message.Create(Address.NewId(1001), Address.NewId(1002), 7, new TokenAmount(new BigInteger(987_654_321)), 1_000_000, new TokenAmount(new BigInteger(555_555)));
        SignedMessage signed = SignedMessage.Create(genuine, new Signature(SignatureType.Secp256k1, new byte[65]));
        byte[] hostile = Recode(genuine.RawData.Span, new BigInteger(987_654_321), form);
        byte[] hostileSigned = Recode(signed.RawData.Span, new BigInteger(987_654_321), form);

        Message decoded = Message.Decode(hostile);
        SignedMessage decodedSigned = SignedMessage.Decode(hostileSigned);

        Assert.Equal(genuine.Cid, decoded.Cid);
        Assert.Equal(genuine.RawData.ToArray(), decoded.RawData.ToArray());
        Assert.Equal(signed.Cid, decodedSigned.Cid);
        Assert.Equal(signed.RawData.ToArray(), decodedSigned.RawData.ToArray());
        Assert.Equal(genuine.Cid, decodedSigned.Message.Cid);
    }

    [Fact]
    public void Every_decoded_header_and_message_equals_its_own_re_encoding()
    {
        // The property the CIDs rest on: RawData is what Lotus's re-serialisation gives, whatever form arrived.
        BlockHeader genuine = Header(Weight);
        byte[][] headers = [genuine.RawData.ToArray(), .. Enum.GetValues<Form>().Where(f => f is Form.LeadingZero or Form.TwoLeadingZeros).Select(f => Recode(genuine.RawData.Span, Weight, f))];
        foreach (byte[] bytes in headers)
        {
            BlockHeader decoded = BlockHeader.Decode(bytes);
            Assert.Equal(DagCbor.Encode(decoded, static (w, h) => h.EncodeFields(w)), decoded.RawData.ToArray());
        }

        Message message = Message.Decode(Recode(Message.Create(Address.NewId(1), Address.NewId(2), 0, new TokenAmount(new BigInteger(300))).RawData.Span, new BigInteger(300), Form.LeadingZero));
        Assert.Equal(DagCbor.Encode(message, static (w, m) => m.EncodeFields(w)), message.RawData.ToArray());
    }

    [Fact]
    public void Canonical_bytes_are_kept_as_received_without_a_copy()
    {
        BlockHeader genuine = Header(Weight);
        byte[] bytes = genuine.RawData.ToArray();

        BlockHeader decoded = BlockHeader.Decode(bytes);

        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(decoded.RawData, out ArraySegment<byte> segment));
        Assert.Same(bytes, segment.Array);
    }

    [Fact]
    public void A_big_integer_with_a_sign_byte_other_than_0_or_1_is_still_refused()
    {
        BlockHeader genuine = Header(Weight);
        byte[] canonical = ByteString(FilecoinBigInt.ToBytes(BaseFee));
        byte[] bad = [.. canonical];
        bad[1] = 2;

        Assert.Throws<DagCborException>(() => BlockHeader.Decode(Replace(genuine.RawData.Span, canonical, bad)));
    }

    private static BlockHeader Header(BigInteger weight) => Header(weight, BaseFee);

    private static BlockHeader Header(BigInteger weight, BigInteger baseFee) => BlockHeader.Create(
        Address.NewId(1000), TipSetKey.Create(Root), 10, Root, Root, Root, weight, new Ticket(new byte[] { 1, 2, 3 }),
        parentBaseFee: new TokenAmount(baseFee));

    private static byte[] Recode(ReadOnlySpan<byte> raw, BigInteger value, Form form)
    {
        byte[] canonical = FilecoinBigInt.ToBytes(value);
        byte[] longer = form switch
        {
            Form.LeadingZero => [canonical[0], 0, .. canonical[1..]],
            Form.TwoLeadingZeros => [canonical[0], 0, 0, .. canonical[1..]],
            Form.SignedZero => [0],
            Form.NegativeZero => [1],
            _ => throw new ArgumentOutOfRangeException(nameof(form)),
        };
        return Replace(raw, ByteString(canonical), ByteString(longer));
    }

    private static byte[] ByteString(byte[] content) => DagCbor.Encode(content, static (w, c) => w.WriteByteString(c));

    /// <summary>Replaces the one occurrence of <paramref name="find"/>.</summary>
    private static byte[] Replace(ReadOnlySpan<byte> raw, byte[] find, byte[] replacement)
    {
        int at = raw.IndexOf(find);
        Assert.True(at >= 0, "the canonical form is in the bytes");
        Assert.True(raw[(at + 1)..].IndexOf(find) < 0, "the canonical form occurs once");
        return [.. raw[..at], .. replacement, .. raw[(at + find.Length)..]];
    }
}
