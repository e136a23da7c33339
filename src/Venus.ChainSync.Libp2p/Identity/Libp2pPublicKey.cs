using System.Security.Cryptography;
using Sha256 = System.Security.Cryptography.SHA256;
using Google.Protobuf;
using NBitcoin.Secp256k1;
using NSec.Cryptography;
using Venus.ChainSync.Libp2p.Protobuf;
using Venus.ChainSync.Network;
using ProtoPublicKey = Venus.ChainSync.Libp2p.Protobuf.PublicKey;

namespace Venus.ChainSync.Libp2p;

/// <summary>
/// A remote peer's libp2p identity key, decoded from its protobuf <c>PublicKey</c> (libp2p/specs peer-ids/peer-ids.md):
/// the key type, its canonical encoding, the peer id it names, and signature checks.
/// </summary>
/// <remarks>
/// <para>Signatures are checked for Ed25519 (RFC 8032, through NSec) and Secp256k1 (DER ECDSA over SHA-256 of the
/// data, through NBitcoin.Secp256k1). RSA and ECDSA keys are decoded (their DER is parsed, so garbage is refused) and
/// name a peer id, but <see cref="Verify"/> refuses every signature of theirs: this host does not support them as
/// identities, so a Noise handshake with such a peer fails. Filecoin nodes use Ed25519.</para>
/// <para><see cref="Encoded"/> is the deterministic re-encoding of the type and data, which is what go-libp2p hashes
/// too (its <c>peer.IDFromPublicKey</c> marshals the decoded key again); a peer that sent its fields out of order or
/// with padded varints still gets the id it would get from go.</para>
/// </remarks>
internal sealed class Libp2pPublicKey
{
    /// <summary>
    /// Longest protobuf accepted. go-libp2p caps RSA keys at 8192 bits (core/crypto/rsa_common.go,
    /// maxRsaKeyBits), whose PKIX DER is about 1.1 KB; Ed25519 and Secp256k1 keys are 36 and 37 bytes.
    /// </summary>
    public const int MaxEncodedLength = 2048;

    /// <summary>Name used in <see cref="Libp2pProtocolException"/> for a key that breaks the peer-id spec.</summary>
    public const string ProtocolName = "libp2p-key";

    /// <summary>Raw Ed25519 public key size (RFC 8032).</summary>
    public const int Ed25519KeyLength = 32;

    /// <summary>Compressed SEC1 secp256k1 point, the form go-libp2p writes (<c>SerializeCompressed</c>).</summary>
    public const int Secp256k1KeyLength = 33;

    private readonly byte[] _data;
    private readonly byte[] _encoded;

    private Libp2pPublicKey(KeyType type, byte[] data)
    {
        Type = type;
        _data = data;
        _encoded = KeyEncoding.Encode(type, data);
        PeerId = PeerIdKeys.FromEncodedKey(_encoded);
    }

    /// <summary>The key type.</summary>
    public KeyType Type { get; }

    /// <summary>The key's <c>Data</c> field: raw Ed25519 key, compressed secp256k1 point, or PKIX DER.</summary>
    public ReadOnlyMemory<byte> Data => _data;

    /// <summary>The canonical protobuf <c>PublicKey</c>.</summary>
    public ReadOnlyMemory<byte> Encoded => _encoded;

    /// <summary>The peer id this key names.</summary>
    public PeerId PeerId { get; }

    /// <summary>Decodes an untrusted protobuf <c>PublicKey</c>.</summary>
    /// <exception cref="Libp2pProtocolException">Too long, not a protobuf, a field missing, an unknown type, or key
    /// data of the wrong size or not a point on the curve.</exception>
    public static Libp2pPublicKey Decode(ReadOnlySpan<byte> protobuf)
    {
        if (protobuf.Length > MaxEncodedLength)
        {
            throw Bad($"a public key of {protobuf.Length} bytes is over the {MaxEncodedLength}-byte bound");
        }

        ProtoPublicKey message;
        try
        {
            message = ProtobufInput.Parse(ProtoPublicKey.Parser, protobuf);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw Bad("the public key is not a protobuf PublicKey", ex);
        }

        if (!message.HasType || !message.HasData)
        {
            throw Bad("the public key lacks its Type or Data field");
        }

        return FromParts(message.Type, message.Data.Span);
    }

