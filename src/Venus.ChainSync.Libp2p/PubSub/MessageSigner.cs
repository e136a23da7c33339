using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;
using Venus.ChainSync.Libp2p.Protobuf;

namespace Venus.ChainSync.Libp2p.PubSub;

/// <summary>
/// Builds this host's messages under StrictSign: <c>from</c> our peer id, <c>seqno</c> the next value of a counter,
/// <c>topic</c>, <c>data</c>, the identity key's <c>signature</c> over <see cref="MessageSigning"/>'s signed bytes,
/// and <c>key</c> only when the peer id does not inline the public key.
/// </summary>
/// <remarks>
/// <para>The counter starts, as go-libp2p-pubsub's (pubsub.go: <c>counter: uint64(time.Now().UnixNano())</c>, then
/// <c>nextSeqno</c> increments before use), at the clock's Unix time in nanoseconds, so a restarted node keeps
/// numbering above its previous run and never reuses a <c>seqno</c> under the same id. It is written 8 bytes
/// big-endian, as the spec defines it. js-libp2p draws 8 random bytes instead; both are accepted everywhere.</para>
/// <para>Our identity is Ed25519, whose key the peer id inlines, so <c>key</c> is normally left out, as go does
/// (sign.go: the key is attached only when <c>ExtractPublicKey</c> finds none). Safe to call from any thread.</para>
/// </remarks>
internal sealed class MessageSigner
{
    private readonly Libp2pIdentity _identity;
    private readonly ByteString _from;
    private readonly ByteString? _key;
    private ulong _counter;

    /// <summary>Creates a signer for <paramref name="identity"/> (not owned: the caller disposes it).</summary>
    /// <param name="identity">The host's identity.</param>
    /// <param name="time">The clock whose current time starts the <c>seqno</c> counter.</param>
    public MessageSigner(Libp2pIdentity identity, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(time);
        _identity = identity;
        _from = ByteString.CopyFrom(identity.PeerId.Bytes);
        _key = PeerIdKeys.TryExtractPublicKey(identity.PeerId, out _) ? null : ByteString.CopyFrom(identity.PublicKey.Span);
        _counter = (ulong)((time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * TimeSpan.NanosecondsPerTick);
    }

    /// <summary>A new signed message of <paramref name="data"/> on <paramref name="topic"/>.</summary>
    /// <exception cref="ObjectDisposedException">The identity was disposed.</exception>
    public Message Sign(string topic, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(topic);
        byte[] seqno = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(seqno, Interlocked.Increment(ref _counter));
        var message = new Message
        {
            From = _from,
            Data = ByteString.CopyFrom(data),
            Seqno = ByteString.CopyFrom(seqno),
            Topic = topic,
        };

        byte[] rented = ArrayPool<byte>.Shared.Rent(MessageSigning.SignedLength(message));
        try
        {
            int length = MessageSigning.WriteSignedBytes(message, rented);
            message.Signature = ByteString.CopyFrom(_identity.Sign(rented.AsSpan(0, length)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        if (_key is not null)
        {
            message.Key = _key;
        }

        return message;
    }
}
