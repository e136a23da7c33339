namespace Venus.ChainSync.Libp2p;

/// <summary>
/// The multiaddr protocols this host reads and writes, by their multicodec code (multiformats/multiaddr
/// <c>protocols.csv</c>). Anything else is refused, so an address from a peer is never half understood.
/// </summary>
public enum MultiaddrProtocol : ulong
{
    /// <summary><c>/ip4/&lt;a.b.c.d&gt;</c>: four bytes.</summary>
    Ip4 = 4,

    /// <summary><c>/tcp/&lt;port&gt;</c>: two bytes, big-endian.</summary>
    Tcp = 6,

    /// <summary><c>/ip6/&lt;address&gt;</c>: sixteen bytes.</summary>
    Ip6 = 41,

    /// <summary><c>/dns/&lt;name&gt;</c>: a length-prefixed name, resolved to either family.</summary>
    Dns = 53,

    /// <summary><c>/dns4/&lt;name&gt;</c>: a length-prefixed name, resolved to IPv4.</summary>
    Dns4 = 54,

    /// <summary><c>/dns6/&lt;name&gt;</c>: a length-prefixed name, resolved to IPv6.</summary>
    Dns6 = 55,

    /// <summary><c>/p2p/&lt;peer id&gt;</c> (text alias <c>/ipfs/</c>): a length-prefixed peer id multihash.</summary>
    P2p = 421,
}
