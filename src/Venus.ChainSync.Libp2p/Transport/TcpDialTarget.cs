using System.Net;
using System.Net.Sockets;

namespace Venus.ChainSync.Libp2p.Transport;

/// <summary>
/// Where a TCP multiaddr points: an IP address, or a DNS name still to be resolved (<see cref="Host"/>), and a port.
/// </summary>
/// <param name="Address">The IP address, or null when <see cref="Host"/> must be resolved first.</param>
/// <param name="Host">The DNS name of a <c>/dns</c>, <c>/dns4</c> or <c>/dns6</c> address, or null.</param>
/// <param name="Port">The TCP port, 0 to 65535.</param>
/// <param name="Family">
/// <see cref="AddressFamily.InterNetwork"/> or <see cref="AddressFamily.InterNetworkV6"/>, or
/// <see cref="AddressFamily.Unspecified"/> for <c>/dns</c>, which may resolve to either.
/// </param>
internal readonly record struct TcpDialTarget(IPAddress? Address, string? Host, int Port, AddressFamily Family);
