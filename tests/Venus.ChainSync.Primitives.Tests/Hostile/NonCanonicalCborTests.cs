using Venus.ChainSync.Primitives.Cbor;
using Venus.ChainSync.Primitives.Tests.TestSupport;
using static Venus.ChainSync.Primitives.Tests.Hostile.HostileInput;

namespace Venus.ChainSync.Primitives.Tests.Hostile;

/// <summary>
/// CBOR that is well-formed but not strict DAG-CBOR is refused by <see cref="DagCbor.Validate"/> and by the typed
/// decoders wherever it appears in a chain object.
/// </summary>
public class NonCanonicalCborTests
{
    [Theory]
    [InlineData("1805")]               // 5 in one extra byte
    [InlineData("1817")]               // 23, the largest value that fits the initial byte
    [InlineData("190010")]             // 16 in two bytes
    [InlineData("1900ff")]             // 255 in two bytes
    [InlineData("1a00000010")]         // 16 in four bytes
    [InlineData("1a0000ffff")]         // 65 535 in four bytes
    [InlineData("1b0000000000000010")] // 16 in eight bytes
    [InlineData("1b00000000ffffffff")] // 2^32 - 1 in eight bytes
    [InlineData("3805")]               // -6 in one extra byte
    [InlineData("3b0000000000000000")] // -1 in eight bytes
    [InlineData("980100")]             // array of 1, length in one extra byte
    [InlineData("99000100")]           // array of 1, length in two bytes
    [InlineData("9a0000000100")]       // array of 1, length in four bytes
    [InlineData("580100")]             // byte string of 1, length in one extra byte
    [InlineData("5b000000000000000100")] // byte string of 1, length in eight bytes
    [InlineData("780161")]             // text of 1, length in one extra byte
    [InlineData("b801616100")]         // map of 1, length in one extra byte
    [InlineData("d9002a4100")]         // tag 42 in two bytes
    public void Integer_or_length_not_in_its_shortest_form_is_refused(string hex)
    {
        byte[] input = Hex.Decode(hex);

        DagCborException error = AssertRefused(input, static b => DagCbor.Validate(b));

        Assert.Equal(0, error.Offset);
    }

    [Theory]
    [InlineData(HeaderField.Height, "1805")]
    [InlineData(HeaderField.Height, "3b0000000000000000")]
    [InlineData(HeaderField.Timestamp, "1a00000010")]
    [InlineData(HeaderField.ForkSignaling, "1b0000000000000000")]
    [InlineData(HeaderField.Miner, "5803" + "00e807")]             // ID address f01000 with a long length head
    [InlineData(HeaderField.BeaconEntries, "980182" + "182a" + "4100")] // list of one entry with a long length head
    [InlineData(HeaderField.ParentWeight, "5900020001")]           // big integer with a two-byte length head
    public void Header_field_not_in_its_shortest_form_is_refused_where_it_starts(int field, string hex)
    {
        byte[] original = HeaderBytes();
        byte[] header = ReplaceField(original, field, Hex.Decode(hex));

        DagCborException error = AssertRefused(header, static b => BlockHeader.Decode(b));

        Assert.Equal(FieldRanges(original)[field].Start, error.Offset);
    }

    [Theory]
    [InlineData(MessageField.Nonce, "1807")]
    [InlineData(MessageField.GasLimit, "1b00000000000f4240")]
    [InlineData(MessageField.Method, "1802")]
    [InlineData(MessageField.Params, "5803820102")]
    public void Message_field_not_in_its_shortest_form_is_refused_where_it_starts(int field, string hex)
    {
        byte[] original = MessageBytes();
        byte[] message = ReplaceField(original, field, Hex.Decode(hex));

        DagCborException error = AssertRefused(message, static b => Message.Decode(b));

        Assert.Equal(FieldRanges(original)[field].Start, error.Offset);
    }

    [Theory]
    [InlineData("9f00ff")]     // indefinite array
    [InlineData("9fff")]       // empty indefinite array
    [InlineData("5f4100ff")]   // indefinite byte string
    [InlineData("7f6161ff")]   // indefinite text
    [InlineData("bf616100ff")] // indefinite map
    [InlineData("ff")]         // a lone break
    [InlineData("8100ff")]     // a break after a complete item
    [InlineData("1c")]         // reserved additional information 28
    [InlineData("5d")]
    [InlineData("9e")]
    public void Indefinite_length_break_or_reserved_head_is_refused(string hex)
    {
        AssertRefused(Hex.Decode(hex), static b => DagCbor.Validate(b));
    }

