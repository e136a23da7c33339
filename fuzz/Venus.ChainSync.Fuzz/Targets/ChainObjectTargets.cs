using Venus.ChainSync.Fuzz.Harness;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Fuzz.Targets;

/// <summary>
/// The chain objects that arrive as whole blocks (from a blockstore, a CAR, gossip or an exchange response).
/// Each decoder documents <see cref="DagCborException"/> as its only refusal. Each keeps the exact bytes it read,
/// so writing a decoded object gives back the input and its CID is the CID of the input; re-encoding its fields
/// gives back the input too. The one exception is Lotus's: a header or message whose big integers arrived longer than
/// the shortest form (leading zeros, accepted as by Lotus) takes the canonical re-encoding as its bytes and CID, so
/// there the written bytes must be that re-encoding, shorter than the input, and a fixed point of decoding.
/// </summary>
internal static class ChainObjectTargets
{
    public static void Header(ReadOnlyMemory<byte> input, AllocationMeter meter)
    {
        BlockHeader header;
        try
        {
            header = meter.Call(() => BlockHeader.Decode(input));
        }
        catch (DagCborException)
        {
            return;
        }

        byte[] written = DagCbor.Encode(header, static (w, h) => h.WriteTo(w));
        byte[] fields = Reencode("BlockHeader.EncodeFields", header, static (w, h) => h.EncodeFields(w));
        bool canonical = BigIntFields.AllShortest(input.Span, HeaderFields.ParentWeight, HeaderFields.ParentBaseFee);
        Identity("BlockHeader", input.Span, canonical, written, fields, header.Cid, static b => BlockHeader.Decode(b).RawData);

        // The signing bytes are the header with a null signature: they must be a header too.
        byte[] signing = header.SigningBytes();
        Redecode("BlockHeader.SigningBytes", () => BlockHeader.Decode(signing));
    }

    public static void Message(ReadOnlyMemory<byte> input, AllocationMeter meter)
    {
        Message message;
        try
        {
            message = meter.Call(() => Primitives.Message.Decode(input));
        }
        catch (DagCborException)
        {
            return;
        }

        byte[] written = DagCbor.Encode(message, static (w, m) => m.WriteTo(w));
        byte[] fields = Reencode("Message.EncodeFields", message, static (w, m) => m.EncodeFields(w));
        bool canonical = BigIntFields.AllShortest(input.Span, MessageFields.Value, MessageFields.GasFeeCap, MessageFields.GasPremium);
        Identity("Message", input.Span, canonical, written, fields, message.Cid, static b => Primitives.Message.Decode(b).RawData);
    }

    public static void SignedMessage(ReadOnlyMemory<byte> input, AllocationMeter meter)
    {
        SignedMessage signed;
        try
        {
            signed = meter.Call(() => Primitives.SignedMessage.Decode(input));
        }
        catch (DagCborException)
        {
            return;
        }

        // The inner message decides: canonical, the signed bytes are the input; otherwise they are rebuilt around its
        // canonical re-encoding, which must be what Create makes of the same message and signature.
        byte[] written = DagCbor.Encode(signed, static (w, m) => m.WriteTo(w));
        bool canonical = BigIntFields.AllShortest(
            BigIntFields.Element(input.Span, 0), MessageFields.Value, MessageFields.GasFeeCap, MessageFields.GasPremium);
        SignedMessage rebuilt = Redecode("SignedMessage.Create", () => Primitives.SignedMessage.Create(signed.Message, signed.Signature));
        Cid expected = signed.Signature.Type == SignatureType.Bls
            ? Cid.ComputeDagCbor(signed.Message.RawData.Span)
            : Cid.ComputeDagCbor(written);
        RoundTrip.That(signed.Cid == expected, "SignedMessage.Cid does not follow Lotus's rule over its bytes");
        Identity("SignedMessage", input.Span, canonical, written, rebuilt.RawData.ToArray(), cid: null, static b => Primitives.SignedMessage.Decode(b).RawData);
    }

    public static void Receipt(ReadOnlyMemory<byte> input, AllocationMeter meter)
    {
        MessageReceipt receipt;
        try
        {
            receipt = meter.Call(() => MessageReceipt.Decode(input));
        }
        catch (DagCborException)
        {
            return;
        }

        RoundTrip.Bytes("MessageReceipt.RawData", input.Span, receipt.RawData.Span);
        RoundTrip.Bytes("MessageReceipt.EncodeFields", input.Span, Reencode("MessageReceipt.EncodeFields", receipt, static (w, r) => r.EncodeFields(w)));
    }

