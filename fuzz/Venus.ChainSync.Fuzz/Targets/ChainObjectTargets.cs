using Venus.ChainSync.Fuzz.Harness;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Fuzz.Targets;

/// <summary>
/// The chain objects that arrive as whole blocks (from a blockstore, a CAR, gossip or an exchange response).
/// Each decoder documents <see cref="DagCborException"/> as its only refusal. Each keeps the exact bytes it read,
/// so writing a decoded object gives back the input and its CID is the CID of the input; re-encoding its fields
/// gives back the input too, except where a big integer arrived with leading zeros (accepted, as by Lotus).
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

        RoundTrip.Bytes("BlockHeader.WriteTo", input.Span, DagCbor.Encode(header, static (w, h) => h.WriteTo(w)));
        RoundTrip.That(header.Cid == Cid.ComputeDagCbor(input.Span), "BlockHeader.Cid is not the CID of the bytes it was decoded from");
        byte[] fields = Reencode("BlockHeader.EncodeFields", header, static (w, h) => h.EncodeFields(w));
        if (BigIntFields.AllShortest(input.Span, HeaderFields.ParentWeight, HeaderFields.ParentBaseFee))
        {
            RoundTrip.Bytes("BlockHeader.EncodeFields", input.Span, fields);
        }

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

        RoundTrip.Bytes("Message.WriteTo", input.Span, DagCbor.Encode(message, static (w, m) => m.WriteTo(w)));
        RoundTrip.That(message.Cid == Cid.ComputeDagCbor(input.Span), "Message.Cid is not the CID of the bytes it was decoded from");
        byte[] fields = Reencode("Message.EncodeFields", message, static (w, m) => m.EncodeFields(w));
        if (BigIntFields.AllShortest(input.Span, MessageFields.Value, MessageFields.GasFeeCap, MessageFields.GasPremium))
        {
            RoundTrip.Bytes("Message.EncodeFields", input.Span, fields);
        }
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

        RoundTrip.Bytes("SignedMessage.WriteTo", input.Span, DagCbor.Encode(signed, static (w, m) => m.WriteTo(w)));
        Cid expected = signed.Signature.Type == SignatureType.Bls
            ? Cid.ComputeDagCbor(signed.Message.RawData.Span)
            : Cid.ComputeDagCbor(input.Span);
        RoundTrip.That(signed.Cid == expected, "SignedMessage.Cid does not follow Lotus's rule over the bytes it was decoded from");
        SignedMessage rebuilt = Redecode("SignedMessage.Create", () => Primitives.SignedMessage.Create(signed.Message, signed.Signature));
        RoundTrip.Bytes("SignedMessage.Create", input.Span, rebuilt.RawData.Span);
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
            BlockMsg rebuilt = Redecode("BlockMsg.Create", () => Primitives.BlockMsg.Create(header, message.BlsMessages, message.SecpkMessages));
            RoundTrip.Bytes("BlockMsg.Create", input.Span, rebuilt.RawData.Span);
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
}
