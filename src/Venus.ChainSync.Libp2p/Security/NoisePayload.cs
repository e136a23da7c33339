using System.Text;
using Google.Protobuf;
using Venus.ChainSync.Libp2p.Protobuf;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p.Security;

/// <summary>
/// The libp2p handshake payload (libp2p/specs noise/README.md, "The libp2p Handshake Payload"): the identity key, its
/// signature of <c>"noise-libp2p-static-key:" ‖ Noise static public key</c>, and optional extensions.
/// </summary>
internal static class NoisePayload
{
    /// <summary>The prefix of the signed bytes (the spec; go-libp2p handshake.go, payloadSigPrefix).</summary>
    public const string SignaturePrefix = "noise-libp2p-static-key:";

    /// <summary>The serialized payload for this node.</summary>
    public static byte[] Create(Libp2pIdentity local, ReadOnlySpan<byte> staticPublicKey, IReadOnlyList<string> streamMuxers)
    {
        var payload = new NoiseHandshakePayload
        {
            IdentityKey = ByteString.CopyFrom(local.PublicKey.Span),
            IdentitySig = ByteString.CopyFrom(local.Sign(SignedBytes(staticPublicKey))),
        };
        if (streamMuxers.Count > 0)
        {
            var extensions = new NoiseExtensions();
            extensions.StreamMuxers.AddRange(streamMuxers);
            payload.Extensions = extensions;
        }

        return payload.ToByteArray();
    }

    /// <summary>
    /// Reads the remote's payload and checks it: a decodable identity key, the peer it names is
    /// <paramref name="expectedRemote"/> (when given), and a valid signature of <paramref name="remoteStatic"/>.
    /// </summary>
    /// <exception cref="Libp2pProtocolException">Any check failed.</exception>
    public static Remote Verify(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> remoteStatic, PeerId? expectedRemote)
    {
        NoiseHandshakePayload message;
        try
        {
            message = ProtobufInput.Parse(NoiseHandshakePayload.Parser, payload);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw Bad("the handshake payload is not a NoiseHandshakePayload protobuf", ex);
        }

        if (!message.HasIdentityKey || message.IdentityKey.IsEmpty)
        {
            throw Bad("the handshake payload has no identity key");
        }

        Libp2pPublicKey key;
        try
        {
            key = Libp2pPublicKey.Decode(message.IdentityKey.Span);
        }
        catch (Libp2pProtocolException ex)
        {
            throw Bad("the handshake payload's identity key is not a libp2p public key", ex);
        }

        // As go-libp2p does, the peer is checked before the signature: a wrong peer is the more useful error.
        if (expectedRemote is PeerId expected && key.PeerId != expected)
        {
            throw Bad($"the remote is {key.PeerId}, not the peer dialled ({expected})");
        }

        if (!key.Verify(SignedBytes(remoteStatic), message.IdentitySig.Span))
        {
            throw Bad(key.Type is KeyType.Ed25519 or KeyType.Secp256K1
                ? "the identity key's signature of the Noise static key is invalid"
                : $"the identity key is of type {key.Type}, whose signatures this host does not verify");
        }

        IReadOnlyList<string> muxers = message.Extensions?.StreamMuxers is { Count: > 0 } offered ? [.. offered] : [];
        return new Remote(key, muxers);
    }

    private static byte[] SignedBytes(ReadOnlySpan<byte> staticPublicKey) =>
        [.. Encoding.ASCII.GetBytes(SignaturePrefix), .. staticPublicKey];

    private static Libp2pProtocolException Bad(string message, Exception? inner = null) => new(NoiseHandshake.ProtocolId, message, inner);

    /// <summary>What a verified payload tells about the remote.</summary>
    /// <param name="Key">The remote's identity key.</param>
    /// <param name="StreamMuxers">The muxers it offered as early data (empty if none).</param>
    internal sealed record Remote(Libp2pPublicKey Key, IReadOnlyList<string> StreamMuxers);
}
