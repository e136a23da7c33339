using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace Venus.ChainSync.Libp2p.Security;

/// <summary>
/// Noise's SymmetricState (rev 34, 5.2) for SHA-256 and ChaChaPoly: the chaining key, the handshake hash and the
/// handshake's cipher.
/// </summary>
/// <remarks>
/// Noise's HKDF(ck, ikm, 2) is RFC 5869 HKDF-SHA256 with salt = ck, IKM = ikm, empty info and 64 bytes of output:
/// Noise's temp_key = HMAC(ck, ikm) is RFC 5869's PRK = HMAC(salt, IKM), and its output1 = HMAC(temp_key, 0x01),
/// output2 = HMAC(temp_key, output1 ‖ 0x02) are T(1) and T(2) when info is empty. So a Diffie-Hellman result, which
/// NSec never exposes, is mixed in through NSec's HKDF over the <see cref="SharedSecret"/>, and Split's empty input
/// through the BCL's HMAC and <see cref="HKDF"/>.
/// </remarks>
internal sealed class SymmetricState : IDisposable
{
    /// <summary>SHA-256's output size, Noise's HASHLEN.</summary>
    public const int HashLength = 32;

    private readonly byte[] _chainingKey = new byte[HashLength];
    private readonly byte[] _hash = new byte[HashLength];
    private readonly CipherState _cipher = new();

    /// <summary>InitializeSymmetric(protocol_name).</summary>
    public SymmetricState(string protocolName)
    {
        byte[] name = Encoding.ASCII.GetBytes(protocolName);
        if (name.Length <= HashLength)
        {
            name.CopyTo(_hash, 0); // padded with zeros
        }
        else
        {
            SHA256.HashData(name, _hash);
        }

        _hash.CopyTo(_chainingKey, 0);
    }

    /// <summary>The handshake hash h (after the handshake, a channel binding value).</summary>
    public ReadOnlySpan<byte> Hash => _hash;

    /// <summary>Whether the handshake cipher has a key (payloads are encrypted).</summary>
    public bool HasKey => _cipher.HasKey;

    /// <summary>MixHash(data): h = SHA-256(h ‖ data).</summary>
    public void MixHash(ReadOnlySpan<byte> data)
    {
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(_hash);
        sha.AppendData(data);
        sha.GetHashAndReset(_hash);
    }

    /// <summary>MixKey(DH output): ck, k = HKDF(ck, dh, 2).</summary>
    public void MixKey(SharedSecret sharedSecret)
    {
        Span<byte> output = stackalloc byte[2 * HashLength];
        KeyDerivationAlgorithm.HkdfSha256.DeriveBytes(sharedSecret, _chainingKey, [], output);
        Apply(output);
    }

    /// <summary>EncryptAndHash: seals with h as associated data (or copies, before any key), then mixes the result into h.</summary>
    public int EncryptAndHash(ReadOnlySpan<byte> plaintext, Span<byte> output)
    {
        int written = _cipher.EncryptWithAd(_hash, plaintext, output);
        MixHash(output[..written]);
        return written;
    }

    /// <summary>DecryptAndHash; −1 when authentication fails.</summary>
    public int DecryptAndHash(ReadOnlySpan<byte> ciphertext, Span<byte> output)
    {
        int written = _cipher.DecryptWithAd(_hash, ciphertext, output);
        if (written >= 0)
        {
            MixHash(ciphertext);
        }

        return written;
    }

    /// <summary>Split(): the two transport cipher states, the initiator's sending one first.</summary>
    public (CipherState InitiatorToResponder, CipherState ResponderToInitiator) Split()
    {
        // HKDF(ck, zerolen, 2). The BCL's HKDF.DeriveKey refuses an empty IKM, so the extract step is its
        // definition, HMAC(salt = ck, IKM = empty), and the expand step is the BCL's.
        Span<byte> prk = stackalloc byte[HashLength];
        HMACSHA256.HashData(_chainingKey, [], prk);
        Span<byte> output = stackalloc byte[2 * HashLength];
        HKDF.Expand(HashAlgorithmName.SHA256, prk, output, []);
        CryptographicOperations.ZeroMemory(prk);
        var first = new CipherState();
        var second = new CipherState();
        first.InitializeKey(output[..HashLength]);
        second.InitializeKey(output[HashLength..]);
        CryptographicOperations.ZeroMemory(output);
        return (first, second);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _cipher.Dispose();
        CryptographicOperations.ZeroMemory(_chainingKey);
    }

    private void Apply(Span<byte> output)
    {
        output[..HashLength].CopyTo(_chainingKey);
        _cipher.InitializeKey(output[HashLength..]);
        CryptographicOperations.ZeroMemory(output);
    }
}
