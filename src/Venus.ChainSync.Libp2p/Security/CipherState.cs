namespace Venus.ChainSync.Libp2p.Security;

/// <summary>
/// Noise's CipherState (rev 34, 5.1): an optional key and a 64-bit nonce counting the messages sealed or opened
/// under it. Without a key, data passes through unchanged, as the spec says.
/// </summary>
internal sealed class CipherState : IDisposable
{
    /// <summary>The nonce Noise reserves (2^64 − 1): reaching it ends the channel rather than reuse a nonce.</summary>
    private const ulong ReservedNonce = ulong.MaxValue;

    private NoiseCipher? _cipher;
    private ulong _nonce;

    /// <summary>Whether a key has been set.</summary>
    public bool HasKey => _cipher is not null;

    /// <summary>The next nonce (for tests).</summary>
    internal ulong Nonce => _nonce;

    /// <summary>Sets the key and restarts the nonce at zero.</summary>
    public void InitializeKey(ReadOnlySpan<byte> key)
    {
        _cipher?.Dispose();
        _cipher = new NoiseCipher(key);
        _nonce = 0;
    }

    /// <summary>Seals (or, without a key, copies) <paramref name="plaintext"/> into <paramref name="output"/>; returns the bytes written.</summary>
    /// <exception cref="InvalidOperationException">The nonces are exhausted.</exception>
    public int EncryptWithAd(ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> plaintext, Span<byte> output)
    {
        if (_cipher is null)
        {
            plaintext.CopyTo(output);
            return plaintext.Length;
        }

        _cipher.Encrypt(TakeNonce(), associatedData, plaintext, output);
        return plaintext.Length + NoiseCipher.TagLength;
    }

    /// <summary>
    /// Opens (or, without a key, copies) <paramref name="ciphertext"/> into <paramref name="output"/>; the bytes
    /// written, or −1 when authentication fails (the nonce is then not advanced, as the spec requires).
    /// </summary>
    /// <exception cref="InvalidOperationException">The nonces are exhausted.</exception>
    public int DecryptWithAd(ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> ciphertext, Span<byte> output)
    {
        if (_cipher is null)
        {
            ciphertext.CopyTo(output);
            return ciphertext.Length;
        }

        if (_nonce == ReservedNonce)
        {
            throw new InvalidOperationException("The Noise nonces of this key are exhausted.");
        }

        if (!_cipher.TryDecrypt(_nonce, associatedData, ciphertext, output))
        {
            return -1;
        }

        _nonce++;
        return ciphertext.Length - NoiseCipher.TagLength;
    }

    /// <summary>Hands the key to the transport phase: the cipher and the next nonce; this state no longer holds them.</summary>
    public (NoiseCipher Cipher, ulong Nonce) Detach()
    {
        NoiseCipher cipher = _cipher ?? throw new InvalidOperationException("The cipher state has no key.");
        _cipher = null;
        return (cipher, _nonce);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _cipher?.Dispose();
        _cipher = null;
    }

    private ulong TakeNonce()
    {
        if (_nonce == ReservedNonce)
        {
            throw new InvalidOperationException("The Noise nonces of this key are exhausted.");
        }

        return _nonce++;
    }
}
