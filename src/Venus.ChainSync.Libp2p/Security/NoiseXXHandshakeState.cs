using NSec.Cryptography;

namespace Venus.ChainSync.Libp2p.Security;

/// <summary>
/// Noise's HandshakeState (rev 34, 5.3) for the one pattern noise-libp2p uses, XX with 25519, ChaChaPoly and SHA256:
/// <c>-> e</c>, <c>&lt;- e, ee, s, es</c>, <c>-> s, se</c>. Messages are built and read whole; framing and the
/// libp2p payload are the caller's.
/// </summary>
/// <remarks>The keys are passed in so that tests can replay the published vectors (fixed ephemeral keys); the
/// libp2p handshake passes fresh ones.</remarks>
internal sealed class NoiseXXHandshakeState : IDisposable
{
    /// <summary>The Noise protocol name noise-libp2p fixes (libp2p/specs noise/README.md, "Noise Protocol Name").</summary>
    public const string ProtocolName = "Noise_XX_25519_ChaChaPoly_SHA256";

    /// <summary>X25519 public key size (DHLEN).</summary>
    public const int DhLength = 32;

    private static readonly KeyAgreementAlgorithm X25519 = KeyAgreementAlgorithm.X25519;

    private readonly SymmetricState _symmetric;
    private readonly bool _initiator;
    private readonly Key _static;
    private readonly Key _ephemeral;
    private readonly byte[] _staticPublic;
    private readonly byte[] _ephemeralPublic;
    private PublicKey? _remoteStatic;
    private PublicKey? _remoteEphemeral;
    private byte[]? _remoteStaticRaw;
    private int _step;

    /// <summary>Initialize(): the pattern XX, the prologue mixed into h, and the local key pairs (X25519).</summary>
    public NoiseXXHandshakeState(bool initiator, ReadOnlySpan<byte> prologue, Key staticKey, Key ephemeralKey)
    {
        ArgumentNullException.ThrowIfNull(staticKey);
        ArgumentNullException.ThrowIfNull(ephemeralKey);
        _initiator = initiator;
        _static = staticKey;
        _ephemeral = ephemeralKey;
        _staticPublic = staticKey.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        _ephemeralPublic = ephemeralKey.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        _symmetric = new SymmetricState(ProtocolName);
        _symmetric.MixHash(prologue);
    }

    /// <summary>Whether the three messages have been written and read.</summary>
    public bool IsComplete => _step == 3;

    /// <summary>Whether the next message is ours to write.</summary>
    public bool IsMyTurn => !IsComplete && (_step % 2 == 0) == _initiator;

    /// <summary>The handshake hash.</summary>
    public ReadOnlySpan<byte> HandshakeHash => _symmetric.Hash;

    /// <summary>The local static public key (what the libp2p payload signs).</summary>
    public ReadOnlySpan<byte> LocalStaticPublicKey => _staticPublic;

    /// <summary>The remote static public key, once its message has been read.</summary>
    public ReadOnlySpan<byte> RemoteStaticPublicKey => _remoteStaticRaw ?? throw new InvalidOperationException("The remote static key has not been received.");

    /// <summary>The size of the next message we write, for a payload of <paramref name="payloadLength"/> bytes.</summary>
    public int MessageLength(int payloadLength) => _step switch
    {
        0 => DhLength + payloadLength,
        1 => DhLength + DhLength + NoiseCipher.TagLength + payloadLength + NoiseCipher.TagLength,
        2 => DhLength + NoiseCipher.TagLength + payloadLength + NoiseCipher.TagLength,
        _ => throw new InvalidOperationException("The handshake is complete."),
    };

    /// <summary>WriteMessage: the next message, carrying <paramref name="payload"/>, into <paramref name="message"/>; the bytes written.</summary>
    /// <exception cref="InvalidOperationException">Not our turn.</exception>
    /// <exception cref="Libp2pProtocolException">A Diffie-Hellman result was all zeros (the remote key is of low order).</exception>
    public int WriteMessage(ReadOnlySpan<byte> payload, Span<byte> message)
    {
        if (!IsMyTurn)
        {
            throw new InvalidOperationException("It is not this side's turn to write a handshake message.");
        }

        int at = 0;
        switch (_step)
        {
            case 0: // -> e
                at += WriteEphemeral(message);
                break;
            case 1: // <- e, ee, s, es
                at += WriteEphemeral(message);
                MixDh(_ephemeral, _remoteEphemeral!);
                at += _symmetric.EncryptAndHash(_staticPublic, message[at..]);
                MixDh(_static, _remoteEphemeral!);
                break;
            default: // -> s, se
                at += _symmetric.EncryptAndHash(_staticPublic, message[at..]);
                MixDh(_static, _remoteEphemeral!);
                break;
        }

        at += _symmetric.EncryptAndHash(payload, message[at..]);
        _step++;
        return at;
    }

