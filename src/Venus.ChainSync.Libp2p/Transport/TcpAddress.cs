using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Libp2p.Transport;

/// <summary>
/// Reads the TCP part of a multiaddr (<c>/ip4|ip6|dns|dns4|dns6/…/tcp/…</c>, an optional trailing <c>/p2p/…</c>) and
/// writes one back from a socket end point. Works on the binary form, which <see cref="Multiaddr"/> has already
/// bounded and validated, so nothing here allocates by a length it has not checked.
/// </summary>
internal static class TcpAddress
{
    /// <summary>
    /// Reads an address of exactly the shape <c>/&lt;ip or dns&gt;/&lt;host&gt;/tcp/&lt;port&gt;[/p2p/&lt;id&gt;]</c>;
    /// false for anything else (no <c>/tcp</c>, extra components, a transport this host does not speak).
    /// </summary>
    public static bool TryGetTarget(Multiaddr address, out TcpDialTarget target)
    {
        target = default;
        ReadOnlySpan<byte> bytes = address.Bytes.Span;
        if (!TryNext(ref bytes, out MultiaddrProtocol first, out ReadOnlySpan<byte> host)
            || !TryNext(ref bytes, out MultiaddrProtocol second, out ReadOnlySpan<byte> port)
            || second != MultiaddrProtocol.Tcp)
        {
            return false;
        }

        // Only a peer id may follow the port: /tcp/1/ws or /tcp/1/tls name other transports, which a plain TCP
        // dial would reach with the wrong protocol.
        if (!bytes.IsEmpty && (!TryNext(ref bytes, out MultiaddrProtocol third, out _) || third != MultiaddrProtocol.P2p || !bytes.IsEmpty))
        {
            return false;
        }

        (IPAddress? ip, string? name, AddressFamily family) = first switch
        {
            MultiaddrProtocol.Ip4 => (new IPAddress(host), null, AddressFamily.InterNetwork),
            MultiaddrProtocol.Ip6 => (new IPAddress(host), null, AddressFamily.InterNetworkV6),
            MultiaddrProtocol.Dns => (null, Encoding.ASCII.GetString(host), AddressFamily.Unspecified),
            MultiaddrProtocol.Dns4 => (null, Encoding.ASCII.GetString(host), AddressFamily.InterNetwork),
            MultiaddrProtocol.Dns6 => (null, Encoding.ASCII.GetString(host), AddressFamily.InterNetworkV6),
            _ => ((IPAddress?)null, (string?)null, AddressFamily.Unknown),
        };
        if (ip is null && name is null)
        {
            return false;
        }

        target = new TcpDialTarget(ip, name, BinaryPrimitives.ReadUInt16BigEndian(port), family);
        return true;
    }

    /// <summary>
    /// <c>/ip4/…/tcp/…</c> or <c>/ip6/…/tcp/…</c> for a socket end point; an IPv4-mapped IPv6 address is written as
    /// the IPv4 address it carries, as go-multiaddr's <c>manet.FromNetAddr</c> does.
    /// </summary>
    public static Multiaddr FromEndPoint(IPEndPoint endPoint)
    {
        IPAddress ip = endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address;
        // Scope ids cannot be written in a multiaddr (/ip6zone is not supported here), so they are dropped.
        byte[] ipBytes = ip.GetAddressBytes();
        var writer = new MultiaddrWriter([]);
        writer.Add(ip.AddressFamily == AddressFamily.InterNetwork ? MultiaddrProtocol.Ip4 : MultiaddrProtocol.Ip6, ipBytes);
        Span<byte> port = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(port, (ushort)endPoint.Port);
        writer.Add(MultiaddrProtocol.Tcp, port);
        return Multiaddr.FromBytes(writer.ToArray());
    }

    // Multiaddr.FromBytes has already checked every code and length, so a failure here only means "past the end".
    private static bool TryNext(ref ReadOnlySpan<byte> bytes, out MultiaddrProtocol protocol, out ReadOnlySpan<byte> value)
    {
        protocol = default;
        value = default;
        if (bytes.IsEmpty || !Varint.TryRead(bytes, out ulong code, out int codeLength))
        {
            return false;
        }

        protocol = (MultiaddrProtocol)code;
        ReadOnlySpan<byte> rest = bytes[codeLength..];
        if (!MultiaddrCodec.TryMeasure(protocol, rest, out int prefix, out int length, out _))
        {
            return false;
        }

        value = rest.Slice(prefix, length);
        bytes = rest[(prefix + length)..];
        return true;
    }
}
