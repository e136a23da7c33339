using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Venus.ChainSync.Libp2p.PubSub;

/// <summary>
/// A gossip message id as Filecoin computes it: the 32 bytes of a blake2b-256 digest (see
/// <see cref="MessageIdentity"/>), held inline (four words, no array) so that caches and per-peer tables keyed by it
/// cost no allocation per entry.
/// </summary>
/// <remarks>
/// <para>Ids of any other length cannot be Filecoin ids: <see cref="TryFromBytes"/> refuses them, and the router
/// drops such an id from an IHAVE, IWANT or IDONTWANT, since no message of ours can have it.</para>
/// <para><b>Hash code.</b> Not simply the first eight bytes. An id we computed is a cryptographic hash of the data,
/// whose bytes a sender cannot choose, but most ids in our tables are not ones we computed: IHAVE, IWANT and
/// IDONTWANT carry 32 bytes the peer picked, so a prefix-as-hash would let one peer put every id it announces into
/// the same dictionary bucket and make each lookup walk them all (go is immune because Go maps seed their hash per
/// map). All 32 bytes go through <see cref="HashCode"/>, whose seed is random per process, so buckets cannot be aimed
/// at from outside; it costs a few nanoseconds. The words are passed as eight 32-bit halves rather than as
/// <see cref="ulong"/>s, because <c>ulong.GetHashCode</c> folds the halves together before the seed is mixed in,
/// which would make colliding inputs easy to build whatever the seed.</para>
/// </remarks>
internal readonly struct MessageId : IEquatable<MessageId>
{
    /// <summary>Length of an id: a blake2b-256 digest.</summary>
    public const int Length = 32;

    private readonly ulong _w0;
    private readonly ulong _w1;
    private readonly ulong _w2;
    private readonly ulong _w3;

    private MessageId(ReadOnlySpan<byte> bytes)
    {
        _w0 = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        _w1 = BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]);
        _w2 = BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]);
        _w3 = BinaryPrimitives.ReadUInt64LittleEndian(bytes[24..]);
    }

    /// <summary>Wraps the 32 bytes of an id.</summary>
    /// <exception cref="ArgumentException"><paramref name="bytes"/> is not <see cref="Length"/> bytes.</exception>
    public static MessageId FromBytes(ReadOnlySpan<byte> bytes) =>
        TryFromBytes(bytes, out MessageId id) ? id : throw new ArgumentException($"A message id is {Length} bytes, not {bytes.Length}.", nameof(bytes));

    /// <summary>Wraps an id received from a peer; false when it is not <see cref="Length"/> bytes.</summary>
    public static bool TryFromBytes(ReadOnlySpan<byte> bytes, [MaybeNullWhen(false)] out MessageId id)
    {
        if (bytes.Length != Length)
        {
            id = default;
            return false;
        }

        id = new MessageId(bytes);
        return true;
    }

    /// <summary>Writes the 32 bytes into <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="Length"/>.</exception>
    public void CopyTo(Span<byte> destination)
    {
        if (destination.Length < Length)
        {
            throw new ArgumentException($"A message id needs {Length} bytes.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt64LittleEndian(destination, _w0);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], _w1);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], _w2);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], _w3);
    }

    /// <summary>The 32 bytes, in a new array (for a protobuf field).</summary>
    public byte[] ToArray()
    {
        byte[] bytes = new byte[Length];
        CopyTo(bytes);
        return bytes;
    }

    /// <inheritdoc/>
    public bool Equals(MessageId other) => _w0 == other._w0 && _w1 == other._w1 && _w2 == other._w2 && _w3 == other._w3;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is MessageId other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(
        (uint)_w0, (uint)(_w0 >> 32), (uint)_w1, (uint)(_w1 >> 32), (uint)_w2, (uint)(_w2 >> 32), (uint)_w3, (uint)(_w3 >> 32));

    /// <summary>Lower-case hex of the 32 bytes, for logs and test output.</summary>
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Length];
        CopyTo(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>Equality.</summary>
    public static bool operator ==(MessageId left, MessageId right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(MessageId left, MessageId right) => !left.Equals(right);
}
