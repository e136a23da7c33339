using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.IO.Hashing;
using System.Security.Cryptography;
using SimpleBase;
using Venus.ChainSync.Primitives.Hashing;

namespace Venus.ChainSync.Primitives;

/// <summary>
/// A content identifier: CIDv1 (<c>version || codec || multihash</c>) or CIDv0 (a bare sha2-256 multihash).
/// </summary>
/// <remarks>
/// A <see cref="Cid"/> wraps one immutable array of its binary form, so it copies as cheaply as a reference
/// and reads atomically. Equality compares the binary form; hash codes are randomised per process, so peers
/// cannot choose CIDs that collide in a dictionary. <c>default(Cid)</c> is not a CID (<see cref="IsDefined"/>
/// is false); every member but <see cref="IsDefined"/>, equality and <see cref="ToString"/> rejects it.
/// </remarks>
public readonly struct Cid : IEquatable<Cid>, IComparable<Cid>
{
    /// <summary>Length of the binary form of a chain CID (v1, dag-cbor, blake2b-256).</summary>
    public const int ChainCidLength = 38;

    /// <summary>Longest binary CID accepted, which bounds allocation for untrusted input.</summary>
    public const int MaxLength = 256;

    private static readonly byte[] ChainPrefix = [0x01, 0x71, 0xa0, 0xe4, 0x02, 0x20];

    private static readonly SearchValues<char> Base58Alphabet =
        SearchValues.Create("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz");

    private static readonly long HashSeed = BitConverter.ToInt64(RandomNumberGenerator.GetBytes(sizeof(long)));

    private readonly byte[]? _bytes;

    private Cid(byte[] bytes) => _bytes = bytes;

    /// <summary>Whether this value holds a CID (false for <c>default</c>).</summary>
    public bool IsDefined => _bytes is not null;

    /// <summary>The binary form.</summary>
    public ReadOnlySpan<byte> Bytes => Value;

    /// <summary>The binary form as memory (for APIs that need it).</summary>
    public ReadOnlyMemory<byte> Memory => Value;

    /// <summary>CID version: 0 or 1.</summary>
    public int Version => Value.Length == 34 && Value[0] == 0x12 ? 0 : 1;

    /// <summary>Multicodec content type (<see cref="Multicodec"/>); DAG-PB for v0.</summary>
    public ulong Codec
    {
        get
        {
            if (Version == 0)
            {
                return Multicodec.DagPb;
            }

            Varint.TryRead(Value.AsSpan(1), out ulong codec, out _);
            return codec;
        }
    }

    /// <summary>The multihash (function code and digest).</summary>
    public Multihash Multihash
    {
        get
        {
            byte[] bytes = Value;
            int offset = 0;
            if (Version == 1)
            {
                Varint.TryRead(bytes.AsSpan(1), out _, out int codecLength);
                offset = 1 + codecLength;
            }

            return Multihash.ReadUnchecked(bytes, offset);
        }
    }

    /// <summary>Whether this is a chain object CID: v1, dag-cbor, blake2b-256.</summary>
    public bool IsChainCid => Value.AsSpan().StartsWith(ChainPrefix) && Value.Length == ChainCidLength;

    private byte[] Value => _bytes ?? throw new InvalidOperationException("default(Cid) is not a CID.");

    /// <summary>Computes the CIDv1 (dag-cbor, blake2b-256) of <paramref name="data"/>: how every chain object is named.</summary>
    public static Cid ComputeDagCbor(ReadOnlySpan<byte> data) => Compute(Multicodec.DagCbor, data);

    /// <summary>Computes the CIDv1 with codec <paramref name="codec"/> and a blake2b-256 multihash of <paramref name="data"/>.</summary>
    public static Cid Compute(ulong codec, ReadOnlySpan<byte> data)
    {
        int codecLength = Varint.SizeOf(codec);
        var bytes = new byte[1 + codecLength + 4 + 32];
        bytes[0] = 1;
        Varint.Write(codec, bytes.AsSpan(1));
        int p = 1 + codecLength;
        bytes[p] = 0xa0;
        bytes[p + 1] = 0xe4;
        bytes[p + 2] = 0x02;
        bytes[p + 3] = 32;
        Blake2b.Hash256(data, bytes.AsSpan(p + 4));
        return new Cid(bytes);
    }

    /// <summary>Builds a CIDv1 from a codec and a multihash.</summary>
    public static Cid Create(ulong codec, Multihash multihash)
    {
        int codecLength = Varint.SizeOf(codec);
        var bytes = new byte[1 + codecLength + multihash.EncodedLength];
        bytes[0] = 1;
        Varint.Write(codec, bytes.AsSpan(1));
        multihash.WriteTo(bytes.AsSpan(1 + codecLength));
        return new Cid(bytes);
    }

    /// <summary>Reads a binary CID that must fill <paramref name="bytes"/> exactly.</summary>
    /// <exception cref="FormatException">The bytes are not one valid CID.</exception>
    public static Cid FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (!TryFromBytes(bytes, out Cid cid, out string? error))
        {
            throw new FormatException(error);
        }

        return cid;
    }

    /// <summary>Reads a binary CID that must fill <paramref name="bytes"/> exactly.</summary>
    public static bool TryFromBytes(ReadOnlySpan<byte> bytes, out Cid cid, [NotNullWhen(false)] out string? error)
    {
        cid = default;
        if (!TryMeasure(bytes, out int length, out error))
        {
            return false;
        }

        if (length != bytes.Length)
        {
            error = "trailing bytes after the CID";
            return false;
        }

        cid = new Cid(bytes.ToArray());
        return true;
    }

    /// <summary>
    /// Reads the CID at the start of <paramref name="bytes"/> (as CAR sections and TipSetKey byte strings hold them)
    /// and returns how many bytes it took.
    /// </summary>
    public static bool TryReadPrefix(ReadOnlySpan<byte> bytes, out Cid cid, out int length, [NotNullWhen(false)] out string? error)
    {
        cid = default;
        if (!TryMeasure(bytes, out length, out error))
        {
            return false;
        }

        cid = new Cid(bytes[..length].ToArray());
        return true;
    }

    /// <summary>
    /// Finds the length of the binary CID at the start of <paramref name="bytes"/> and checks its structure:
    /// version 0 or 1, a minimal codec varint, and a multihash whose digest length fits the input.
    /// </summary>
    public static bool TryMeasure(ReadOnlySpan<byte> bytes, out int length, [NotNullWhen(false)] out string? error)
    {
        length = 0;
        if (bytes.Length >= 2 && bytes[0] == 0x12 && bytes[1] == 0x20)
        {
            if (bytes.Length < 34)
            {
                error = "truncated CIDv0";
                return false;
            }

            length = 34;
            error = null;
            return true;
        }

        if (bytes.IsEmpty)
        {
            error = "empty CID";
            return false;
        }

        if (bytes[0] != 1)
        {
            error = $"unsupported CID version {bytes[0]}";
            return false;
        }

        if (!Varint.TryRead(bytes[1..], out _, out int codecLength))
        {
            error = "bad CID codec varint";
            return false;
        }

        if (!Multihash.TryMeasure(bytes[(1 + codecLength)..], out int multihashLength, out error))
        {
            return false;
        }

        length = 1 + codecLength + multihashLength;
        if (length > MaxLength)
        {
            error = $"CID longer than {MaxLength} bytes";
            length = 0;
            return false;
        }

        return true;
    }

    /// <summary>
    /// Parses a CID string: a base32 (<c>b…</c>) or base58btc (<c>z…</c>) multibase CIDv1, or a base58 CIDv0 (<c>Qm…</c>).
    /// </summary>
    /// <exception cref="FormatException">The string is not a CID.</exception>
    public static Cid Parse(string text)
    {
        if (!TryParse(text, out Cid cid, out string? error))
        {
            throw new FormatException($"'{Truncate(text)}' is not a CID: {error}");
        }

        return cid;
    }

    /// <summary>Parses a CID string; see <see cref="Parse(string)"/>.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Cid cid) => TryParse(text, out cid, out _);

    private static bool TryParse(string? text, out Cid cid, [NotNullWhen(false)] out string? error)
    {
        cid = default;
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength * 2)
        {
            error = "empty or too long";
            return false;
        }

        // SimpleBase's base58 decoder indexes a lookup table with each character, and anything the table does not
        // cover (non-ASCII, and DEL as well) escapes as IndexOutOfRangeException; so the text is checked against the
        // alphabet here first.
        if ((text[0] == 'z' && text.AsSpan(1).ContainsAnyExcept(Base58Alphabet))
            || (text.StartsWith("Qm", StringComparison.Ordinal) && text.AsSpan().ContainsAnyExcept(Base58Alphabet)))
        {
            error = "not base58 text";
            return false;
        }

        byte[] bytes;
        try
        {
            if (text.Length == 46 && text.StartsWith("Qm", StringComparison.Ordinal))
            {
                bytes = Base58.Bitcoin.Decode(text);
                if (bytes.Length != 34 || bytes[0] != 0x12 || bytes[1] != 0x20)
                {
                    error = "not a sha2-256 CIDv0";
                    return false;
                }

                cid = new Cid(bytes);
                error = null;
                return true;
            }

            bytes = text[0] switch
            {
                'b' => Base32Lower.Decode(text.AsSpan(1)),
                'z' => Base58.Bitcoin.Decode(text.AsSpan(1)),
                _ => throw new FormatException($"unsupported multibase prefix '{text[0]}'"),
            };
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            error = ex.Message;
            return false;
        }

        if (!TryFromBytes(bytes, out cid, out error))
        {
            return false;
        }

        if (cid.Version == 0)
        {
            error = "a CIDv0 must be written in base58 without a multibase prefix";
            cid = default;
            return false;
        }

        return true;
    }

    /// <summary>
    /// Whether <paramref name="data"/> hashes to this CID's multihash. Throws for a hash function this library
    /// does not implement (see <see cref="MultihashCode"/>).
    /// </summary>
    /// <exception cref="NotSupportedException">The multihash function is not identity, sha2-256 or blake2b-256.</exception>
    public bool Matches(ReadOnlySpan<byte> data)
    {
        Multihash mh = Multihash;
        ReadOnlySpan<byte> digest = mh.Digest;
        switch (mh.Code)
        {
            case MultihashCode.Identity:
                return data.SequenceEqual(digest);
            case MultihashCode.Blake2b256 when digest.Length == 32:
                {
                    Span<byte> computed = stackalloc byte[32];
                    Blake2b.Hash256(data, computed);
                    return computed.SequenceEqual(digest);
                }

            case MultihashCode.Sha2_256 when digest.Length == 32:
                {
                    Span<byte> computed = stackalloc byte[32];
                    SHA256.HashData(data, computed);
                    return computed.SequenceEqual(digest);
                }

            default:
                throw new NotSupportedException($"multihash 0x{mh.Code:x} with a {digest.Length}-byte digest is not supported");
        }
    }

    /// <summary>Whether <see cref="Matches"/> can check data against this CID.</summary>
    public bool CanVerify
    {
        get
        {
            Multihash mh = Multihash;
            return mh.Code == MultihashCode.Identity
                || (mh.Code is MultihashCode.Blake2b256 or MultihashCode.Sha2_256 && mh.Digest.Length == 32);
        }
    }

    /// <summary>The canonical string: base32 lower-case with prefix <c>b</c> for v1, base58 for v0; <c>&lt;undefined&gt;</c> for <c>default</c>.</summary>
    public override string ToString()
    {
        if (_bytes is null)
        {
            return "<undefined>";
        }

        return Version == 0 ? Base58.Bitcoin.Encode(_bytes) : "b" + Base32Lower.Encode(_bytes);
    }

    /// <inheritdoc/>
    public bool Equals(Cid other) => _bytes is null ? other._bytes is null : other._bytes is not null && _bytes.AsSpan().SequenceEqual(other._bytes);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Cid other && Equals(other);

    /// <inheritdoc/>
    /// <remarks>
    /// XXH3 over every byte with a seed drawn at random per process: a peer cannot choose CIDs that collide, even
    /// identity-multihash CIDs whose bytes it writes freely (hashing only the digest's tail let 40 000 CIDs sharing
    /// one tail take 2.2 s to insert into a set). XXH3 measured at least as fast as the tail-only hash on chain CIDs
    /// (<c>CidHashBenchmarks</c> in <c>benchmarks/README.md</c>).
    /// </remarks>
    public override int GetHashCode()
    {
        if (_bytes is null)
        {
            return 0;
        }

        ulong hash = XxHash3.HashToUInt64(_bytes, HashSeed);
        return (int)hash ^ (int)(hash >> 32);
    }

    /// <summary>Orders CIDs by their binary form (the tie-break rule of tipset ordering).</summary>
    public int CompareTo(Cid other) => Bytes.SequenceCompareTo(other.Bytes);

    /// <summary>Equality of binary forms.</summary>
    public static bool operator ==(Cid left, Cid right) => left.Equals(right);

    /// <summary>Inequality of binary forms.</summary>
    public static bool operator !=(Cid left, Cid right) => !left.Equals(right);

    /// <summary>Binary ordering.</summary>
    public static bool operator <(Cid left, Cid right) => left.CompareTo(right) < 0;

    /// <summary>Binary ordering.</summary>
    public static bool operator >(Cid left, Cid right) => left.CompareTo(right) > 0;

    /// <summary>Binary ordering.</summary>
    public static bool operator <=(Cid left, Cid right) => left.CompareTo(right) <= 0;

    /// <summary>Binary ordering.</summary>
    public static bool operator >=(Cid left, Cid right) => left.CompareTo(right) >= 0;

    private static string Truncate(string? text) => text is null ? "" : text.Length <= 80 ? text : text[..80] + "…";
}
