using Venus.ChainSync.Primitives.Cbor;
using Venus.ChainSync.Primitives.Tests.TestSupport;
using static Venus.ChainSync.Primitives.Tests.Hostile.HostileInput;

namespace Venus.ChainSync.Primitives.Tests.Hostile;

/// <summary>
/// Strict DAG-CBOR that is not the shape a chain object must have (extra bytes, wrong field counts, wrong types,
/// out-of-range big integers, signatures and addresses) is refused by the typed decoders where the fault is.
/// </summary>
public class ChainObjectHostileTests
{
    private enum Kind
    {
        UInt,
        NegInt,
        Bytes,
        Text,
        Array,
        Map,
        Cid,
        Bool,
        Null,
        Float,
    }

    private static readonly Dictionary<Kind, byte[]> Samples = new()
    {
        [Kind.UInt] = [0x01],
        [Kind.NegInt] = [0x20],
        [Kind.Bytes] = [0x41, 0x00],
        [Kind.Text] = [0x61, 0x61],
        [Kind.Array] = [0x80],
        [Kind.Map] = [0xa0],
        [Kind.Cid] = EncodedCid(SomeCid),
        [Kind.Bool] = [0xf5],
        [Kind.Null] = [0xf6],
        [Kind.Float] = Hex.Decode("fb3ff0000000000000"),
    };

    /// <summary>What each header field may hold on the wire (cbor-gen's types for Lotus's BlockHeader).</summary>
    private static readonly Kind[][] HeaderFieldKinds =
    [
        [Kind.Bytes],               // Miner
        [Kind.Array, Kind.Null],    // Ticket
        [Kind.Array, Kind.Null],    // ElectionProof
        [Kind.Array],               // BeaconEntries
        [Kind.Array],               // WinPoStProof
        [Kind.Array],               // Parents
        [Kind.Bytes],               // ParentWeight
        [Kind.UInt, Kind.NegInt],   // Height
        [Kind.Cid],                 // ParentStateRoot
        [Kind.Cid],                 // ParentMessageReceipts
        [Kind.Cid],                 // Messages
        [Kind.Bytes, Kind.Null],    // BLSAggregate
        [Kind.UInt],                // Timestamp
        [Kind.Bytes, Kind.Null],    // BlockSig
        [Kind.UInt],                // ForkSignaling
        [Kind.Bytes],               // ParentBaseFee
    ];

    private static readonly Kind[][] MessageFieldKinds =
    [
        [Kind.UInt],                // Version
        [Kind.Bytes],               // To
        [Kind.Bytes],               // From
        [Kind.UInt],                // Nonce
        [Kind.Bytes],               // Value
        [Kind.UInt, Kind.NegInt],   // GasLimit
        [Kind.Bytes],               // GasFeeCap
        [Kind.Bytes],               // GasPremium
        [Kind.UInt],                // Method
        [Kind.Bytes],               // Params
    ];

    public static TheoryData<int> HeaderFields() => [.. Enumerable.Range(0, 16)];

    public static TheoryData<int> MessageFields() => [.. Enumerable.Range(0, 10)];

    [Fact]
    public void Trailing_byte_after_a_chain_object_is_refused_where_the_object_ends()
    {
        Cid cid = SomeCid;
        var cases = new (byte[] Bytes, Action<byte[]> Decode)[]
        {
            (HeaderBytes(), static b => BlockHeader.Decode(b)),
            (MessageBytes(), static b => Message.Decode(b)),
            (SignedMessageBytes(), static b => SignedMessage.Decode(b)),
            (ReceiptBytes(), static b => MessageReceipt.Decode(b)),
            (MsgMeta.Create(cid, cid).RawData.ToArray(), static b => MsgMeta.Decode(b)),
            (BlockMsg.Create(BlockHeader.Decode(HeaderBytes()), [cid], []).RawData.ToArray(), static b => BlockMsg.Decode(b)),
        };

        foreach ((byte[] bytes, Action<byte[]> decode) in cases)
        {
            decode(bytes);
            foreach (byte[] trailer in new byte[][] { [0x00], [0xf6], [0x80], [.. bytes] })
            {
                DagCborException error = AssertRefused([.. bytes, .. trailer], decode);
                Assert.Equal(bytes.Length, error.Offset);
            }
        }
    }

    [Theory]
    [InlineData(15)]
    [InlineData(17)]
    [InlineData(0)]
    public void Header_with_other_than_16_fields_is_refused_at_its_first_byte(int fieldCount)
    {
        byte[] header = WithFieldCount(HeaderBytes(), fieldCount);

        DagCborException error = AssertRefused(header, static b => BlockHeader.Decode(b));

        Assert.Equal(0, error.Offset);
    }

