using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;

namespace Venus.ChainSync.Libp2p.Transport;

/// <summary>
/// One TCP connection as a duplex pipe: <see cref="IDuplexPipe.Input"/> reads what the remote sent,
/// <see cref="IDuplexPipe.Output"/> sends. Nagle is off (libp2p frames are small and latency-bound).
/// </summary>
/// <remarks>
/// <para>The pipes sit directly on a <see cref="NetworkStream"/>: the reader reads from the socket only when its
/// consumer asks, so nothing is read ahead, and the writer holds only what its producer has not flushed. The memory
/// a connection holds is therefore what the protocol layers above leave unconsumed or unflushed, and those layers
/// bound it. (A loopback check of 64 KiB writes found this as fast as separate socket pumps, within noise, with no
/// loops to own.)</para>
/// <para>Reading and writing follow the pipelines rules: one reader, one writer. The reader completes
/// <see cref="IDuplexPipe.Input"/>; <see cref="DisposeAsync"/> completes <see cref="IDuplexPipe.Output"/> itself, so
/// the writer must have stopped first. After <see cref="Abort"/> or disposal, pending and later reads and writes fail
/// with <see cref="IOException"/> (or <see cref="ObjectDisposedException"/> for one begun after the socket closed).</para>
/// <para>Closing follows the OS, as go's <c>net.Conn.Close</c> does: if the remote sent data this end never read,
/// the close is a reset and the remote may not see everything sent last. Protocols that need a clean end close their
/// streams first (Yamux's GoAway), then the connection.</para>
/// </remarks>
internal sealed class TcpConnection : IDuplexPipe, IAsyncDisposable
{
    /// <summary>
    /// How long <see cref="DisposeAsync"/> waits to send what was written but not flushed before it aborts instead;
    /// ours (go's <c>net.Conn</c> has no write buffer to drain), long enough for a slow link, short enough that a
    /// remote that stopped reading cannot hold a connection open.
    /// </summary>
    public static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    // The reader's buffer: large enough for a full Yamux window update or Noise frame (65535 + 2 bytes) in one read.
    private const int ReadBufferSize = 64 * 1024;
    private const int MinimumReadSize = 4 * 1024;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly TimeProvider _time;
    private int _closing;

    /// <summary>Wraps a connected socket, which this connection then owns.</summary>
    public TcpConnection(Socket socket, bool isOutbound, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(time);
        _socket = socket;
        _time = time;
        socket.NoDelay = true;
        // Both end points are read now: Socket's properties throw once it is closed, and logs want them after.
        RemoteEndPoint = (IPEndPoint)(socket.RemoteEndPoint ?? throw new ArgumentException("The socket is not connected.", nameof(socket)));
        var local = (IPEndPoint)(socket.LocalEndPoint ?? throw new ArgumentException("The socket is not bound.", nameof(socket)));
        RemoteAddress = TcpAddress.FromEndPoint(RemoteEndPoint);
        LocalAddress = TcpAddress.FromEndPoint(local);
        IsOutbound = isOutbound;
        _stream = new NetworkStream(socket, ownsSocket: false);
        Input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: ReadBufferSize, minimumReadSize: MinimumReadSize, leaveOpen: true));
        Output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true));
    }

    /// <inheritdoc/>
    public PipeReader Input { get; }

    /// <inheritdoc/>
    public PipeWriter Output { get; }

    /// <summary>This end, as <c>/ip4|ip6/…/tcp/…</c>.</summary>
    public Multiaddr LocalAddress { get; }

    /// <summary>The remote end, as <c>/ip4|ip6/…/tcp/…</c> (an IPv4-mapped address as IPv4).</summary>
    public Multiaddr RemoteAddress { get; }

    /// <summary>The remote end point, as the socket reported it.</summary>
    public IPEndPoint RemoteEndPoint { get; }

    /// <summary>Whether this end dialled.</summary>
    public bool IsOutbound { get; }

    /// <summary>
    /// Closes the socket at once, with a reset rather than an orderly close; pending reads and writes fail. For a
    /// misbehaving peer or shutdown; idempotent, never throws.
    /// </summary>
    public void Abort()
    {
        Interlocked.Exchange(ref _closing, 1);
        CloseSocket(reset: true);
    }

    /// <summary>
    /// Closes gracefully: sends what was written (waiting at most <see cref="CloseTimeout"/>), completes
    /// <see cref="IDuplexPipe.Output"/>, shuts the sending side so the remote reads end of stream, then closes the
    /// socket. Never throws; a second call, or one after <see cref="Abort"/>, only closes what is left.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closing, 1) == 0)
        {
            Task complete = Output.CompleteAsync().AsTask();
            try
            {
                await complete.WaitAsync(CloseTimeout, _time).ConfigureAwait(false);
                _socket.Shutdown(SocketShutdown.Send);
            }
            catch (TimeoutException)
            {
                // The remote stopped reading; closing the socket fails the stuck write, which is then observed below.
                CloseSocket(reset: true);
                await ObserveAsync(complete).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
            {
                // Already reset or aborted: nothing left to send.
            }
        }

        CloseSocket(reset: false);
        await _stream.DisposeAsync().ConfigureAwait(false);
    }

    private void CloseSocket(bool reset)
    {
        try
        {
            if (reset)
            {
                // Linger 0 turns close into a reset: nothing queued is sent, and the remote learns at once.
                _socket.LingerState = new LingerOption(true, 0);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }

        _socket.Dispose();
    }

    private static async Task ObserveAsync(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The write this close cut short; the caller asked to close, not to hear about it.
        }
    }
}
