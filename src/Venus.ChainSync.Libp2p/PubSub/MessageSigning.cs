using System.Buffers;
using System.Text;
using Venus.ChainSync.Libp2p.Protobuf;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;
using Message = Venus.ChainSync.Libp2p.Protobuf.Message;

namespace Venus.ChainSync.Libp2p.PubSub;

/// <summary>
/// The StrictSign policy of libp2p/specs pubsub/README.md ("Message Signing"), which Lotus, Venus and Forest run:
/// the bytes a message's signature covers, and the check of a received message.
/// </summary>
/// <remarks>
/// <para><b>Signed bytes.</b> <c>"libp2p-pubsub:"</c> followed by the message's protobuf without <c>signature</c>
/// and <c>key</c>: fields <c>from</c> (1), <c>data</c> (2), <c>seqno</c> (3) and <c>topic</c> (4), each when present,
/// in field order. They are written here by hand, as go (<c>xm.Marshal()</c> in sign.go), js-libp2p and rust-libp2p
/// re-encode the fields they decoded, so the bytes evidently follow the rule whatever the protobuf runtime does.</para>
/// <para>The spec says the signature also covers fields the receiver does not know. go keeps unknown fields and
/// would verify such a message; js-libp2p and rust-libp2p, like this host (which parses with unknown fields
/// skipped), re-encode only the known ones and refuse it. No implementation adds fields to <c>Message</c>.</para>
/// </remarks>
internal static class MessageSigning
{
    /// <summary>The prefix of the signed bytes (go's <c>SignPrefix</c>).</summary>
    public static ReadOnlySpan<byte> SignPrefix => "libp2p-pubsub:"u8;

    private const int SeqnoLength = 8;

    /// <summary>
    /// Checks a received message under StrictSign: <c>from</c> a peer id, an 8-byte <c>seqno</c>, a
    /// <c>signature</c>, and a public key (from <c>key</c>, which must name <c>from</c>, or else inlined in
    /// <c>from</c>) under which the signature is valid. Never throws for anything the message holds.
    /// </summary>
    public static SignatureCheck Verify(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!message.HasFrom || message.From.IsEmpty)
        {
            return SignatureCheck.Failed(SignatureStatus.MissingFrom);
        }

        ReadOnlySpan<byte> from = message.From.Span;
        if (from.Length > PeerId.MaxLength || !IsMultihash(from))
        {
            return SignatureCheck.Failed(SignatureStatus.InvalidFrom);
        }

        if (!message.HasSeqno)
        {
            return SignatureCheck.Failed(SignatureStatus.MissingSeqno);
        }

        if (message.Seqno.Length != SeqnoLength)
        {
            return SignatureCheck.Failed(SignatureStatus.InvalidSeqno);
        }

        if (!message.HasSignature)
        {
            return SignatureCheck.Failed(SignatureStatus.MissingSignature);
        }

        var author = PeerId.FromBytes(from);
        Libp2pPublicKey? key;
        if (message.HasKey)
        {
            // As go's messagePubKey: an attached key is used even when the id inlines one, and must name the id.
            try
            {
                key = Libp2pPublicKey.Decode(message.Key.Span);
            }
            catch (Libp2pProtocolException)
            {
                return SignatureCheck.Failed(SignatureStatus.InvalidKey);
            }

            if (key.PeerId != author)
            {
                return SignatureCheck.Failed(SignatureStatus.KeyMismatch);
            }
        }
        else if (!PeerIdKeys.TryExtractPublicKey(author, out key))
        {
            return SignatureCheck.Failed(SignatureStatus.MissingKey);
        }

        if (key.Type is not (KeyType.Ed25519 or KeyType.Secp256K1))
        {
            return SignatureCheck.Failed(SignatureStatus.UnsupportedKeyType);
        }

        byte[] rented = ArrayPool<byte>.Shared.Rent(SignedLength(message));
        try
        {
            int length = WriteSignedBytes(message, rented);
            return key.Verify(rented.AsSpan(0, length), message.Signature.Span)
                ? new SignatureCheck(SignatureStatus.Valid, author)
                : SignatureCheck.Failed(SignatureStatus.InvalidSignature);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Bytes <see cref="WriteSignedBytes"/> writes for <paramref name="message"/>.</summary>
    internal static int SignedLength(Message message) =>
        SignPrefix.Length
        + (message.HasFrom ? FieldLength(message.From.Length) : 0)
        + (message.HasData ? FieldLength(message.Data.Length) : 0)
        + (message.HasSeqno ? FieldLength(message.Seqno.Length) : 0)
        + (message.HasTopic ? FieldLength(Encoding.UTF8.GetByteCount(message.Topic)) : 0);

    /// <summary>Writes the bytes the signature of <paramref name="message"/> covers; returns their length.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than
    /// <see cref="SignedLength"/>.</exception>
    internal static int WriteSignedBytes(Message message, Span<byte> destination)
    {
        if (destination.Length < SignedLength(message))
        {
            throw new ArgumentException("The destination is shorter than the signed bytes.", nameof(destination));
        }

        SignPrefix.CopyTo(destination);
        int written = SignPrefix.Length;
        if (message.HasFrom)
        {
            written += WriteField(1, message.From.Span, destination[written..]);
        }

        if (message.HasData)
        {
            written += WriteField(2, message.Data.Span, destination[written..]);
        }

        if (message.HasSeqno)
        {
            written += WriteField(3, message.Seqno.Span, destination[written..]);
        }

        if (message.HasTopic)
        {
            // A received topic is valid UTF-8 (Google.Protobuf refuses any other), so it re-encodes to the bytes
            // it arrived as.
            byte[] topic = Encoding.UTF8.GetBytes(message.Topic);
            written += WriteField(4, topic, destination[written..]);
        }

        return written;
    }

    /// <summary>Key, length and value of a length-delimited field of <paramref name="length"/> bytes.</summary>
    private static int FieldLength(int length) => 1 + Varint.SizeOf((ulong)length) + length;

    private static int WriteField(int number, ReadOnlySpan<byte> value, Span<byte> destination)
    {
        destination[0] = (byte)((number << 3) | 2); // length-delimited; numbers 1 to 4 keep the key in one byte
        int written = 1 + Varint.Write((ulong)value.Length, destination[1..]);
        value.CopyTo(destination[written..]);
        return written + value.Length;
    }

    /// <summary>A code, a length and exactly that many digest bytes (go's <c>peer.IDFromBytes</c> asks no more).</summary>
    private static bool IsMultihash(ReadOnlySpan<byte> bytes) =>
        Varint.TryRead(bytes, out _, out int codeLength)
        && Varint.TryRead(bytes[codeLength..], out ulong digestLength, out int lengthLength)
        && (ulong)(bytes.Length - codeLength - lengthLength) == digestLength;
}
