using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Venus.ChainSync.Primitives.Cbor;
using Venus.ChainSync.Primitives.Tests.TestSupport;

namespace Venus.ChainSync.Primitives.Tests.Chain;

public class BlockHeaderVectorTests
{
    public static TheoryData<string> DecodableHeaders() =>
    [
        "genesis_header_mainnet",
        "genesis_header_calibnet",
        "blockheader_venus_mainnet_f021344",
        "sv_block_header_0",
        "sv_block_header_1",
        "sv_block_header_2",
        "sv_block_header_3",
        "sv_block_header_4",
    ];

    [SkippableTheory]
    [MemberData(nameof(DecodableHeaders))]
    public void Header_vector_decodes_reencodes_byte_exactly_and_hashes_to_its_cid(string name)
    {
        JsonElement vector = FilecoinVectors.Get(name);
        byte[] bytes = vector.CborBytes();

        BlockHeader header = BlockHeader.Decode(bytes);

        Assert.Equal(vector.Str("cid"), header.Cid.ToString());
        Assert.Equal(bytes, Reencode(header));
        AssertFieldsMatch(vector.GetProperty("fields"), header);
    }

    [SkippableFact]
    public void Venus_mainnet_header_signing_bytes_match_the_vector()
    {
        JsonElement vector = FilecoinVectors.Get("blockheader_venus_mainnet_f021344");
        BlockHeader header = BlockHeader.Decode(vector.CborBytes());

        Assert.Equal(vector.Str("signing_bytes_hex"), Hex.Encode(header.SigningBytes()));
    }

