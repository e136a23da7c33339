using System.Net;
using System.Net.Sockets;

namespace Venus.ChainSync.Libp2p.Transport;

/// <summary>A bound, listening TCP socket that hands out inbound <see cref="TcpConnection"/>s.</summary>
/// <remarks>
/// Admission (how many, from where) is not decided here: the caller accepts, asks its admission gate, and aborts
/// what it refuses. A connection the remote reset before it was accepted is skipped, not reported.
/// </remarks>
internal sealed class TcpTransportListener : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly TimeProvider _time;
    private int _disposed;

    /// <summary>Wraps a bound, listening socket, which the listener then owns.</summary>
    public TcpTransportListener(Socket socket, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(time);
        _socket = socket;
        _time = time;
        ListenAddress = TcpAddress.FromEndPoint((IPEndPoint)(socket.LocalEndPoint ?? throw new ArgumentException("The socket is not bound.", nameof(socket))));
    }

    /// <summary>The bound address, with the port the OS picked when 0 was asked for.</summary>
    public Multiaddr ListenAddress { get; }

    /// <summary>Waits for the next inbound connection.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The listener was disposed, before or during the wait.</exception>
    /// <exception cref="IOException">The OS refused to accept (out of file descriptors, for one); the listener stays usable.</exception>
    public async ValueTask<TcpConnection> AcceptAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            Socket accepted;
            try
            {
                accepted = await _socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException && Volatile.Read(ref _disposed) != 0)
            {
                throw new ObjectDisposedException(nameof(TcpTransportListener), ex);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionAborted or SocketError.ConnectionReset)
            {
                // The remote gave up between its SYN and our accept: nothing to hand out, and no fault of ours.
                continue;
            }
            catch (SocketException ex)
            {
                throw new IOException($"Accepting on {ListenAddress} failed: {ex.SocketErrorCode}.", ex);
            }

            try
            {
                return new TcpConnection(accepted, isOutbound: false, _time);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or ArgumentException)
            {
                // Reset between accept and reading its end points.
                accepted.Dispose();
            }
        }
    }

    /// <summary>Stops listening; a pending <see cref="AcceptAsync"/> ends with <see cref="ObjectDisposedException"/>.
    /// Connections already accepted are not touched.</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _socket.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}