    public static void BlockMsg(ReadOnlyMemory<byte> input, AllocationMeter meter)
    {
        BlockMsg message;
        try
        {
            message = meter.Call(() => Primitives.BlockMsg.Decode(input));
        }
        catch (DagCborException)
        {
            return;
        }

        RoundTrip.Bytes("BlockMsg.WriteTo", input.Span, DagCbor.Encode(message, static (w, m) => m.WriteTo(w)));
        if (message.Header is { } header)
        {
            // The gossip payload is kept as received; the header inside takes its canonical form when its big integers
            // came longer than the shortest (Lotus's identity), and then a rebuilt payload carries that form.
            BlockMsg rebuilt = Redecode("BlockMsg.Create", () => Primitives.BlockMsg.Create(header, message.BlsMessages, message.SecpkMessages));
            ReadOnlySpan<byte> sentHeader = BigIntFields.Element(input.Span, 0);
            if (BigIntFields.AllShortest(sentHeader, HeaderFields.ParentWeight, HeaderFields.ParentBaseFee))
            {
                RoundTrip.Bytes("BlockMsg.Create", input.Span, rebuilt.RawData.Span);
            }
            else
            {
                RoundTrip.Bytes("BlockMsg.Create's header", header.RawData.Span, BigIntFields.Element(rebuilt.RawData.Span, 0));
                RoundTrip.That(rebuilt.RawData.Length < input.Length, "BlockMsg.Create over a canonicalised header is not shorter than the payload");
            }
        }
    }

    public static void MsgMeta(ReadOnlyMemory<byte> input, AllocationMeter meter)
    {
        MsgMeta meta;
        try
        {
            meta = meter.Call(() => Primitives.MsgMeta.Decode(input));
        }
        catch (DagCborException)
        {
            return;
        }

        RoundTrip.Bytes("MsgMeta.RawData", input.Span, meta.RawData.Span);
        RoundTrip.That(meta.Cid == Cid.ComputeDagCbor(input.Span), "MsgMeta.Cid is not the CID of the bytes it was decoded from");
        RoundTrip.Bytes("MsgMeta.Create", input.Span, Primitives.MsgMeta.Create(meta.BlsMessages, meta.SecpkMessages).RawData.Span);
    }

    private static byte[] Reencode<T>(string what, T item, DagCborWriteAction<T> write)
    {
        try
        {
            return DagCbor.Encode(item, write);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            throw new FuzzFailure($"{what} cannot encode what was decoded", ex);
        }
    }

    /// <summary>Runs a rebuild that must succeed for anything that decoded: a refusal here is a decoder that let through what the library cannot write back.</summary>
    private static T Redecode<T>(string what, Func<T> rebuild)
    {
        try
        {
            return rebuild();
        }
        catch (Exception ex) when (ex is DagCborException or ArgumentException or InvalidOperationException)
        {
            throw new FuzzFailure($"{what} refused what was decoded", ex);
        }
    }

    /// <summary>Positions of the big-integer fields in a header's 16-field array.</summary>
    private static class HeaderFields
    {
        public const int ParentWeight = 6;
        public const int ParentBaseFee = 15;
    }

    /// <summary>Positions of the big-integer fields in a message's 10-field array.</summary>
    private static class MessageFields
    {
        public const int Value = 4;
        public const int GasFeeCap = 6;
        public const int GasPremium = 7;
    }

    /// <summary>
    /// Lotus's identity rule: canonical input is written back as received and named by its own CID; other input is
    /// written as <paramref name="canonicalForm"/> (strictly shorter: only redundant leading bytes are dropped), named by
    /// that form's CID, and decoding that form keeps it unchanged. <paramref name="cid"/> is null where the CID follows
    /// another rule (a signed message's), checked by the caller.
    /// </summary>
    private static void Identity(string what, ReadOnlySpan<byte> input, bool canonical, byte[] written, byte[] canonicalForm, Cid? cid, Func<ReadOnlyMemory<byte>, ReadOnlyMemory<byte>> redecode)
    {
        if (canonical)
        {
            RoundTrip.Bytes($"{what}.WriteTo", input, written);
            RoundTrip.Bytes($"{what} canonical form", input, canonicalForm);
        }
        else
        {
            RoundTrip.Bytes($"{what}.WriteTo of a non-canonical input", canonicalForm, written);
            RoundTrip.That(written.Length < input.Length, $"{what}: the canonical form of a non-canonical input is not shorter than it");
            RoundTrip.Bytes($"{what} decoded from its canonical form", written, Redecode($"{what} canonical form", () => redecode(written)).Span);
        }

        RoundTrip.That(cid is null || cid == Cid.ComputeDagCbor(written), $"{what}.Cid is not the CID of the bytes it is written as");
    }
}