    [Fact]
    public void Header_as_an_indefinite_array_is_refused_at_its_first_byte()
    {
        byte[] header = HeaderBytes();
        byte[] indefinite = [0x9f, .. header.AsSpan(1), 0xff];

        DagCborException error = AssertRefused(indefinite, static b => BlockHeader.Decode(b));

        Assert.Equal(0, error.Offset);
    }

    [Theory]
    [InlineData(HeaderField.Parents, "9f")]           // indefinite parents list
    [InlineData(HeaderField.ParentWeight, "5f")]      // indefinite big integer
    [InlineData(HeaderField.Miner, "5f")]
    public void Header_field_with_an_indefinite_head_is_refused_where_it_starts(int field, string head)
    {
        byte[] original = HeaderBytes();
        (int start, int end) = FieldRanges(original)[field];
        // Keep the field's content after the indefinite head so only the head is wrong.
        byte[] header = [.. original.AsSpan(0, start), .. Hex.Decode(head), .. original.AsSpan(start + 1, end - start - 1), 0xff, .. original.AsSpan(end)];

        DagCborException error = AssertRefused(header, static b => BlockHeader.Decode(b));

        Assert.Equal(start, error.Offset);
    }

    public static TheoryData<string, string> WrongTags()
    {
        string cid = Hex.Encode(SomeCid.Bytes);
        return new()
        {
            { "tag 43 over a CID byte string", "d82b" + "5827" + "00" + cid },
            { "tag 0 (date text)", "c0" + "6130" },
            { "tag 2 (bignum)", "c2" + "4101" },
            { "tag 42 over text", "d82a" + "6161" },
            { "tag 42 over an integer", "d82a" + "01" },
            { "tag 42 over an empty byte string", "d82a" + "40" },
            { "tag 42 without the 0x00 prefix", "d82a" + "5826" + cid },
            { "tag 42 with prefix 0x01", "d82a" + "5827" + "01" + cid },
            { "tag 42 over a truncated CID", "d82a" + "5815" + "00" + cid[..40] },
            { "tag 42 over a CID with a trailing byte", "d82a" + "5828" + "00" + cid + "00" },
            { "tag 42 over a CID of version 2", "d82a" + "5827" + "00" + "02" + cid[2..] },
            { "tag 42 over a bare 0x00", "d82a" + "4100" },
            { "tag 42 over another tag 42", "d82a" + "d82a" + "5827" + "00" + cid },
        };
    }

    [Theory]
    [MemberData(nameof(WrongTags))]
    public void Wrong_tag_or_malformed_cid_is_refused_alone_and_in_every_cid_field(string scenario, string hex)
    {
        byte[] item = Hex.Decode(hex);

        AssertRefused(item, static b => DagCbor.Validate(b));
        byte[] original = HeaderBytes();
        foreach (int field in new[] { HeaderField.ParentStateRoot, HeaderField.ParentMessageReceipts, HeaderField.Messages })
        {
            byte[] header = ReplaceField(original, field, item);

            DagCborException error = AssertRefused(header, static b => BlockHeader.Decode(b));

            int start = FieldRanges(original)[field].Start;
            Assert.True(error.Offset >= start && error.Offset < start + item.Length, $"{scenario} in field {field}: refused at {error.Offset}, outside the item at {start}");
        }

        byte[] parents = [0x81, .. item];
        AssertRefused(ReplaceField(original, HeaderField.Parents, parents), static b => BlockHeader.Decode(b));
        AssertRefused([0x82, .. item, .. EncodedCid(SomeCid)], static b => MsgMeta.Decode(b));
    }

    [Theory]
    [InlineData("f93c00")]             // half-precision 1.0
    [InlineData("f97e00")]             // half-precision NaN
    [InlineData("f97c00")]             // half-precision infinity
    [InlineData("fa3f800000")]         // single-precision 1.0
    [InlineData("fa7fc00000")]         // single-precision NaN
    [InlineData("fb7ff8000000000000")] // double NaN
    [InlineData("fb7ff8000000000001")] // double NaN with a payload
    [InlineData("fbfff8000000000000")] // negative double NaN
    [InlineData("fb7ff0000000000000")] // double +infinity
    [InlineData("fbfff0000000000000")] // double -infinity
    [InlineData("fb3ff00000000000")]   // truncated double
    public void Float_other_than_a_finite_double_is_refused(string hex)
    {
        DagCborException error = AssertRefused(Hex.Decode(hex), static b => DagCbor.Validate(b));

        Assert.Equal(0, error.Offset);
    }

