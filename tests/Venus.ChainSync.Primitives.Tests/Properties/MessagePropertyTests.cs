using CsCheck;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Primitives.Tests.Properties;

public class MessagePropertyTests
{
    private const int Iterations = 1_000;

    private static readonly Gen<(MessageFields Message, Signature Signature)> SignedGen = Gen.Select(ChainGen.Message, ChainGen.AnySignature);

    private static readonly Gen<(long ExitCode, byte[] Return, long GasUsed, bool WithEvents, Cid? EventsRoot)> ReceiptGen =
        from exitCode in ChainGen.AnyLong
        from ret in Gen.Byte.Array[0, 64]
        from gasUsed in ChainGen.AnyLong
        from withEvents in Gen.Bool
        from events in withEvents ? ChainGen.Optional(ChainGen.AnyCid) : Gen.Const(default(Cid?))
        select (exitCode, ret, gasUsed, withEvents, events);

    [Fact]
    public void Random_message_round_trips_byte_exactly_with_its_cid_and_fields()
    {
        ChainGen.Message.Sample(fields =>
        {
            Message created = fields.Create();
            byte[] bytes = created.RawData.ToArray();

            Message decoded = Message.Decode(bytes);

            Assert.Equal(bytes, DagCbor.Encode(decoded, static (w, m) => m.EncodeFields(w)));
            Assert.Equal(Cid.ComputeDagCbor(bytes), decoded.Cid);
            Assert.Equal(fields.Version, decoded.Version);
            Assert.Equal(fields.To, decoded.To);
            Assert.Equal(fields.From, decoded.From);
            Assert.Equal(fields.Nonce, decoded.Nonce);
            Assert.Equal(fields.Value, decoded.Value.AttoFil);
            Assert.Equal(fields.GasLimit, decoded.GasLimit);
            Assert.Equal(fields.GasFeeCap, decoded.GasFeeCap.AttoFil);
            Assert.Equal(fields.GasPremium, decoded.GasPremium.AttoFil);
            Assert.Equal(fields.Method, decoded.Method);
            Assert.Equal(fields.Params, decoded.Params.ToArray());
            IndependentCbor.AssertCanonical(bytes);
        }, iter: Iterations);
    }

    [Fact]
    public void Random_signed_message_round_trips_and_is_named_by_the_bls_rule()
    {
        SignedGen.Sample((fields, signature) =>
        {
            Message message = fields.Create();
            SignedMessage created = SignedMessage.Create(message, signature);
            byte[] bytes = created.RawData.ToArray();

            SignedMessage decoded = SignedMessage.Decode(bytes);

            Assert.Equal(message.RawData.ToArray(), decoded.Message.RawData.ToArray());
            Assert.Equal(signature, decoded.Signature);
            Assert.Equal(bytes, DagCbor.Encode(decoded, static (w, m) => m.WriteTo(w)));
            Cid expected = signature.Type == SignatureType.Bls ? message.Cid : Cid.ComputeDagCbor(bytes);
            Assert.Equal(expected, decoded.Cid);
            Assert.Equal(signature.Type == SignatureType.Bls, decoded.Cid == decoded.Message.Cid);
            IndependentCbor.AssertCanonical(bytes);
        }, iter: Iterations);
    }

    [Fact]
    public void Random_receipt_of_three_or_four_fields_round_trips_byte_exactly()
    {
        ReceiptGen.Sample(r =>
        {
            MessageReceipt created = MessageReceipt.Create(r.ExitCode, r.Return, r.GasUsed, r.WithEvents, r.EventsRoot);
            byte[] bytes = created.RawData.ToArray();

            MessageReceipt decoded = MessageReceipt.Decode(bytes);

            Assert.Equal(r.WithEvents ? 0x84 : 0x83, bytes[0]);
            Assert.Equal(bytes, DagCbor.Encode(decoded, static (w, m) => m.EncodeFields(w)));
            Assert.Equal(r.ExitCode, decoded.ExitCode);
            Assert.Equal(r.Return, decoded.Return.ToArray());
            Assert.Equal(r.GasUsed, decoded.GasUsed);
            Assert.Equal(r.WithEvents, decoded.HasEventsField);
            Assert.Equal(r.EventsRoot, decoded.EventsRoot);
            IndependentCbor.AssertCanonical(bytes);
        }, iter: Iterations);
    }
}
