using System.Net;
using System.Net.Sockets;

namespace Venus.ChainSync.Libp2p.Transport;

/// <summary>
/// Raw TCP for libp2p: listens on <c>/ip4|ip6/…/tcp/…</c> and dials those and <c>/dns|dns4|dns6/…/tcp/…</c>
/// (a trailing <c>/p2p/…</c> is ignored here; checking the peer is the security handshake's job). Connections come
/// back unsecured; Noise and Yamux go on top.
/// </summary>
internal sealed class TcpTransport
{
    /// <summary>At most this many resolved addresses of one name are tried in turn, so a hostile DNS answer of
    /// hundreds of records cannot stretch a dial (all of them share the one timeout anyway).</summary>
    public const int MaxResolvedAddresses = 8;

    private readonly TimeProvider _time;
    private readonly HostResolver _resolve;

    /// <summary>Creates the transport; <paramref name="resolver"/> defaults to the system resolver.</summary>
    public TcpTransport(TimeProvider time, HostResolver? resolver = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _resolve = resolver ?? Dns.GetHostAddressesAsync;
    }

    /// <summary>
    /// Binds and listens on <c>/ip4/…/tcp/…</c> or <c>/ip6/…/tcp/…</c> (port 0: the OS picks; see
    /// <see cref="TcpTransportListener.ListenAddress"/>). IPv6 sockets are IPv6-only, so <c>/ip4/0.0.0.0</c> and
    /// <c>/ip6/::</c> on one port are two listeners, as in go-libp2p.
    /// </summary>
    /// <exception cref="ArgumentException">Not an IP + TCP address.</exception>
    /// <exception cref="IOException">The OS refused the bind (port in use, address not local).</exception>
    public ValueTask<TcpTransportListener> ListenAsync(Multiaddr address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        cancellationToken.ThrowIfCancellationRequested();
        if (!TcpAddress.TryGetTarget(address, out TcpDialTarget target) || target.Address is null || address.PeerId is not null)
        {
            throw new ArgumentException($"Cannot listen on {address}: only /ip4 or /ip6 with /tcp.", nameof(address));
        }

        var socket = new Socket(target.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (target.Address.AddressFamily == AddressFamily.InterNetworkV6)
            {
                socket.DualMode = false;
            }

            // Go's net package sets SO_REUSEADDR on listeners on Unix (sockopt_posix / setDefaultListenerSockopts),
            // so a restart can rebind while old connections sit in TIME_WAIT. On Windows the same option lets
            // another process steal the port, and go does not set it there; neither do we.
            if (!OperatingSystem.IsWindows())
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            }

            socket.Bind(new IPEndPoint(target.Address, target.Port));
            socket.Listen();
            return ValueTask.FromResult(new TcpTransportListener(socket, _time));
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new IOException($"Cannot listen on {address}: {ex.SocketErrorCode}.", ex);
        }
    }

    /// <summary>
    /// Connects to <paramref name="address"/>, resolving a DNS name first; <paramref name="timeout"/>, measured by
    /// the transport's <see cref="TimeProvider"/>, covers resolution and connection together.
    /// </summary>
    /// <exception cref="TcpDialException">Unsupported address, no address for the name, refused or unreachable, or
    /// timed out (<see cref="TcpDialException.Failure"/> says which).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async ValueTask<TcpConnection> DialAsync(Multiaddr address, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        if (!TcpAddress.TryGetTarget(address, out TcpDialTarget target) || target.Port == 0)
        {
            throw new TcpDialException(TcpDialFailure.Unsupported, $"Cannot dial {address} over TCP.");
        }

        using var timeoutSource = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            IPAddress[] candidates = target.Address is { } ip ? [ip] : await ResolveAsync(target, address, linked.Token).ConfigureAwait(false);
            SocketException? last = null;
            foreach (IPAddress candidate in candidates)
            {
                Socket? socket = null;
                try
                {
                    // Inside the try: creating an IPv6 socket fails on a host without IPv6, which is this address's
                    // failure, not the dial's.
                    socket = new Socket(candidate.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                    await socket.ConnectAsync(new IPEndPoint(candidate, target.Port), linked.Token).ConfigureAwait(false);
                    return new TcpConnection(socket, isOutbound: true, _time);
                }
                catch (SocketException ex)
                {
                    socket?.Dispose();
                    last = ex;
                }
                catch
                {
                    socket?.Dispose();
                    throw;
                }
            }

            throw new TcpDialException(TcpDialFailure.Refused, $"Dialling {address} failed: {last?.SocketErrorCode}.", last);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && timeoutSource.IsCancellationRequested)
        {
            throw new TcpDialException(TcpDialFailure.TimedOut, $"Dialling {address} timed out after {timeout}.", ex);
        }
    }

    private async Task<IPAddress[]> ResolveAsync(TcpDialTarget target, Multiaddr address, CancellationToken cancellationToken)
    {
        IPAddress[] resolved;
        try
        {
            // WaitAsync: a resolver that ignores its token must still not outlive the timeout. The system resolver
            // may then finish in the background; its result is dropped.
            resolved = await _resolve(target.Host!, target.Family, cancellationToken).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            throw new TcpDialException(TcpDialFailure.Unresolved, $"Resolving {address} failed: {ex.SocketErrorCode}.", ex);
        }

        IPAddress[] usable =
        [
            .. resolved
                .Select(a => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a)
                .Where(a => target.Family == AddressFamily.Unspecified ? a.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6 : a.AddressFamily == target.Family)
                .Distinct()
                .Take(MaxResolvedAddresses),
        ];
        return usable.Length > 0
            ? usable
            : throw new TcpDialException(TcpDialFailure.Unresolved, $"{address} resolved to no usable address.");
    }
}