    /// <summary>
    /// ReadMessage: reads the remote's next message; returns the payload's length, decrypted into
    /// <paramref name="payload"/> (at least <paramref name="message"/>'s length).
    /// </summary>
    /// <exception cref="InvalidOperationException">Not the remote's turn.</exception>
    /// <exception cref="Libp2pProtocolException">The message is too short, fails authentication, or carries a
    /// low-order key.</exception>
    public int ReadMessage(ReadOnlySpan<byte> message, Span<byte> payload)
    {
        if (IsComplete || IsMyTurn)
        {
            throw new InvalidOperationException("It is not the remote's turn to send a handshake message.");
        }

        int at = 0;
        switch (_step)
        {
            case 0: // -> e
                at += ReadEphemeral(message);
                break;
            case 1: // <- e, ee, s, es
                at += ReadEphemeral(message);
                MixDh(_ephemeral, _remoteEphemeral!);
                at += ReadStatic(message[at..]);
                MixDh(_ephemeral, _remoteStatic!);
                break;
            default: // -> s, se
                at += ReadStatic(message[at..]);
                MixDh(_ephemeral, _remoteStatic!);
                break;
        }

        int written = _symmetric.DecryptAndHash(message[at..], payload);
        if (written < 0)
        {
            throw Bad("a handshake payload failed to decrypt");
        }

        _step++;
        return written;
    }

    /// <summary>Split(): after the last message, this side's sending and receiving ciphers; the caller owns them.</summary>
    public (CipherState Send, CipherState Receive) Split()
    {
        if (!IsComplete)
        {
            throw new InvalidOperationException("The handshake is not complete.");
        }

        (CipherState initiatorToResponder, CipherState responderToInitiator) = _symmetric.Split();
        return _initiator ? (initiatorToResponder, responderToInitiator) : (responderToInitiator, initiatorToResponder);
    }

    /// <inheritdoc/>
    public void Dispose() => _symmetric.Dispose();

    private int WriteEphemeral(Span<byte> message)
    {
        _ephemeralPublic.CopyTo(message);
        _symmetric.MixHash(_ephemeralPublic);
        return DhLength;
    }

    private int ReadEphemeral(ReadOnlySpan<byte> message)
    {
        if (message.Length < DhLength)
        {
            throw Bad("a handshake message is shorter than an ephemeral key");
        }

        ReadOnlySpan<byte> raw = message[..DhLength];
        _remoteEphemeral = ImportPublic(raw);
        _symmetric.MixHash(raw);
        return DhLength;
    }

    private int ReadStatic(ReadOnlySpan<byte> message)
    {
        int length = DhLength + (_symmetric.HasKey ? NoiseCipher.TagLength : 0);
        if (message.Length < length)
        {
            throw Bad("a handshake message is shorter than an encrypted static key");
        }

        byte[] raw = new byte[DhLength];
        if (_symmetric.DecryptAndHash(message[..length], raw) != DhLength)
        {
            throw Bad("the remote static key failed to decrypt");
        }

        _remoteStatic = ImportPublic(raw);
        _remoteStaticRaw = raw;
        return length;
    }

    private void MixDh(Key local, PublicKey remote)
    {
        // Noise rev 34, 12.1: a 25519 implementation may refuse a result of all zeros; libsodium does (so NSec
        // returns nothing), and such a key can only come from a peer trying to force a known secret.
        SharedSecret? shared;
        try
        {
            shared = X25519.Agree(local, remote);
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            throw Bad("a Diffie-Hellman with the remote key failed", ex);
        }

        if (shared is null)
        {
            throw Bad("the remote key is of low order (all-zero Diffie-Hellman result)");
        }

        using (shared)
        {
            _symmetric.MixKey(shared);
        }
    }

    private static PublicKey ImportPublic(ReadOnlySpan<byte> raw) =>
        PublicKey.TryImport(X25519, raw, KeyBlobFormat.RawPublicKey, out PublicKey? key)
            ? key!
            : throw Bad("a handshake key is not an X25519 public key");

    private static Libp2pProtocolException Bad(string message) => new(NoiseHandshake.ProtocolId, message);

    private static Libp2pProtocolException Bad(string message, Exception inner) => new(NoiseHandshake.ProtocolId, message, inner);
}