    [Theory]
    [InlineData(9)]
    [InlineData(11)]
    public void Message_with_other_than_10_fields_is_refused_at_its_first_byte(int fieldCount)
    {
        DagCborException error = AssertRefused(WithFieldCount(MessageBytes(), fieldCount), static b => Message.Decode(b));

        Assert.Equal(0, error.Offset);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Signed_message_with_other_than_2_fields_is_refused_at_its_first_byte(int fieldCount)
    {
        DagCborException error = AssertRefused(WithFieldCount(SignedMessageBytes(), fieldCount), static b => SignedMessage.Decode(b));

        Assert.Equal(0, error.Offset);
    }

    [Theory]
    [InlineData("82" + "00" + "40")]
    [InlineData("85" + "00" + "40" + "00" + "f6" + "00")]
    [InlineData("80")]
    public void Receipt_with_other_than_3_or_4_fields_is_refused_at_its_first_byte(string hex)
    {
        DagCborException error = AssertRefused(Hex.Decode(hex), static b => MessageReceipt.Decode(b));

        Assert.Equal(0, error.Offset);
    }

    [Theory]
    [InlineData(HeaderField.Ticket, "80")]
    [InlineData(HeaderField.Ticket, "82" + "4100" + "4100")]
    [InlineData(HeaderField.ElectionProof, "81" + "01")]
    [InlineData(HeaderField.ElectionProof, "83" + "01" + "4100" + "00")]
    [InlineData(HeaderField.BeaconEntries, "81" + "81" + "01")]
    [InlineData(HeaderField.BeaconEntries, "81" + "83" + "01" + "4100" + "00")]
    [InlineData(HeaderField.WinPoStProof, "81" + "81" + "01")]
    [InlineData(HeaderField.WinPoStProof, "81" + "83" + "01" + "4100" + "00")]
    public void Nested_header_part_with_a_wrong_field_count_is_refused(int field, string hex)
    {
        byte[] original = HeaderBytes();
        byte[] header = ReplaceField(original, field, Hex.Decode(hex));

        DagCborException error = AssertRefused(header, static b => BlockHeader.Decode(b));

        Assert.InRange(error.Offset, FieldRanges(original)[field].Start, FieldRanges(original)[field].Start + 1);
    }

    [Theory]
    [MemberData(nameof(HeaderFields))]
    public void Header_field_of_any_other_cbor_type_is_refused_where_the_field_starts(int field)
    {
        byte[] original = HeaderBytes();
        int start = FieldRanges(original)[field].Start;

        foreach ((Kind kind, byte[] item) in Samples.Where(s => !HeaderFieldKinds[field].Contains(s.Key)))
        {
            DagCborException error = AssertRefused(ReplaceField(original, field, item), static b => BlockHeader.Decode(b));
            Assert.True(start == error.Offset, $"field {field} as {kind}: refused at {error.Offset}, expected {start}");
        }
    }

    [Theory]
    [MemberData(nameof(MessageFields))]
    public void Message_field_of_any_other_cbor_type_is_refused_where_the_field_starts(int field)
    {
        byte[] original = MessageBytes();
        int start = FieldRanges(original)[field].Start;

        foreach ((Kind kind, byte[] item) in Samples.Where(s => !MessageFieldKinds[field].Contains(s.Key)))
        {
            DagCborException error = AssertRefused(ReplaceField(original, field, item), static b => Message.Decode(b));
            Assert.True(start == error.Offset, $"field {field} as {kind}: refused at {error.Offset}, expected {start}");
        }
    }

    [Theory]
    [InlineData("420201")]  // sign byte 2
    [InlineData("4202")]    // sign byte 2 and nothing else
    [InlineData("42ff01")]  // sign byte 255
    public void Big_integer_with_a_sign_byte_other_than_0_or_1_is_refused(string hex)
    {
        AssertBigIntegerFieldsRefuse(Hex.Decode(hex));
    }

    [Fact]
    public void Big_integer_longer_than_128_bytes_is_refused_and_128_bytes_is_accepted()
    {
        byte[] longest = [0x58, 0x80, 0x00, .. Enumerable.Repeat((byte)0xff, FilecoinBigInt.MaxSerializedLength - 1)];
        byte[] tooLong = [0x58, 0x81, 0x00, .. Enumerable.Repeat((byte)0xff, FilecoinBigInt.MaxSerializedLength)];

        BlockHeader header = BlockHeader.Decode(ReplaceField(HeaderBytes(), HeaderField.ParentWeight, longest));
        Assert.Equal(FilecoinBigInt.MaxSerializedLength - 1, header.ParentWeight.GetByteCount(isUnsigned: true));
        AssertBigIntegerFieldsRefuse(tooLong);
    }

    [Theory]
    [InlineData("4100")] // type 0 (a zero-value Go signature)
    [InlineData("4104")] // type 4
    [InlineData("41ff")] // type 255
    [InlineData("420001")]
    [InlineData("40")]   // empty
    public void Signature_of_unknown_type_or_empty_is_refused_in_every_signature_field(string hex)
    {
        AssertSignatureFieldsRefuse(Hex.Decode(hex));
    }

    [Fact]
    public void Signature_of_201_bytes_is_refused_and_200_bytes_is_accepted()
    {
        byte[] longest = [0x58, 0xc8, 0x02, .. new byte[Signature.MaxLength - 1]];
        byte[] tooLong = [0x58, 0xc9, 0x02, .. new byte[Signature.MaxLength]];

        BlockHeader header = BlockHeader.Decode(ReplaceField(HeaderBytes(), HeaderField.BlockSig, longest));
        Assert.Equal(Signature.MaxLength - 1, header.BlockSig!.Value.Data.Length);
        AssertSignatureFieldsRefuse(tooLong);
    }

    [Theory]
    [InlineData("420501")]           // protocol 5
    [InlineData("42ff01")]           // protocol 255
    [InlineData("40")]               // empty
    [InlineData("4100")]             // an ID protocol byte without a payload
    [InlineData("420100")]           // secp256k1 with a 1-byte payload
    [InlineData("43008000")]         // ID with a varint that is not minimal
    [InlineData("4b00ffffffffffffffffff01")] // ID above 2^63 - 1
    public void Address_with_an_unknown_protocol_or_bad_payload_is_refused_in_every_address_field(string hex)
    {
        byte[] item = Hex.Decode(hex);

        AssertFieldRefused(HeaderBytes(), HeaderField.Miner, item, static b => BlockHeader.Decode(b));
        AssertFieldRefused(MessageBytes(), MessageField.To, item, static b => Message.Decode(b));
        AssertFieldRefused(MessageBytes(), MessageField.From, item, static b => Message.Decode(b));
    }

    [Fact]
    public void Delegated_address_with_a_55_byte_subaddress_is_refused()
    {
        byte[] item = [0x58, 0x39, 0x04, 0x0a, .. new byte[Address.MaxSubaddressLength + 1]];

        AssertFieldRefused(HeaderBytes(), HeaderField.Miner, item, static b => BlockHeader.Decode(b));
    }

    private static void AssertBigIntegerFieldsRefuse(byte[] item)
    {
        AssertFieldRefused(HeaderBytes(), HeaderField.ParentWeight, item, static b => BlockHeader.Decode(b));
        AssertFieldRefused(HeaderBytes(), HeaderField.ParentBaseFee, item, static b => BlockHeader.Decode(b));
        AssertFieldRefused(MessageBytes(), MessageField.Value, item, static b => Message.Decode(b));
        AssertFieldRefused(MessageBytes(), MessageField.GasFeeCap, item, static b => Message.Decode(b));
        AssertFieldRefused(MessageBytes(), MessageField.GasPremium, item, static b => Message.Decode(b));
    }

    private static void AssertSignatureFieldsRefuse(byte[] item)
    {
        AssertFieldRefused(HeaderBytes(), HeaderField.BlsAggregate, item, static b => BlockHeader.Decode(b));
        AssertFieldRefused(HeaderBytes(), HeaderField.BlockSig, item, static b => BlockHeader.Decode(b));
        AssertFieldRefused(SignedMessageBytes(), 1, item, static b => SignedMessage.Decode(b));
    }

    private static void AssertFieldRefused(byte[] original, int field, byte[] item, Action<byte[]> decode)
    {
        DagCborException error = AssertRefused(ReplaceField(original, field, item), decode);

        Assert.Equal(FieldRanges(original)[field].Start, error.Offset);
    }

    /// <summary>The object with its top-level array cut to, or padded with unsigned integers up to, <paramref name="fieldCount"/> fields.</summary>
    private static byte[] WithFieldCount(byte[] encoded, int fieldCount)
    {
        (int Start, int End)[] fields = FieldRanges(encoded);
        int kept = Math.Min(fieldCount, fields.Length);
        int end = kept == 0 ? fields[0].Start : fields[kept - 1].End;
        byte[] head = DagCbor.Encode(fieldCount, static (w, n) => w.WriteArrayHeader(n));
        return [.. head, .. encoded.AsSpan(fields[0].Start, end - fields[0].Start), .. Enumerable.Repeat((byte)0x00, fieldCount - kept)];
    }
}
