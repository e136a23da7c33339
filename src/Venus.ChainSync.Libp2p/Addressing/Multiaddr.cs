using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.IO.Hashing;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Libp2p;

/// <summary>
/// A multiaddr (multiformats/multiaddr): a sequence of protocol components, held in its binary form and printed in
/// its text form (<c>/ip4/127.0.0.1/tcp/1234/p2p/12D3Koo…</c>). Only the protocols of <see cref="MultiaddrProtocol"/>
/// are understood; anything else is refused, never passed through half read.
/// </summary>
/// <remarks>
/// Both parsers take untrusted input (identify's listen addresses, a user's bootstrap list): every length is checked
/// against <see cref="MaxLength"/> and the bytes that remain before anything is allocated, and both refuse what the
/// other form could not express, so <c>Parse(a.ToString())</c> and <c>FromBytes(a.Bytes)</c> give back <c>a</c>.
/// Text is read strictly (dotted-quad IPv4 without leading zeros, IPv6 without a zone, ports 0–65535, DNS names of
/// letters, digits, <c>-</c>, <c>_</c> and <c>.</c>) and printed canonically.
/// </remarks>
public sealed class Multiaddr : IEquatable<Multiaddr>
{
    /// <summary>Longest binary form accepted (go-multiaddr sets none; an address of every protocol here with a
    /// 255-byte name and a sha2-256 peer id takes under 330 bytes).</summary>
    public const int MaxLength = 1024;

    /// <summary>Most components accepted in one address.</summary>
    public const int MaxComponents = 16;

    // Per process, as for CIDs: addresses arrive from peers, so their hash codes must not be predictable.
    private static readonly long Seed = Random.Shared.NextInt64();

    private readonly byte[] _bytes;
    private readonly ImmutableArray<Component> _components;

    private Multiaddr(byte[] bytes, ImmutableArray<Component> components)
    {
        _bytes = bytes;
        _components = components;
    }

    /// <summary>The binary form.</summary>
    public ReadOnlyMemory<byte> Bytes => _bytes;

    /// <summary>The protocol of each component, in order.</summary>
    public IReadOnlyList<MultiaddrProtocol> Protocols => [.. _components.Select(c => c.Protocol)];

    /// <summary>The peer id of the last <c>/p2p</c> component, or null when there is none.</summary>
    public PeerId? PeerId =>
        _components.LastOrDefault(c => c.Protocol == MultiaddrProtocol.P2p) is { Protocol: MultiaddrProtocol.P2p } p2p
            ? Network.PeerId.FromBytes(Value(p2p))
            : null;

    /// <summary>Parses the text form.</summary>
    /// <exception cref="FormatException">Not a multiaddr of the supported protocols.</exception>
    public static Multiaddr Parse(string text) =>
        TryParse(text, out Multiaddr? address, out string? error)
            ? address
            : throw new FormatException($"'{Shorten(text)}' is not a multiaddr: {error}");

    /// <summary>Parses the text form; false, with nothing thrown, for anything else.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out Multiaddr? address) =>
        TryParse(text, out address, out _);

    /// <summary>Reads the binary form (a copy is kept).</summary>
    /// <exception cref="FormatException">Not a multiaddr of the supported protocols.</exception>
    public static Multiaddr FromBytes(ReadOnlySpan<byte> bytes) =>
        TryFromBytes(bytes, out Multiaddr? address, out string? error)
            ? address
            : throw new FormatException($"not a multiaddr: {error}");

    /// <summary>Reads the binary form; false, with nothing thrown, for anything else.</summary>
    public static bool TryFromBytes(ReadOnlySpan<byte> bytes, [NotNullWhen(true)] out Multiaddr? address) =>
        TryFromBytes(bytes, out address, out _);

    /// <summary>This address with <c>/p2p/<paramref name="peer"/></c> appended.</summary>
    /// <exception cref="InvalidOperationException">It already names a peer.</exception>
    /// <exception cref="ArgumentException"><paramref name="peer"/> is not a valid peer id multihash.</exception>
    public Multiaddr WithPeer(PeerId peer)
    {
        if (PeerId is not null)
        {
            throw new InvalidOperationException($"{this} already names a peer.");
        }

        if (!MultiaddrCodec.IsPeerIdMultihash(peer.Bytes))
        {
            throw new ArgumentException("Not a peer id multihash (identity of at most 42 bytes, or sha2-256).", nameof(peer));
        }

        var writer = new MultiaddrWriter(_bytes);
        writer.Add(MultiaddrProtocol.P2p, peer.Bytes);
        return FromBytes(writer.ToArray());
    }

