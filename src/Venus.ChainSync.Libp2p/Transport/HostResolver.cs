using System.Net;
using System.Net.Sockets;

namespace Venus.ChainSync.Libp2p.Transport;

/// <summary>
/// Resolves a DNS name to addresses of <paramref name="family"/> (<see cref="AddressFamily.Unspecified"/>: either).
/// Injected into <see cref="TcpTransport"/> so tests need no DNS; the default is <see cref="Dns.GetHostAddressesAsync(string, AddressFamily, CancellationToken)"/>.
/// </summary>
internal delegate Task<IPAddress[]> HostResolver(string host, AddressFamily family, CancellationToken cancellationToken);