    [SkippableFact]
    public void Interop_header_with_zero_value_bls_aggregate_encodes_like_lotus_but_is_refused_on_decode_like_lotus()
    {
        // Lotus TestInteropBH builds a header whose BLSAggregate is a zero-value crypto.Signature (type byte 0).
        // Marshalling writes 0x4100; go-state-types' UnmarshalCBOR refuses type 0, and so must we.
        JsonElement vector = FilecoinVectors.Get("blockheader_interop_signing_bytes");
        JsonElement f = vector.GetProperty("fields");
        byte[] signing = EncodeInteropHeader(f, withBlockSig: false);
        byte[] full = EncodeInteropHeader(f, withBlockSig: true);

        Assert.Equal(vector.Str("cbor_hex"), Hex.Encode(signing));
        Assert.Equal(vector.Str("cid"), Cid.ComputeDagCbor(signing).ToString());
        Assert.Equal(vector.Str("full_header_cbor_hex"), Hex.Encode(full));
        Assert.Equal(vector.Str("full_header_cid"), Cid.ComputeDagCbor(full).ToString());

        var error = Assert.Throws<DagCborException>(() => BlockHeader.Decode(full));
        Assert.Contains("signature type 0", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Create_from_decoded_fields_gives_the_same_bytes()
    {
        BlockHeader original = BlockHeader.Decode(FilecoinVectors.Get("blockheader_venus_mainnet_f021344").CborBytes());

        BlockHeader rebuilt = BlockHeader.Create(
            original.Miner, original.Parents, original.Height, original.ParentStateRoot, original.ParentMessageReceipts,
            original.Messages, original.ParentWeight, original.Ticket, original.ElectionProof, original.BeaconEntries,
            original.WinPoStProof, original.BlsAggregate, original.Timestamp, original.BlockSig, original.ForkSignaling,
            original.ParentBaseFee);

        Assert.Equal(original.RawData.ToArray(), rebuilt.RawData.ToArray());
        Assert.Equal(original.Cid, rebuilt.Cid);
        Assert.Equal(original.SigningBytes(), rebuilt.WithBlockSig(null).RawData.ToArray());
    }

    internal static byte[] Reencode(BlockHeader header)
    {
        var buffer = new ArrayBufferWriter<byte>();
        header.EncodeFields(new DagCborWriter(buffer));
        return buffer.WrittenSpan.ToArray();
    }

    private static void AssertFieldsMatch(JsonElement f, BlockHeader h)
    {
        if (f.TryGetProperty("MinerBytes", out JsonElement minerBytes))
        {
            Assert.Equal(minerBytes.GetString(), Hex.Encode(h.Miner.Bytes));
        }

        Assert.Equal(f.GetProperty("Ticket").GetProperty("VRFProof").GetString(), Hex.Encode(h.Ticket!.Value.VrfProof.Span));
        Assert.Equal(f.GetProperty("ElectionProof").GetProperty("WinCount").GetInt64(), h.ElectionProof!.Value.WinCount);
        Assert.Equal(f.GetProperty("BeaconEntries").GetArrayLength(), h.BeaconEntries.Length);
        Assert.Equal(f.GetProperty("WinPoStProof").GetArrayLength(), h.WinPoStProof.Length);
        Assert.Equal(
            f.GetProperty("Parents").EnumerateArray().Select(p => p.GetString()),
            h.Parents.Cids.Select(c => c.ToString()));
        Assert.Equal(ParseBig(f, "ParentWeight"), h.ParentWeight);
        Assert.Equal(f.GetProperty("Height").GetInt64(), h.Height);
        Assert.Equal(f.GetProperty("ParentStateRoot").GetString(), h.ParentStateRoot.ToString());
        Assert.Equal(f.GetProperty("ParentMessageReceipts").GetString(), h.ParentMessageReceipts.ToString());
        Assert.Equal(f.GetProperty("Messages").GetString(), h.Messages.ToString());
        Assert.Equal(f.GetProperty("Timestamp").GetUInt64(), h.Timestamp);
        Assert.Equal(f.GetProperty("ForkSignaling").GetUInt64(), h.ForkSignaling);
        Assert.Equal(ParseBig(f, "ParentBaseFee"), h.ParentBaseFee.AttoFil);
        AssertSignature(f.GetProperty("BLSAggregate"), h.BlsAggregate);
        AssertSignature(f.GetProperty("BlockSig"), h.BlockSig);
    }

    private static void AssertSignature(JsonElement expected, Signature? actual)
    {
        if (expected.ValueKind == JsonValueKind.Null)
        {
            Assert.Null(actual);
            return;
        }

        Assert.NotNull(actual);
        Assert.Equal(expected.GetProperty("Type").GetInt32(), (int)actual.Value.Type);
        Assert.Equal(expected.GetProperty("Data").GetString(), Hex.Encode(actual.Value.Data.Span));
    }

    private static BigInteger ParseBig(JsonElement f, string name)
    {
        JsonElement e = f.GetProperty(name);
        string text = e.ValueKind == JsonValueKind.Object ? e.GetProperty("value").GetString()! : e.ValueKind == JsonValueKind.Number ? e.GetRawText() : e.GetString()!;
        return BigInteger.Parse(text, CultureInfo.InvariantCulture);
    }

    private static byte[] EncodeInteropHeader(JsonElement f, bool withBlockSig)
    {
        Cid someCid = Cid.Parse(f.GetProperty("ParentStateRoot").GetString()!);
        return DagCbor.Encode(f, (w, fields) =>
        {
            w.WriteArrayHeader(16);
            w.WriteByteString(Hex.Decode(fields.GetProperty("MinerBytes").GetString()!));
            new Ticket(Hex.Decode(fields.GetProperty("Ticket").GetProperty("VRFProof").GetString()!)).WriteTo(w);
            new ElectionProof(0, Hex.Decode("0a0b")).WriteTo(w);
            w.WriteArrayHeader(1);
            new BeaconEntry(5, Hex.Decode("0c")).WriteTo(w);
            w.WriteArrayHeader(1);
            new PoStProof(0, Hex.Decode("07")).WriteTo(w);
            TipSetKey.Create(someCid).WriteAsList(w);
            FilecoinBigInt.Write(w, 1000);
            w.WriteInt64(2);
            w.WriteCid(someCid);
            w.WriteCid(someCid);
            w.WriteCid(someCid);
            Signature.WriteRaw(w, 0, []);
            w.WriteUInt64(1);
            if (withBlockSig)
            {
                new Signature(SignatureType.Bls, Hex.Decode("03")).WriteTo(w);
            }
            else
            {
                w.WriteNull();
            }

            w.WriteUInt64(3);
            FilecoinBigInt.Write(w, 1_000_000_000);
        });
    }
}