    [Fact]
    public void Finite_double_is_accepted_but_not_where_a_header_expects_an_integer()
    {
        byte[] one = Hex.Decode("fb3ff0000000000000");
        DagCbor.Validate(one);

        byte[] original = HeaderBytes();
        foreach (int field in new[] { HeaderField.Height, HeaderField.Timestamp, HeaderField.ForkSignaling })
        {
            DagCborException error = AssertRefused(ReplaceField(original, field, one), static b => BlockHeader.Decode(b));
            Assert.Equal(FieldRanges(original)[field].Start, error.Offset);
        }
    }

    [Theory]
    [InlineData("e0")]   // simple value 0
    [InlineData("f3")]   // simple value 19
    [InlineData("f7")]   // undefined
    [InlineData("f814")] // false, in the two-byte form
    [InlineData("f820")] // simple value 32
    [InlineData("f8ff")] // simple value 255
    [InlineData("f8")]   // truncated two-byte simple value
    [InlineData("fc")]   // reserved
    [InlineData("fd")]
    [InlineData("fe")]
    [InlineData("82f700")]
    public void Simple_value_other_than_false_true_or_null_is_refused(string hex)
    {
        AssertRefused(Hex.Decode(hex), static b => DagCbor.Validate(b));
    }

    [Theory]
    [InlineData("62c328")]       // a two-byte sequence with a bad continuation byte
    [InlineData("62c080")]       // overlong encoding of U+0000
    [InlineData("63e08080")]     // overlong three-byte encoding
    [InlineData("63eda080")]     // an encoded surrogate (U+D800)
    [InlineData("61e2")]         // a sequence cut off by the string's end
    [InlineData("61ff")]         // a byte that never appears in UTF-8
    [InlineData("6180")]         // a lone continuation byte
    [InlineData("64f4908080")]   // above U+10FFFF
    [InlineData("8261616180")]   // a bad string after a good one
    public void Text_that_is_not_valid_utf8_is_refused(string hex)
    {
        AssertRefused(Hex.Decode(hex), static b => DagCbor.Validate(b));
    }

    [Fact]
    public void Invalid_utf8_in_an_exchange_error_message_is_refused_by_the_typed_read()
    {
        byte[] response = Hex.Decode("83" + "00" + "62c328" + "80");

        DagCborException error = AssertRefused(response, static b =>
        {
            var reader = new DagCborReader(b);
            reader.ReadArrayHeader(3, "Response");
            reader.ReadUInt64();
            reader.ReadTextString();
        });

        Assert.Equal(2, error.Offset);
    }

    [Theory]
    [InlineData("a2616101616102", 4)]           // {"a": 1, "a": 2}: duplicate key
    [InlineData("a2616201616102", 4)]           // {"b": 1, "a": 2}: bytewise out of order
    [InlineData("a262616101616202", 5)]         // {"aa": 1, "b": 2}: longer key first
    [InlineData("a3616101616202616102", 7)]     // {"a", "b", "a"}: a duplicate that is not adjacent
    [InlineData("a10102", 1)]                   // {1: 2}: integer key
    [InlineData("a1410102", 1)]                 // {h'01': 2}: byte-string key
    [InlineData("a1f602", 1)]                   // {null: 2}
    [InlineData("a1616101616202", 4)]           // map of 1 followed by a stray item
    public void Map_with_duplicate_misordered_or_non_text_keys_is_refused(string hex, int offset)
    {
        DagCborException error = AssertRefused(Hex.Decode(hex), static b => DagCbor.Validate(b));

        Assert.Equal(offset, error.Offset);
    }

    [Fact]
    public void Map_in_canonical_order_is_accepted()
    {
        // {"b": 1, "aa": 2}: shorter key first, which is DAG-CBOR's order.
        DagCbor.Validate(Hex.Decode("a2616201626161" + "02"));
    }
}
