using System.Security.Cryptography;
using Google.Protobuf;
using NSec.Cryptography;
using Venus.ChainSync.Libp2p.Protobuf;
using Venus.ChainSync.Network;
using ProtoPrivateKey = Venus.ChainSync.Libp2p.Protobuf.PrivateKey;

namespace Venus.ChainSync.Libp2p;

/// <summary>
/// This node's libp2p identity: an Ed25519 key pair, the peer id it names, and its libp2p protobuf forms
/// (libp2p/specs peer-ids/peer-ids.md), so that a key file written by go-libp2p or js-libp2p can be used and the
/// other way round.
/// </summary>
/// <remarks>
/// The private key file is exactly the protobuf <c>PrivateKey</c> that go-libp2p's <c>crypto.MarshalPrivateKey</c>
/// writes: type Ed25519 and the 64 bytes seed ‖ public key. Dispose the identity to release the key's native memory;
/// <see cref="PeerId"/> and <see cref="PublicKey"/> stay readable after.
/// </remarks>
public sealed class Libp2pIdentity : IDisposable
{
    /// <summary>Largest key file <see cref="Load"/> reads (an Ed25519 PrivateKey protobuf is 68 bytes).</summary>
    private const int MaxFileLength = 4096;

    private const int SeedLength = 32;

    private readonly Key _key;
    private readonly byte[] _publicKeyRaw;
    private readonly Libp2pPublicKey _publicKey;

    private Libp2pIdentity(Key key)
    {
        _key = key;
        _publicKeyRaw = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        _publicKey = Libp2pPublicKey.FromParts(KeyType.Ed25519, _publicKeyRaw);
    }

    /// <summary>The peer id (an identity multihash of the public key, <c>12D3KooW…</c>).</summary>
    public PeerId PeerId => _publicKey.PeerId;

    /// <summary>The public key as a libp2p protobuf <c>PublicKey</c>.</summary>
    public ReadOnlyMemory<byte> PublicKey => _publicKey.Encoded;

    /// <summary>The public key, decoded.</summary>
    internal Libp2pPublicKey Libp2pPublicKey => _publicKey;

    /// <summary>A new random identity.</summary>
    public static Libp2pIdentity Generate() => new(Key.Create(SignatureAlgorithm.Ed25519, Exportable));

    /// <summary>Reads a libp2p protobuf <c>PrivateKey</c> of type Ed25519.</summary>
    /// <param name="protobuf">The key: Data is the 64 bytes seed ‖ public key (go-libp2p, js-libp2p), or the older
    /// 96 bytes seed ‖ public key ‖ public key, which the peer-id spec asks implementations to accept.</param>
    /// <exception cref="FormatException">Not a protobuf PrivateKey, not an Ed25519 key (other types are not supported
    /// as this node's identity), a Data size other than 64 or 96, or a public half that does not match the seed.</exception>
    public static Libp2pIdentity FromPrivateKey(ReadOnlySpan<byte> protobuf)
    {
        ProtoPrivateKey message;
        try
        {
            message = ProtobufInput.Parse(ProtoPrivateKey.Parser, protobuf);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new FormatException("The bytes are not a libp2p PrivateKey protobuf.", ex);
        }

        if (!message.HasType || !message.HasData)
        {
            throw new FormatException("The libp2p PrivateKey lacks its Type or Data field.");
        }

        if (message.Type != KeyType.Ed25519)
        {
            throw new FormatException($"The libp2p private key is of type {message.Type}; only Ed25519 is supported as this node's identity.");
        }

        ReadOnlySpan<byte> data = message.Data.Span;
        if (data.Length is not (64 or 96))
        {
            throw new FormatException($"An Ed25519 libp2p private key holds 64 (or, in the older form, 96) bytes, not {data.Length}.");
        }

        var key = Key.Import(SignatureAlgorithm.Ed25519, data[..SeedLength], KeyBlobFormat.RawPrivateKey, Exportable);
        var identity = new Libp2pIdentity(key);
        // go-libp2p signs with the stored public half as it is; a half that is not the seed's would make every
        // signature invalid, so such a file is refused here rather than failing every handshake later.
        bool consistent = CryptographicOperations.FixedTimeEquals(data.Slice(SeedLength, 32), identity._publicKeyRaw)
            && (data.Length == 64 || CryptographicOperations.FixedTimeEquals(data.Slice(64, 32), identity._publicKeyRaw));
        if (!consistent)
        {
            identity.Dispose();
            throw new FormatException("The Ed25519 libp2p private key's public half does not belong to its seed.");
        }

        return identity;
    }

    /// <summary>Reads a key file written by <see cref="Save"/>, go-libp2p or js-libp2p (the bare protobuf).</summary>
    /// <exception cref="FormatException">The file is longer than any key file or is not an Ed25519 private key.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static Libp2pIdentity Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        // The length is checked before reading, and the read itself is bounded too, in case the file grows.
        if (file.Length > MaxFileLength)
        {
            throw new FormatException($"'{path}' is {file.Length} bytes, longer than any libp2p key file ({MaxFileLength}).");
        }

        byte[] buffer = new byte[MaxFileLength + 1];
        int total = 0;
        int read;
        while (total < buffer.Length && (read = file.Read(buffer, total, buffer.Length - total)) > 0)
        {
            total += read;
        }

        try
        {
            if (total > MaxFileLength)
            {
                throw new FormatException($"'{path}' is longer than any libp2p key file ({MaxFileLength} bytes).");
            }

            return FromPrivateKey(buffer.AsSpan(0, total));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    /// <summary>
    /// The private key as go-libp2p's <c>crypto.MarshalPrivateKey</c> writes it: type Ed25519, Data = seed ‖ public key.
    /// </summary>
    /// <remarks>The caller owns the returned secret; zero it when done.</remarks>
    public byte[] ExportPrivateKey()
    {
        byte[] data = new byte[SeedLength + 32];
        try
        {
            if (!_key.TryExport(KeyBlobFormat.RawPrivateKey, data, out int written) || written != SeedLength)
            {
                throw new CryptographicException("The Ed25519 seed could not be exported.");
            }

            _publicKeyRaw.CopyTo(data, SeedLength);
            return KeyEncoding.Encode(KeyType.Ed25519, data);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(data);
        }
    }

    /// <summary>
    /// Writes the key file (the protobuf of <see cref="ExportPrivateKey"/>): to a new file beside
    /// <paramref name="path"/>, readable by the owner only on Unix (mode 0600), flushed, then renamed over
    /// <paramref name="path"/>, so that a crash leaves either the old file or the new one.
    /// </summary>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        byte[] bytes = ExportPrivateKey();
        try
        {
            using (var file = new FileStream(temporary, options))
            {
                file.Write(bytes);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>Signs <paramref name="data"/> with the identity key (Ed25519, RFC 8032).</summary>
    /// <exception cref="ObjectDisposedException">The identity was disposed.</exception>
    internal byte[] Sign(ReadOnlySpan<byte> data) => SignatureAlgorithm.Ed25519.Sign(_key, data);

    /// <summary>Releases the private key.</summary>
    public void Dispose() => _key.Dispose();

    private static KeyCreationParameters Exportable => new() { ExportPolicy = KeyExportPolicies.AllowPlaintextExport };
}
