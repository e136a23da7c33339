using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Primitives;

/// <summary>A signed message: <c>[Message, Signature]</c>.</summary>
/// <remarks>
/// Its <see cref="Cid"/> follows Lotus: for a BLS signature it is the CID of the unsigned <see cref="Message"/>
/// (BLS signatures are aggregated into the block header, so the message is named without one); for any other
/// scheme it is the CID of the signed encoding, <see cref="RawData"/>.
/// </remarks>
public sealed class SignedMessage
{
    private Cid _cid;

    private SignedMessage(Message message, Signature signature, ReadOnlyMemory<byte> rawData)
    {
        Message = message;
        Signature = signature;
        RawData = rawData;
    }

    /// <summary>The unsigned message.</summary>
    public Message Message { get; }

    /// <summary>The sender's signature over the message CID.</summary>
    public Signature Signature { get; }

    /// <summary>The bytes the signed message was decoded from, or their canonical re-encoding (see <see cref="Read"/>).</summary>
    public ReadOnlyMemory<byte> RawData { get; }

    /// <summary>The CID by Lotus's rule (see the type's remarks).</summary>
    public Cid Cid
    {
        get
        {
            if (!_cid.IsDefined)
            {
                _cid = Signature.Type == SignatureType.Bls ? Message.Cid : Cid.ComputeDagCbor(RawData.Span);
            }

            return _cid;
        }
    }

    /// <summary>Decodes a signed message that fills <paramref name="data"/> exactly; it keeps <paramref name="data"/>.</summary>
    /// <exception cref="DagCborException">The bytes are not one strict signed message.</exception>
    public static SignedMessage Decode(ReadOnlyMemory<byte> data) => DagCbor.DecodeWhole(data, Read);

    /// <summary>
    /// Reads one signed message at the reader's position; its <see cref="RawData"/> is a slice of
    /// <paramref name="source"/>, or a canonical re-encoding when its message was not canonical (see <see cref="Message"/>).
    /// </summary>
    public static SignedMessage Read(ref DagCborReader reader, ReadOnlyMemory<byte> source)
    {
        int start = reader.Position;
        reader.ReadArrayHeader(2, "SignedMessage");
        int messageStart = reader.Position;
        Message message = Message.Read(ref reader, source);
        bool messageRewritten = message.RawData.Length != reader.Position - messageStart;
        Signature signature = Signature.Read(ref reader, source);

        // A message re-encoded to its canonical form is always shorter than what was read (only longer big-integer
        // forms are re-encoded), and then the signed encoding, and with it a secp message's CID, is rebuilt around it.
        return messageRewritten ? Create(message, signature) : new SignedMessage(message, signature, source[start..reader.Position]);
    }

    /// <summary>Builds a signed message from a message and a signature.</summary>
    public static SignedMessage Create(Message message, Signature signature)
    {
        ArgumentNullException.ThrowIfNull(message);
        byte[] bytes = DagCbor.Encode((message, signature), static (w, s) =>
        {
            w.WriteArrayHeader(2);
            s.message.WriteTo(w);
            s.signature.WriteTo(w);
        });
        return Decode(bytes);
    }

    /// <summary>Writes the signed message: its exact <see cref="RawData"/>.</summary>
    public void WriteTo(DagCborWriter writer) => writer.WriteRaw(RawData.Span);

    /// <inheritdoc/>
    public override string ToString() => $"SignedMessage {Cid} ({Signature.Type})";
}
