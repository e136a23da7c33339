using Venus.ChainSync.Primitives.Cbor;
using Venus.ChainSync.Primitives.Tests.TestSupport;
using static Venus.ChainSync.Primitives.Tests.Hostile.HostileInput;

namespace Venus.ChainSync.Primitives.Tests.Hostile;

/// <summary>Every proper prefix of a real object is refused with <see cref="DagCborException"/> and nothing else.</summary>
public class TruncationTests
{
    [SkippableFact]
    public void Mainnet_header_truncated_at_every_offset_is_refused_with_DagCborException()
    {
        byte[] header = FilecoinVectors.Get("blockheader_venus_mainnet_f021344").CborBytes();

        AssertEveryPrefixRefused(header, static b => BlockHeader.Decode(b));
    }

    [SkippableFact]
    public void Serialization_vector_message_truncated_at_every_offset_is_refused_with_DagCborException()
    {
        byte[] message = FilecoinVectors.Get("sv_unsigned_message_0").CborBytes();

        AssertEveryPrefixRefused(message, static b => Message.Decode(b));
    }

    [SkippableFact]
    public void Serialization_vector_signed_message_truncated_at_every_offset_is_refused_with_DagCborException()
    {
        byte[] signed = FilecoinVectors.Get("sv_message_signing_0").CborBytes("signed_message_cbor_hex");

        AssertEveryPrefixRefused(signed, static b => SignedMessage.Decode(b));
    }

    [Fact]
    public void Secp_signed_message_and_receipt_truncated_at_every_offset_are_refused_with_DagCborException()
    {
        AssertEveryPrefixRefused(SignedMessageBytes(), static b => SignedMessage.Decode(b));
        AssertEveryPrefixRefused(ReceiptBytes(), static b => MessageReceipt.Decode(b));
    }

    private static void AssertEveryPrefixRefused(byte[] whole, Action<byte[]> decode)
    {
        // The whole object decodes, so each failure below is the truncation's.
        decode(whole);
        DagCbor.Validate(whole);
        for (int length = 0; length < whole.Length; length++)
        {
            byte[] prefix = whole[..length];
            AssertRefused(prefix, decode);
            AssertRefused(prefix, static b => DagCbor.Validate(b));
        }
    }
}
