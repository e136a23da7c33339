using System.Numerics;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Primitives;

/// <summary>
/// An unsigned message: <c>[Version, To, From, Nonce, Value, GasLimit, GasFeeCap, GasPremium, Method, Params]</c>.
/// </summary>
/// <remarks>
/// Immutable and only valid: built by <see cref="Decode"/> or <see cref="Create"/>. <see cref="RawData"/> is the
/// canonical encoding and <see cref="Cid"/> is computed from it. <see cref="Params"/> is a view into
/// <see cref="RawData"/>. As for <see cref="BlockHeader"/>, a message read with a big integer in a longer form than
/// the shortest (which Lotus's decoder takes) is re-encoded, so its CID is the one Lotus computes over its
/// re-encoding (<c>chain/types/message.go</c> <c>Cid</c> → <c>ToStorageBlock</c>) and a block's message root is
/// checked against the CIDs Lotus would check it against.
/// </remarks>
public sealed class Message
{
    private const int FieldCount = 10;
    private Cid _cid;

    private Message(ReadOnlyMemory<byte> rawData) => RawData = rawData;

    /// <summary>Message format version (0 on the live network).</summary>
    public ulong Version { get; private init; }

    /// <summary>Recipient.</summary>
    public Address To { get; private init; }

    /// <summary>Sender.</summary>
    public Address From { get; private init; }

    /// <summary>Sender's sequence number.</summary>
    public ulong Nonce { get; private init; }

    /// <summary>Amount transferred.</summary>
    public TokenAmount Value { get; private init; }

    /// <summary>Gas limit.</summary>
    public long GasLimit { get; private init; }

    /// <summary>Fee cap per gas unit.</summary>
    public TokenAmount GasFeeCap { get; private init; }

    /// <summary>Miner tip per gas unit.</summary>
    public TokenAmount GasPremium { get; private init; }

    /// <summary>Actor method number.</summary>
    public ulong Method { get; private init; }

    /// <summary>Method parameters (CBOR, opaque here).</summary>
    public ReadOnlyMemory<byte> Params { get; private init; }

    /// <summary>The bytes the message was decoded from, or their canonical re-encoding when they were not canonical.</summary>
    public ReadOnlyMemory<byte> RawData { get; }

    /// <summary>The message CID, computed once from <see cref="RawData"/>.</summary>
    public Cid Cid
    {
        // A benign race: two threads may both hash, and both store the same value.
        get => _cid.IsDefined ? _cid : _cid = Cid.ComputeDagCbor(RawData.Span);
    }

    /// <summary>Decodes a message that fills <paramref name="data"/> exactly; the message keeps <paramref name="data"/>.</summary>
    /// <exception cref="DagCborException">The bytes are not one strict 10-field message.</exception>
    public static Message Decode(ReadOnlyMemory<byte> data) => DagCbor.DecodeWhole(data, Read);

    /// <summary>
    /// Reads one message at the reader's position; its <see cref="RawData"/> is a slice of <paramref name="source"/>,
    /// or the canonical re-encoding of that slice when a big integer in it was not in the shortest form.
    /// </summary>
    public static Message Read(ref DagCborReader reader, ReadOnlyMemory<byte> source)
    {
        int start = reader.Position;
        reader.ReadArrayHeader(FieldCount, "Message");
        ulong version = reader.ReadUInt64();
        Address to = Address.Read(ref reader);
        Address from = Address.Read(ref reader);
        ulong nonce = reader.ReadUInt64();
        bool canonical = true;
        BigInteger value = FilecoinBigInt.Read(ref reader, ref canonical);
        long gasLimit = reader.ReadInt64();
        BigInteger feeCap = FilecoinBigInt.Read(ref reader, ref canonical);
        BigInteger premium = FilecoinBigInt.Read(ref reader, ref canonical);
        ulong method = reader.ReadUInt64();
        ReadOnlyMemory<byte> parameters = reader.ReadBytesSlice(source, "Message.Params");
        var message = new Message(source[start..reader.Position])
        {
            Version = version,
            To = to,
            From = from,
            Nonce = nonce,
            Value = new TokenAmount(value),
            GasLimit = gasLimit,
            GasFeeCap = new TokenAmount(feeCap),
            GasPremium = new TokenAmount(premium),
            Method = method,
            Params = parameters,
        };

        // Lotus's identity for this message is its re-encoding, which is canonical (so this does not recurse).
        return canonical ? message : Decode(DagCbor.Encode(message, static (w, m) => m.EncodeFields(w)));
    }

    /// <summary>Builds a message from its fields: encodes them canonically and decodes the result.</summary>
    public static Message Create(
        Address to,
        Address from,
        ulong nonce,
        TokenAmount value = default,
        long gasLimit = 0,
        TokenAmount gasFeeCap = default,
        TokenAmount gasPremium = default,
        ulong method = 0,
        ReadOnlyMemory<byte> parameters = default,
        ulong version = 0)
    {
        var template = new Message(ReadOnlyMemory<byte>.Empty)
        {
            Version = version,
            To = to,
            From = from,
            Nonce = nonce,
            Value = value,
            GasLimit = gasLimit,
            GasFeeCap = gasFeeCap,
            GasPremium = gasPremium,
            Method = method,
            Params = parameters,
        };
        return Decode(DagCbor.Encode(template, static (w, m) => m.EncodeFields(w)));
    }

    /// <summary>Writes the message: its exact <see cref="RawData"/>.</summary>
    public void WriteTo(DagCborWriter writer) => writer.WriteRaw(RawData.Span);

    /// <summary>Encodes the fields afresh (canonically); for a decoded message this equals <see cref="RawData"/>.</summary>
    public void EncodeFields(DagCborWriter writer)
    {
        writer.WriteArrayHeader(FieldCount);
        writer.WriteUInt64(Version);
        To.WriteTo(writer);
        From.WriteTo(writer);
        writer.WriteUInt64(Nonce);
        FilecoinBigInt.Write(writer, Value.AttoFil);
        writer.WriteInt64(GasLimit);
        FilecoinBigInt.Write(writer, GasFeeCap.AttoFil);
        FilecoinBigInt.Write(writer, GasPremium.AttoFil);
        writer.WriteUInt64(Method);
        writer.WriteByteString(Params.Span);
    }

    /// <inheritdoc/>
    public override string ToString() => $"Message {Cid} {From}->{To} nonce {Nonce} method {Method}";
}