    /// <summary>Wraps a key from its type and data (checked as <see cref="Decode"/> checks them).</summary>
    /// <exception cref="Libp2pProtocolException">An unknown type or data that is not a key of that type.</exception>
    public static Libp2pPublicKey FromParts(KeyType type, ReadOnlySpan<byte> data)
    {
        switch (type)
        {
            case KeyType.Ed25519:
                if (data.Length != Ed25519KeyLength)
                {
                    throw Bad($"an Ed25519 key is {Ed25519KeyLength} bytes, not {data.Length}");
                }

                break;
            case KeyType.Secp256K1:
                // go-libp2p (secp256k1.ParsePubKey) would also read a 65-byte uncompressed point, but it re-encodes
                // it compressed for the peer id; only the compressed form is taken here so that Data is canonical.
                if (data.Length != Secp256k1KeyLength || !ECPubKey.TryCreate(data, null, out bool compressed, out _) || !compressed)
                {
                    throw Bad("a Secp256k1 key is a 33-byte compressed point on the curve");
                }

                break;
            case KeyType.Rsa or KeyType.Ecdsa:
                CheckDer(type, data);
                break;
            default:
                throw Bad($"key type {(int)type} is not one the peer-id spec defines");
        }

        return new Libp2pPublicKey(type, data.ToArray());
    }

    /// <summary>
    /// Whether <paramref name="signature"/> is this key's signature of <paramref name="data"/>, by the peer-id spec's
    /// rules for the key type. Always false for RSA and ECDSA keys (not supported; see the remarks on the type).
    /// </summary>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) => Type switch
    {
        KeyType.Ed25519 => VerifyEd25519(data, signature),
        KeyType.Secp256K1 => VerifySecp256k1(data, signature),
        _ => false,
    };

    private bool VerifyEd25519(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        SignatureAlgorithm ed25519 = SignatureAlgorithm.Ed25519;
        return signature.Length == ed25519.SignatureSize
            && NSec.Cryptography.PublicKey.TryImport(ed25519, _data, KeyBlobFormat.RawPublicKey, out NSec.Cryptography.PublicKey? key)
            && ed25519.Verify(key!, data, signature);
    }

    private bool VerifySecp256k1(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        // The peer-id spec: SHA-256 of the data, ECDSA, DER signature (BIP 62's encoding). go-libp2p verifies with
        // dcrd's ecdsa.Signature.Verify, which accepts a high S; libsecp256k1 (and so NBitcoin) refuses one, so
        // the signature is normalised to low S first to accept what go accepts.
        if (signature.Length > SecpECDSASignature.MaxLength
            || !SecpECDSASignature.TryCreateFromDer(signature, out SecpECDSASignature? parsed)
            || !ECPubKey.TryCreate(_data, null, out _, out ECPubKey? key))
        {
            return false;
        }

        parsed.TryNormalize(out SecpECDSASignature lowS);
        Span<byte> hash = stackalloc byte[Sha256.HashSizeInBytes];
        Sha256.HashData(data, hash);
        return key.SigVerify(lowS, hash);
    }

    private static void CheckDer(KeyType type, ReadOnlySpan<byte> data)
    {
        // go-libp2p parses both with x509.ParsePKIXPublicKey; the BCL's reader refuses what is not a
        // SubjectPublicKeyInfo of the algorithm.
        int read;
        try
        {
            if (type == KeyType.Rsa)
            {
                using var rsa = RSA.Create();
                rsa.ImportSubjectPublicKeyInfo(data, out read);
            }
            else
            {
                using var ecdsa = ECDsa.Create();
                ecdsa.ImportSubjectPublicKeyInfo(data, out read);
            }
        }
        catch (CryptographicException ex)
        {
            throw Bad($"the {type} key is not a DER SubjectPublicKeyInfo", ex);
        }

        if (read != data.Length)
        {
            throw Bad($"the {type} key has bytes after its DER");
        }
    }

    private static Libp2pProtocolException Bad(string message, Exception? inner = null) => new(ProtocolName, message, inner);
}
