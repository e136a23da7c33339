using System.Diagnostics.CodeAnalysis;
using Venus.ChainSync.Primitives.Cbor;
using Venus.ChainSync.Primitives.Hashing;

namespace Venus.ChainSync.Primitives;

/// <summary>
/// A Filecoin address: <c>protocol || payload</c>, as the chain stores it inside a CBOR byte string.
/// </summary>
/// <remarks>
/// <para>
/// An <see cref="Address"/> wraps one immutable array of its binary form, so it copies as cheaply as a reference and
/// can be a dictionary key. It can only be built valid: every factory and decoder applies the rules of go-address
/// (protocol 0–4, payload length per protocol, minimal varints no larger than <see cref="long.MaxValue"/>), and the
/// refused inputs are classified with the same <see cref="AddressError"/> kinds Lotus reports.
/// </para>
/// <para>
/// The network letter is not part of an address: <see cref="Parse(string)"/> accepts <c>f</c> and <c>t</c>, and the
/// two spellings of one address are equal. <c>default(Address)</c> is not an address (<see cref="IsDefined"/> is
/// false, as go-address's <c>Undef</c>); every member but <see cref="IsDefined"/>, equality and the
/// <c>ToString</c> overloads rejects it. This type does not check that an f4 sub-address is a valid Ethereum
/// address; that is the Ethereum address manager's rule, not the address format's.
/// </para>
/// </remarks>
public readonly partial struct Address : IEquatable<Address>
{
    /// <summary>Length of a secp256k1 or actor payload: a BLAKE2b-160 hash.</summary>
    public const int PayloadHashLength = 20;

    /// <summary>Length of a BLS payload: a compressed BLS12-381 public key.</summary>
    public const int BlsPublicKeyLength = 48;

    /// <summary>Longest sub-address of a delegated (f4) address.</summary>
    public const int MaxSubaddressLength = 54;

    /// <summary>Length of the checksum in address strings: a 4-byte BLAKE2b digest of the binary form.</summary>
    public const int ChecksumLength = 4;

    /// <summary>
    /// Longest binary form: a delegated address with the largest namespace (9 varint bytes) and sub-address. It is
    /// also the bound go-address puts on the CBOR byte string before it decodes one.
    /// </summary>
    public const int MaxByteLength = 1 + 9 + MaxSubaddressLength;

    private readonly byte[]? _bytes;

    private Address(byte[] bytes) => _bytes = bytes;

    /// <summary>Whether this value holds an address (false for <c>default</c>).</summary>
    public bool IsDefined => _bytes is not null;

    /// <summary>The protocol, from the first byte.</summary>
    public AddressProtocol Protocol => (AddressProtocol)Value[0];

    /// <summary>The binary form, <c>protocol || payload</c>: what the chain stores and what equality compares.</summary>
    public ReadOnlySpan<byte> Bytes => Value;

    /// <summary>The binary form as memory (for APIs that need it).</summary>
    public ReadOnlyMemory<byte> Memory => Value;

    /// <summary>Everything after the protocol byte.</summary>
    public ReadOnlySpan<byte> Payload => Value.AsSpan(1);

    /// <summary>The actor id of an ID (f0) address.</summary>
    /// <exception cref="InvalidOperationException">This is not an ID address.</exception>
    public ulong Id => TryGetId(out ulong id) ? id : throw new InvalidOperationException($"A {Protocol} address has no actor id.");

    /// <summary>The namespace (the id of the address manager actor) of a delegated (f4) address.</summary>
    /// <exception cref="InvalidOperationException">This is not a delegated address.</exception>
    public ulong Namespace
    {
        get
        {
            RequireDelegated();
            Varint.TryRead(Payload, out ulong ns, out _);
            return ns;
        }
    }

    /// <summary>The sub-address of a delegated (f4) address: the bytes after the namespace varint (0–54 bytes).</summary>
    /// <exception cref="InvalidOperationException">This is not a delegated address.</exception>
    public ReadOnlySpan<byte> Subaddress
    {
        get
        {
            RequireDelegated();
            Varint.TryRead(Payload, out _, out int length);
            return Payload[length..];
        }
    }

    private byte[] Value => _bytes ?? throw new InvalidOperationException("default(Address) is not an address.");

    /// <summary>Reads the actor id of an ID (f0) address.</summary>
    /// <returns><see langword="false"/> for every other protocol.</returns>
    public bool TryGetId(out ulong id)
    {
        if (Protocol != AddressProtocol.Id)
        {
            id = 0;
            return false;
        }

        // Construction checked the varint, so this cannot fail here.
        Varint.TryRead(Payload, out id, out _);
        return true;
    }

    /// <summary>Builds the ID (f0) address of actor <paramref name="id"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is above <see cref="long.MaxValue"/>, which no actor id may be.</exception>
    public static Address NewId(ulong id)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(id, (ulong)long.MaxValue);
        var bytes = new byte[1 + Varint.SizeOf(id)];
        bytes[0] = (byte)AddressProtocol.Id;
        Varint.Write(id, bytes.AsSpan(1));
        return new Address(bytes);
    }

    /// <summary>Builds the ID (f0) address of actor <paramref name="id"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is negative.</exception>
    public static Address NewId(long id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        return NewId((ulong)id);
    }

    /// <summary>Builds a secp256k1 (f1) address from its 20-byte payload (the BLAKE2b-160 of the public key).</summary>
    /// <exception cref="ArgumentException"><paramref name="payload"/> is not 20 bytes.</exception>
    public static Address NewSecp256k1(ReadOnlySpan<byte> payload) => NewFixed(AddressProtocol.Secp256k1, payload, PayloadHashLength);

    /// <summary>
    /// Builds the secp256k1 (f1) address of <paramref name="publicKey"/>: its payload is the BLAKE2b-160 of the key
    /// as given (Lotus passes the 65-byte uncompressed key).
    /// </summary>
    public static Address FromSecp256k1PublicKey(ReadOnlySpan<byte> publicKey)
    {
        var bytes = new byte[1 + PayloadHashLength];
        bytes[0] = (byte)AddressProtocol.Secp256k1;
        Blake2b.Hash(publicKey, bytes.AsSpan(1), ReadOnlySpan<byte>.Empty);
        return new Address(bytes);
    }

    /// <summary>Builds an actor (f2) address from its 20-byte payload.</summary>
    /// <exception cref="ArgumentException"><paramref name="payload"/> is not 20 bytes.</exception>
    public static Address NewActor(ReadOnlySpan<byte> payload) => NewFixed(AddressProtocol.Actor, payload, PayloadHashLength);

    /// <summary>Builds a BLS (f3) address from a 48-byte BLS public key.</summary>
    /// <exception cref="ArgumentException"><paramref name="publicKey"/> is not 48 bytes.</exception>
    public static Address NewBls(ReadOnlySpan<byte> publicKey) => NewFixed(AddressProtocol.Bls, publicKey, BlsPublicKeyLength);

    /// <summary>Builds a delegated (f4) address: namespace <paramref name="ns"/> and sub-address <paramref name="subaddress"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ns"/> is above <see cref="long.MaxValue"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="subaddress"/> is longer than 54 bytes.</exception>
    public static Address NewDelegated(ulong ns, ReadOnlySpan<byte> subaddress)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ns, (ulong)long.MaxValue);
        if (subaddress.Length > MaxSubaddressLength)
        {
            throw new ArgumentException($"A delegated sub-address is at most {MaxSubaddressLength} bytes.", nameof(subaddress));
        }

        int nsLength = Varint.SizeOf(ns);
        var bytes = new byte[1 + nsLength + subaddress.Length];
        bytes[0] = (byte)AddressProtocol.Delegated;
        Varint.Write(ns, bytes.AsSpan(1));
        subaddress.CopyTo(bytes.AsSpan(1 + nsLength));
        return new Address(bytes);
    }

    /// <summary>Reads the binary form <c>protocol || payload</c>, which must fill <paramref name="bytes"/> exactly.</summary>
    /// <exception cref="FormatException">The bytes are not an address; the message says why.</exception>
    public static Address FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (!TryFromBytes(bytes, out Address address, out _, out string? reason))
        {
            throw new FormatException($"Not a Filecoin address: {reason}.");
        }

        return address;
    }

    /// <summary>Reads the binary form; see <see cref="FromBytes"/>.</summary>
    public static bool TryFromBytes(ReadOnlySpan<byte> bytes, out Address address) => TryFromBytes(bytes, out address, out _, out _);

    /// <summary>Reads the binary form; see <see cref="FromBytes"/>. <paramref name="error"/> says why it was refused.</summary>
    /// <remarks>
    /// Unlike go-address, empty input is refused (<see cref="AddressError.InvalidLength"/>) rather than read as the
    /// undefined address: no chain object holds an empty address, and go-address's CBOR decoder refuses it too.
    /// </remarks>
    public static bool TryFromBytes(ReadOnlySpan<byte> bytes, out Address address, out AddressError error) => TryFromBytes(bytes, out address, out error, out _);

    /// <summary>
    /// Reads an address from a CBOR byte string. Bytes that are not an address raise
    /// <see cref="DagCborException"/> at the offset of the byte string.
    /// </summary>
    /// <remarks>
    /// CBOR <c>null</c> is refused, where go-address reads it as its undefined address; a caller whose field may be
    /// absent checks <see cref="DagCborReader.TryReadNull"/> first.
    /// </remarks>
    /// <exception cref="DagCborException">The next item is not a byte string, or its content is not an address.</exception>
    public static Address Read(ref DagCborReader reader)
    {
        int start = reader.Position;
        ReadOnlySpan<byte> bytes = reader.ReadByteString();
        if (!TryFromBytes(bytes, out Address address, out _, out string? reason))
        {
            throw DagCborReader.Fail($"invalid address: {reason}", start);
        }

        return address;
    }

    /// <summary>Writes this address as a CBOR byte string holding its binary form.</summary>
    /// <exception cref="InvalidOperationException">This is <c>default(Address)</c>, which has no encoding.</exception>
    public void WriteTo(DagCborWriter writer) => writer.WriteByteString(Value);

    /// <inheritdoc/>
    public bool Equals(Address other) => _bytes is null ? other._bytes is null : other._bytes is not null && _bytes.AsSpan().SequenceEqual(other._bytes);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Address other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        if (_bytes is null)
        {
            return 0;
        }

        // HashCode's per-process seed keeps peers from choosing addresses that collide in a dictionary.
        var hash = default(HashCode);
        hash.AddBytes(_bytes);
        return hash.ToHashCode();
    }

    /// <summary>Equality of binary forms.</summary>
    public static bool operator ==(Address left, Address right) => left.Equals(right);

    /// <summary>Inequality of binary forms.</summary>
    public static bool operator !=(Address left, Address right) => !left.Equals(right);

    /// <summary>Writes the 4-byte checksum of <paramref name="bytes"/> (a binary address) into <paramref name="checksum"/>.</summary>
    internal static void ComputeChecksum(ReadOnlySpan<byte> bytes, Span<byte> checksum) =>
        Blake2b.Hash(bytes, checksum[..ChecksumLength], ReadOnlySpan<byte>.Empty);

    private static Address NewFixed(AddressProtocol protocol, ReadOnlySpan<byte> payload, int length)
    {
        if (payload.Length != length)
        {
            throw new ArgumentException($"A {protocol} address payload is {length} bytes, not {payload.Length}.", nameof(payload));
        }

        var bytes = new byte[1 + length];
        bytes[0] = (byte)protocol;
        payload.CopyTo(bytes.AsSpan(1));
        return new Address(bytes);
    }

    private static bool TryFromBytes(ReadOnlySpan<byte> bytes, out Address address, out AddressError error, [NotNullWhen(false)] out string? reason)
    {
        reason = Validate(bytes, out error);
        if (reason is not null)
        {
            address = default;
            return false;
        }

        address = new Address(bytes.ToArray());
        return true;
    }

    /// <summary>
    /// Checks a binary address with go-address's rules and in its order, so each bad input gets the error kind
    /// Lotus would give it. Returns why it is refused, or <see langword="null"/> when it is valid. The one source
    /// of structural truth: string parsing ends here too.
    /// </summary>
    private static string? Validate(ReadOnlySpan<byte> bytes, out AddressError error)
    {
        error = AddressError.None;
        if (bytes.Length < 2)
        {
            error = AddressError.InvalidLength;
            return bytes.IsEmpty ? "empty input" : "a protocol byte without a payload";
        }

        ReadOnlySpan<byte> payload = bytes[1..];
        switch ((AddressProtocol)bytes[0])
        {
            case AddressProtocol.Id:
                // go-varint refuses values above 2^63 - 1 while decoding (invalid payload) before the length
                // comparison (invalid length), so the range is checked first here too.
                if (!Varint.TryRead(payload, out ulong id, out int idLength))
                {
                    error = AddressError.InvalidPayload;
                    return "the actor id is not a minimal uvarint";
                }

                if (id > long.MaxValue)
                {
                    error = AddressError.InvalidPayload;
                    return "the actor id is above 2^63 - 1";
                }

                if (idLength != payload.Length)
                {
                    error = AddressError.InvalidLength;
                    return $"{payload.Length - idLength} bytes after the actor id";
                }

                return null;

            case AddressProtocol.Secp256k1 or AddressProtocol.Actor:
                if (payload.Length != PayloadHashLength)
                {
                    error = AddressError.InvalidLength;
                    return $"a {(AddressProtocol)bytes[0]} payload is {PayloadHashLength} bytes, not {payload.Length}";
                }

                return null;

            case AddressProtocol.Bls:
                if (payload.Length != BlsPublicKeyLength)
                {
                    error = AddressError.InvalidLength;
                    return $"a BLS payload is {BlsPublicKeyLength} bytes, not {payload.Length}";
                }

                return null;

            case AddressProtocol.Delegated:
                if (!Varint.TryRead(payload, out ulong ns, out int nsLength))
                {
                    error = AddressError.InvalidPayload;
                    return "the namespace is not a minimal uvarint";
                }

                if (ns > long.MaxValue)
                {
                    error = AddressError.InvalidPayload;
                    return "the namespace is above 2^63 - 1";
                }

                if (payload.Length - nsLength > MaxSubaddressLength)
                {
                    error = AddressError.InvalidLength;
                    return $"a delegated sub-address is at most {MaxSubaddressLength} bytes, not {payload.Length - nsLength}";
                }

                return null;

            default:
                error = AddressError.UnknownProtocol;
                return $"unknown protocol {bytes[0]}";
        }
    }

    private void RequireDelegated()
    {
        if (Protocol != AddressProtocol.Delegated)
        {
            throw new InvalidOperationException($"A {Protocol} address has no namespace or sub-address.");
        }
    }
}