    /// <inheritdoc/>
    public override string ToString() => string.Concat(_components.Select(c => MultiaddrCodec.Print(c.Protocol, Value(c))));

    /// <inheritdoc/>
    public bool Equals(Multiaddr? other) => other is not null && _bytes.AsSpan().SequenceEqual(other._bytes);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Multiaddr);

    /// <inheritdoc/>
    public override int GetHashCode() => (int)XxHash3.HashToUInt64(_bytes, Seed);

    /// <summary>Equal when the binary forms are.</summary>
    public static bool operator ==(Multiaddr? left, Multiaddr? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Different when the binary forms are.</summary>
    public static bool operator !=(Multiaddr? left, Multiaddr? right) => !(left == right);

    internal static bool TryParse(string? text, [NotNullWhen(true)] out Multiaddr? address, [NotNullWhen(false)] out string? error)
    {
        address = null;
        if (string.IsNullOrEmpty(text) || text[0] != '/')
        {
            error = "it must start with '/'";
            return false;
        }

        if (text.Length > MaxLength * 4)
        {
            error = $"longer than {MaxLength * 4} characters";
            return false;
        }

        string[] parts = text.Split('/');
        int end = parts[^1].Length == 0 ? parts.Length - 1 : parts.Length; // one trailing '/' is allowed
        var writer = new MultiaddrWriter([]);
        for (int i = 1; i < end; i += 2)
        {
            if (!MultiaddrCodec.TryProtocolOf(parts[i], out MultiaddrProtocol protocol))
            {
                error = $"unknown protocol '{Shorten(parts[i])}'";
                return false;
            }

            if (i + 1 >= end)
            {
                error = $"/{parts[i]} has no value";
                return false;
            }

            if (!MultiaddrCodec.TryReadText(protocol, parts[i + 1], out byte[]? value, out error))
            {
                return false;
            }

            writer.Add(protocol, value);
        }

        return TryFromBytes(writer.ToArray(), out address, out error);
    }

    internal static bool TryFromBytes(ReadOnlySpan<byte> bytes, [NotNullWhen(true)] out Multiaddr? address, [NotNullWhen(false)] out string? error)
    {
        address = null;
        if (bytes.IsEmpty || bytes.Length > MaxLength)
        {
            error = $"a multiaddr is 1 to {MaxLength} bytes";
            return false;
        }

        var components = ImmutableArray.CreateBuilder<Component>();
        int at = 0;
        while (at < bytes.Length)
        {
            if (components.Count == MaxComponents)
            {
                error = $"more than {MaxComponents} components";
                return false;
            }

            if (!Varint.TryRead(bytes[at..], out ulong code, out int codeLength) || !Enum.IsDefined((MultiaddrProtocol)code))
            {
                error = $"unknown or malformed protocol code at byte {at}";
                return false;
            }

            var protocol = (MultiaddrProtocol)code;
            at += codeLength;
            if (!MultiaddrCodec.TryMeasure(protocol, bytes[at..], out int prefix, out int length, out error))
            {
                return false;
            }

            if (!MultiaddrCodec.IsValid(protocol, bytes.Slice(at + prefix, length), out error))
            {
                return false;
            }

            components.Add(new Component(protocol, at + prefix, length));
            at += prefix + length;
        }

        address = new Multiaddr(bytes.ToArray(), components.ToImmutable());
        error = null;
        return true;
    }

    private ReadOnlySpan<byte> Value(Component component) => _bytes.AsSpan(component.Offset, component.Length);

    private static string Shorten(string? text) => text is null ? "" : text.Length <= 80 ? text : text[..80] + "…";

    /// <summary>One component: its protocol and where its value lies in the binary form.</summary>
    private readonly record struct Component(MultiaddrProtocol Protocol, int Offset, int Length);
}
