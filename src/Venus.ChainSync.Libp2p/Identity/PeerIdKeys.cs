using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Libp2p;

/// <summary>
/// Peer ids from public keys and back (libp2p/specs peer-ids/peer-ids.md, "Peer Ids"): a key whose protobuf is at most
/// 42 bytes is inlined in an identity multihash, a longer one is named by its SHA2-256 multihash.
/// </summary>
internal static class PeerIdKeys
{
    /// <summary>Longest protobuf key inlined in an identity multihash (the peer-id spec).</summary>
    public const int MaxInlineKeyLength = 42;

    private const byte IdentityCode = 0x00;
    private const byte Sha256Code = 0x12;

    /// <summary>The peer id of <paramref name="key"/>.</summary>
    public static PeerId FromPublicKey(Libp2pPublicKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.PeerId;
    }

    /// <summary>The peer id of a canonical protobuf <c>PublicKey</c>.</summary>
    public static PeerId FromEncodedKey(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length <= MaxInlineKeyLength)
        {
            // 0x00, then the length as a varint (one byte below 128), then the key itself.
            Span<byte> inline = stackalloc byte[2 + MaxInlineKeyLength];
            inline[0] = IdentityCode;
            inline[1] = (byte)encoded.Length;
            encoded.CopyTo(inline[2..]);
            return PeerId.FromBytes(inline[..(2 + encoded.Length)]);
        }

        Span<byte> hashed = stackalloc byte[2 + SHA256.HashSizeInBytes];
        hashed[0] = Sha256Code;
        hashed[1] = SHA256.HashSizeInBytes;
        SHA256.HashData(encoded, hashed[2..]);
        return PeerId.FromBytes(hashed);
    }

    /// <summary>
    /// The public key inlined in an identity-multihash peer id (an Ed25519 or Secp256k1 key's, <c>12D3KooW…</c> and
    /// <c>16Uiu2…</c>); false for a hashed id or one whose inlined bytes are not a key of at most 42 bytes.
    /// </summary>
    public static bool TryExtractPublicKey(PeerId id, [NotNullWhen(true)] out Libp2pPublicKey? key)
    {
        key = null;
        if (!id.IsDefined)
        {
            return false;
        }

        ReadOnlySpan<byte> bytes = id.Bytes;
        if (bytes.Length < 2 || bytes[0] != IdentityCode
            || !Varint.TryRead(bytes[1..], out ulong length, out int prefix)
            || length > MaxInlineKeyLength || (ulong)(bytes.Length - 1 - prefix) != length)
        {
            return false;
        }

        try
        {
            key = Libp2pPublicKey.Decode(bytes[(1 + prefix)..]);
        }
        catch (Libp2pProtocolException)
        {
            return false;
        }

        // A key that decodes but re-encodes differently would name another id: not this id's key.
        if (key.PeerId != id)
        {
            key = null;
            return false;
        }

        return true;
    }
}
