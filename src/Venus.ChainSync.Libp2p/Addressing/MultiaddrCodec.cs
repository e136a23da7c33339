using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SimpleBase;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Libp2p;

/// <summary>Each supported protocol's value in both forms: names, lengths, strict text reading and canonical printing.</summary>
internal static class MultiaddrCodec
{
    /// <summary>Longest DNS name (RFC 1035: 255 octets on the wire).</summary>
    public const int MaxDnsNameLength = 255;

    /// <summary>Longest identity-multihash digest of a peer id (the peer-id spec inlines keys of at most 42 bytes).</summary>
    public const int MaxInlineKeyLength = 42;

    private const ulong IdentityCode = 0x00;
    private const ulong Sha256Code = 0x12;
    private const ulong Libp2pKeyCodec = 0x72;

    private static readonly SearchValues<char> DnsCharacters =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");

    public static bool TryProtocolOf(string name, out MultiaddrProtocol protocol)
    {
        (bool known, protocol) = name switch
        {
            "ip4" => (true, MultiaddrProtocol.Ip4),
            "tcp" => (true, MultiaddrProtocol.Tcp),
            "ip6" => (true, MultiaddrProtocol.Ip6),
            "dns" => (true, MultiaddrProtocol.Dns),
            "dns4" => (true, MultiaddrProtocol.Dns4),
            "dns6" => (true, MultiaddrProtocol.Dns6),
            "p2p" or "ipfs" => (true, MultiaddrProtocol.P2p), // "ipfs" is the old name, still read by go-multiaddr
            _ => (false, default),
        };
        return known;
    }

    /// <summary>The value's size for fixed-size protocols; null for length-prefixed ones.</summary>
    public static int? FixedLength(MultiaddrProtocol protocol) => protocol switch
    {
        MultiaddrProtocol.Ip4 => 4,
        MultiaddrProtocol.Tcp => 2,
        MultiaddrProtocol.Ip6 => 16,
        _ => null,
    };

