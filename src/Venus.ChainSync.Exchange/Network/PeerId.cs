using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using SimpleBase;

namespace Venus.ChainSync.Network;

/// <summary>
/// A libp2p peer identity: the bytes of its multihash, printed in base58btc as libp2p does (<c>12D3Koo…</c>, <c>Qm…</c>).
/// </summary>
/// <remarks>
/// The type does not interpret the bytes beyond bounding their length; a host adapter converts its own peer-id
/// type with <see cref="FromBytes"/> and <see cref="Bytes"/>. Equality is on bytes; copies are cheap.
/// </remarks>
public readonly struct PeerId : IEquatable<PeerId>
{
    /// <summary>Longest peer id accepted (an inlined public key plus multihash framing stays well under it).</summary>
    public const int MaxLength = 128;

    private static readonly SearchValues<char> Base58Alphabet =
        SearchValues.Create("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz");

    private readonly byte[]? _bytes;

    private PeerId(byte[] bytes) => _bytes = bytes;

    /// <summary>Whether this holds an id (false for <c>default</c>).</summary>
    public bool IsDefined => _bytes is not null;

    /// <summary>The binary form.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes ?? throw new InvalidOperationException("default(PeerId) is not a peer id.");

    /// <summary>Wraps the binary form of a peer id (copied).</summary>
    /// <exception cref="ArgumentException">Empty or longer than <see cref="MaxLength"/>.</exception>
    public static PeerId FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty || bytes.Length > MaxLength)
        {
            throw new ArgumentException($"A peer id is 1 to {MaxLength} bytes.", nameof(bytes));
        }

        return new PeerId(bytes.ToArray());
    }

    /// <summary>Parses the base58btc form.</summary>
    /// <exception cref="FormatException">Not base58, or an impossible length.</exception>
    public static PeerId Parse(string text)
    {
        if (!TryParse(text, out PeerId peer))
        {
            string shown = text is null ? "" : text.Length <= 80 ? text : text[..80] + "…";
            throw new FormatException($"'{shown}' is not a base58 peer id");
        }

        return peer;
    }

    /// <summary>Parses the base58btc form.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out PeerId peer)
    {
        peer = default;
        // Anything outside the alphabet is refused before SimpleBase sees it: its base58 decoder indexes a lookup
        // table with each character, and non-ASCII text or DEL would escape as IndexOutOfRangeException.
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength * 2 || text.AsSpan().ContainsAnyExcept(Base58Alphabet))
        {
            return false;
        }

        try
        {
            byte[] bytes = Base58.Bitcoin.Decode(text);
            if (bytes.Length is 0 or > MaxLength)
            {
                return false;
            }

            peer = new PeerId(bytes);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>
    /// A stable test identity derived from a name: an identity multihash of the UTF-8 name (how libp2p inlines
    /// small keys). For tests and in-memory networks only.
    /// </summary>
    public static PeerId ForName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        byte[] utf8 = System.Text.Encoding.UTF8.GetBytes(name);
        if (utf8.Length > MaxLength - 2)
        {
            throw new ArgumentException("The name is too long for a peer id.", nameof(name));
        }

        return new PeerId([0x00, (byte)utf8.Length, .. utf8]);
    }

    /// <summary>The base58btc form.</summary>
    public override string ToString() => _bytes is null ? "<undefined>" : Base58.Bitcoin.Encode(_bytes);

    /// <inheritdoc/>
    public bool Equals(PeerId other) => _bytes is null ? other._bytes is null : other._bytes is not null && _bytes.AsSpan().SequenceEqual(other._bytes);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is PeerId other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.AddBytes(_bytes);
        return hash.ToHashCode();
    }

    /// <summary>Equality.</summary>
    public static bool operator ==(PeerId left, PeerId right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(PeerId left, PeerId right) => !left.Equals(right);
}