    /// <summary>Where the value starts after the code (<paramref name="prefix"/>) and how long it is, bounded before use.</summary>
    public static bool TryMeasure(MultiaddrProtocol protocol, ReadOnlySpan<byte> rest, out int prefix, out int length, [NotNullWhen(false)] out string? error)
    {
        prefix = 0;
        length = 0;
        if (FixedLength(protocol) is int fixedLength)
        {
            length = fixedLength;
        }
        else
        {
            int limit = protocol == MultiaddrProtocol.P2p ? Network.PeerId.MaxLength : MaxDnsNameLength;
            if (!Varint.TryRead(rest, out ulong claimed, out prefix) || claimed > (ulong)limit)
            {
                error = $"/{NameOf(protocol)} has a malformed length or one over {limit}";
                return false;
            }

            length = (int)claimed;
        }

        if (rest.Length - prefix < length)
        {
            error = $"/{NameOf(protocol)} is cut short";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>Whether a binary value is one the text form can express.</summary>
    public static bool IsValid(MultiaddrProtocol protocol, ReadOnlySpan<byte> value, [NotNullWhen(false)] out string? error)
    {
        error = protocol switch
        {
            MultiaddrProtocol.Dns or MultiaddrProtocol.Dns4 or MultiaddrProtocol.Dns6 when !IsDnsName(value) =>
                $"/{NameOf(protocol)} is not a DNS name of 1 to {MaxDnsNameLength} letters, digits, '-', '_' or '.'",
            MultiaddrProtocol.P2p when !IsPeerIdMultihash(value) =>
                "/p2p is not a peer id multihash (identity of at most 42 bytes, or sha2-256)",
            _ => null,
        };
        return error is null;
    }

    /// <summary>A peer id's multihash: an identity hash of an inlined key of at most 42 bytes, or a sha2-256 hash.</summary>
    public static bool IsPeerIdMultihash(ReadOnlySpan<byte> bytes)
    {
        if (!Varint.TryRead(bytes, out ulong code, out int codeLength)
            || !Varint.TryRead(bytes[codeLength..], out ulong digestLength, out int lengthLength))
        {
            return false;
        }

        ulong actual = (ulong)(bytes.Length - codeLength - lengthLength);
        return digestLength == actual && code switch
        {
            IdentityCode => digestLength is > 0 and <= MaxInlineKeyLength,
            Sha256Code => digestLength == 32,
            _ => false,
        };
    }

    /// <summary>Reads one component's text value strictly into its binary value.</summary>
    public static bool TryReadText(MultiaddrProtocol protocol, string text, [NotNullWhen(true)] out byte[]? value, [NotNullWhen(false)] out string? error)
    {
        value = protocol switch
        {
            MultiaddrProtocol.Ip4 => ReadIp4(text),
            MultiaddrProtocol.Ip6 => ReadIp6(text),
            MultiaddrProtocol.Tcp => ReadPort(text),
            MultiaddrProtocol.P2p => ReadPeerId(text),
            // A DNS name is checked once, as bytes, by IsValid when the parsed address is read back (non-ASCII becomes '?').
            _ => text.Length is > 0 and <= MaxDnsNameLength ? Encoding.ASCII.GetBytes(text) : null,
        };
        error = value is null ? $"'{(text.Length <= 80 ? text : text[..80] + "…")}' is not a valid /{NameOf(protocol)} value" : null;
        return value is not null;
    }

    /// <summary>The component's canonical text: <c>/name/value</c>.</summary>
    public static string Print(MultiaddrProtocol protocol, ReadOnlySpan<byte> value)
    {
        string text = protocol switch
        {
            MultiaddrProtocol.Ip4 or MultiaddrProtocol.Ip6 => new IPAddress(value).ToString(),
            MultiaddrProtocol.Tcp => BinaryPrimitives.ReadUInt16BigEndian(value).ToString(CultureInfo.InvariantCulture),
            MultiaddrProtocol.P2p => Base58.Bitcoin.Encode(value),
            _ => Encoding.ASCII.GetString(value),
        };
        return $"/{NameOf(protocol)}/{text}";
    }

    public static string NameOf(MultiaddrProtocol protocol) => protocol.ToString().ToLowerInvariant();

    private static bool IsDnsName(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty || value.Length > MaxDnsNameLength)
        {
            return false;
        }

        foreach (byte b in value)
        {
            if (b >= 0x80 || !DnsCharacters.Contains((char)b))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Four decimal octets, each 0–255 without a leading zero (as Go's parser has required since 1.17).</summary>
    private static byte[]? ReadIp4(string text)
    {
        string[] octets = text.Split('.');
        if (octets.Length != 4)
        {
            return null;
        }

        var value = new byte[4];
        for (int i = 0; i < 4; i++)
        {
            string octet = octets[i];
            if (octet.Length is 0 or > 3 || (octet.Length > 1 && octet[0] == '0') || !octet.All(char.IsAsciiDigit))
            {
                return null;
            }

            int n = int.Parse(octet, CultureInfo.InvariantCulture);
            if (n > 255)
            {
                return null;
            }

            value[i] = (byte)n;
        }

        return value;
    }

    /// <summary>An IPv6 address in any RFC 4291 text form, without a zone (which the binary form cannot hold).</summary>
    private static byte[]? ReadIp6(string text) =>
        text.Length is > 0 and <= 45 && text.Contains(':', StringComparison.Ordinal) && !text.Contains('%', StringComparison.Ordinal)
        && IPAddress.TryParse(text, out IPAddress? address) && address.AddressFamily == AddressFamily.InterNetworkV6
            ? address.GetAddressBytes()
            : null;

    /// <summary>A decimal port 0–65535.</summary>
    private static byte[]? ReadPort(string text)
    {
        if (text.Length is 0 or > 5 || !text.All(char.IsAsciiDigit) || (text.Length > 1 && text[0] == '0'))
        {
            return null;
        }

        int port = int.Parse(text, CultureInfo.InvariantCulture);
        if (port > ushort.MaxValue)
        {
            return null;
        }

        var value = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(value, (ushort)port);
        return value;
    }

    /// <summary>
    /// A peer id in either text form of the peer-id spec: base58btc of the multihash (starting <c>Qm</c> or <c>1</c>),
    /// or a CIDv1 of codec <c>libp2p-key</c> in any multibase the CID parser reads.
    /// </summary>
    private static byte[]? ReadPeerId(string text)
    {
        byte[]? multihash = null;
        if (text.Length > Network.PeerId.MaxLength * 2)
        {
            return null;
        }

        if (text.StartsWith("Qm", StringComparison.Ordinal) || text.StartsWith('1'))
        {
            // PeerId's parser refuses anything outside the base58 alphabet before decoding.
            multihash = Network.PeerId.TryParse(text, out Network.PeerId peer) ? peer.Bytes.ToArray() : null;
        }
        else if (Cid.TryParse(text, out Cid cid) && cid.Version == 1 && cid.Codec == Libp2pKeyCodec)
        {
            ReadOnlySpan<byte> bytes = cid.Bytes;
            int skip = Varint.SizeOf(1) + Varint.SizeOf(Libp2pKeyCodec);
            multihash = bytes[skip..].ToArray();
        }

        return multihash is not null && IsPeerIdMultihash(multihash) ? multihash : null;
    }
}
