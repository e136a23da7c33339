using System.IO.Pipelines;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Venus.ChainSync.Libp2p.Multiplexing;

/// <summary>
/// One Yamux session (hashicorp/yamux spec.md, as go-yamux speaks it) over a secured connection: many
/// <see cref="YamuxStream"/>s, each flow-controlled by its own window. The session owns three loops, started by
/// <see cref="Start"/> and awaited by <see cref="Completion"/>: one reads frames, one writes them, one sends
/// keep-alive pings.
/// </summary>
/// <remarks>
/// Every byte read is treated as hostile: a header is checked before its payload is touched, a data frame may not
/// exceed the window granted (so a stream never buffers more than <see cref="YamuxOptions.MaxStreamWindow"/>), and
/// inbound streams are capped both while waiting for accept and while open. A violation sends GoAway (protocol
/// error), closes every stream and faults <see cref="Completion"/> with <see cref="Libp2pProtocolException"/>.
/// </remarks>
internal sealed partial class YamuxSession : IAsyncDisposable
{
    /// <summary>The multistream-select protocol id.</summary>
    public const string ProtocolId = "/yamux/1.0.0";

    // Control frames (acks, window updates, resets, pongs) are queued without waiting, as the read loop must not
    // wait mid-buffer. With this many unsent, the read loop stops reading until the write loop has caught up, so a
    // peer that provokes frames without reading them holds no more than this.
    private const int ControlQueueCapacity = 4096;

    // A few frames of data in flight let streams overlap; writers wait for room beyond that (back-pressure).
    private const int DataQueueCapacity = 64;

    private readonly IDuplexPipe _connection;
    private readonly bool _isClient;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<uint, YamuxStream> _streams = [];
    private readonly Channel<YamuxStream> _accept;
    private readonly Channel<YamuxOutgoingFrame> _control;
    private readonly Channel<YamuxOutgoingFrame> _data;
    private readonly CancellationTokenSource _stop = new();
    private long _windowGrowth;
    private uint _nextStreamId;
    private int _inbound;
    private int _outbound;
    private bool _closed;
    private bool _localGoAway;
    private bool _remoteGoAway;
    private Exception? _closeReason;
    private Task _readLoop = Task.CompletedTask;
    private Task _writeLoop = Task.CompletedTask;
    private Task _keepAliveLoop = Task.CompletedTask;

    private YamuxSession(IDuplexPipe connection, bool isClient, YamuxOptions options, TimeProvider time, ILogger logger)
    {
        _connection = connection;
        _isClient = isClient;
        Options = options;
        Time = time;
        _logger = logger;
        // spec.md, "StreamID Field": the client uses odd ids, the server even; 0 is the session.
        _nextStreamId = isClient ? 1u : 2u;
        _accept = Channel.CreateBounded<YamuxStream>(new BoundedChannelOptions(options.MaxUnacknowledgedInbound)
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait, // only TryWrite is used: a full backlog resets the new stream
        });
        _control = Channel.CreateUnbounded<YamuxOutgoingFrame>(); // not SingleReader: that variant cannot count
        _data = Channel.CreateBounded<YamuxOutgoingFrame>(new BoundedChannelOptions(DataQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Completes when the session has ended and its loops have stopped: normally after GoAway (either way)
    /// once no stream is left, at the end of the connection or on dispose; faulted with
    /// <see cref="Libp2pProtocolException"/> when the peer broke the protocol, or <see cref="IOException"/> when the
    /// connection failed, timed out or the peer sent an error GoAway.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>Streams open in either direction, including inbound ones not yet accepted.</summary>
    public int ActiveStreams
    {
        get
        {
            lock (_gate)
            {
                return _streams.Count;
            }
        }
    }

    /// <summary>Whether the session has ended (no stream can be opened, accepted or used).</summary>
    public bool IsClosed
    {
        get
        {
            lock (_gate)
            {
                return _closed;
            }
        }
    }

    /// <summary>The options in force.</summary>
    internal YamuxOptions Options { get; }

    /// <summary>The clock for timeouts and round-trip times.</summary>
    internal TimeProvider Time { get; }

    /// <summary>Starts a session over <paramref name="connection"/>, which it owns from now on (both ends are
    /// completed when the session ends).</summary>
    /// <param name="connection">The secured connection.</param>
    /// <param name="isClient">True for the dialler (odd stream ids), false for the listener (even).</param>
    /// <param name="options">Limits and timers.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">Where peer misbehaviour is logged.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static YamuxSession Start(IDuplexPipe connection, bool isClient, YamuxOptions options, TimeProvider time, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(time);
        var session = new YamuxSession(connection, isClient, options.Validate(), time, logger ?? NullLogger.Instance);
        session._writeLoop = session.WriteLoopAsync();
        session._readLoop = session.ReadLoopAsync();
        session._keepAliveLoop = session.KeepAliveLoopAsync();
        session.Completion = session.RunAsync();
        return session;
    }

    /// <summary>Opens an outbound stream: its SYN is queued at once and data may follow before the ACK
    /// (spec.md, "Opening a stream").</summary>
    /// <exception cref="IOException">The session is closed or going away, the stream cap is reached, or the stream
    /// ids are used up.</exception>
    public async ValueTask<YamuxStream> OpenStreamAsync(CancellationToken cancellationToken)
    {
        YamuxStream stream;
        lock (_gate)
        {
            if (_closed || _localGoAway || _remoteGoAway)
            {
                throw new IOException($"{ProtocolId}: the session is {(_closed ? "closed" : "going away")}; no new streams", _closeReason);
            }

            if (_outbound >= Options.MaxStreams)
            {
                throw new IOException($"{ProtocolId}: {Options.MaxStreams} outbound streams are already open");
            }

            // Ids are never reused; the last of the 2^32 is the end of this session's streams.
            if (_nextStreamId > uint.MaxValue - 2)
            {
                throw new IOException($"{ProtocolId}: stream ids exhausted");
            }

            stream = new YamuxStream(this, _nextStreamId);
            _nextStreamId += 2;
            _streams.Add(stream.Id, stream);
            _outbound++;
        }

        try
        {
            await EnqueueControlAsync(stream.OpeningHeader(YamuxFlags.Syn), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            stream.Abort(ex);
            throw;
        }

        return stream;
    }

    /// <summary>Waits for the next inbound stream and acknowledges it (the ACK goes out now, not when the SYN came,
    /// so a peer cannot make this side accept faster than the application does).</summary>
    /// <exception cref="IOException">The session has ended.</exception>
    public async ValueTask<YamuxStream> AcceptStreamAsync(CancellationToken cancellationToken)
    {
        YamuxStream stream;
        try
        {
            stream = await _accept.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException ex)
        {
            throw new IOException($"{ProtocolId}: the session has ended; no more inbound streams", ex.InnerException);
        }

        if (!stream.IsReset)
        {
            await EnqueueControlAsync(stream.OpeningHeader(YamuxFlags.Ack), cancellationToken).ConfigureAwait(false);
        }

        return stream;
    }

    /// <summary>Sends GoAway (normal termination): neither side opens new streams after it, streams already open
    /// carry on, and the session ends once the last of them is closed.</summary>
    /// <exception cref="IOException">The session is already closed.</exception>
    public async ValueTask GoAwayAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_closed)
            {
                throw new IOException($"{ProtocolId}: the session is closed", _closeReason);
            }

            if (_localGoAway)
            {
                return;
            }

            _localGoAway = true;
        }

        await EnqueueControlAsync(new YamuxHeader(YamuxFrameType.GoAway, YamuxFlags.None, 0, (uint)YamuxGoAwayCode.Normal), cancellationToken)
            .ConfigureAwait(false);
        CloseIfDrained();
    }

    /// <summary>Ends the session (sending GoAway if it has not been sent), resets the streams left and waits for the
    /// loops to stop. Never throws.</summary>
    public async ValueTask DisposeAsync()
    {
        Close(null, YamuxGoAwayCode.Normal);
        try
        {
            await Completion.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            // The failure is the session's outcome, already reported through Completion; disposing never throws.
        }
    }

    /// <summary>Queues a control frame from application code.</summary>
    internal async ValueTask EnqueueControlAsync(YamuxHeader header, CancellationToken cancellationToken)
    {
        try
        {
            await _control.Writer.WriteAsync(new YamuxOutgoingFrame(header, default, null), cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException ex)
        {
            throw new IOException($"{ProtocolId}: the session is closed", _closeReason ?? ex);
        }
    }

    /// <summary>Queues a control frame without waiting (from the read loop or synchronous code); dropped once the
    /// session is closed.</summary>
    internal void EnqueueControl(YamuxHeader header) =>
        _control.Writer.TryWrite(new YamuxOutgoingFrame(header, default, null));

    /// <summary>Queues a data frame, waiting for room.</summary>
    internal async ValueTask EnqueueDataAsync(YamuxOutgoingFrame frame, CancellationToken cancellationToken)
    {
        try
        {
            await _data.Writer.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException ex)
        {
            throw new IOException($"{ProtocolId}: the session is closed", _closeReason ?? ex);
        }
    }

    /// <summary>Window growth the streams hold now, in bytes (of <see cref="YamuxOptions.MaxWindowGrowth"/>).</summary>
    internal long WindowGrowth => Interlocked.Read(ref _windowGrowth);

    /// <summary>Takes <paramref name="bytes"/> of window growth from the session's budget; false (and nothing taken)
    /// when it does not fit.</summary>
    internal bool TryReserveWindowGrowth(long bytes)
    {
        long current = Interlocked.Read(ref _windowGrowth);
        while (true)
        {
            if (current + bytes > Options.MaxWindowGrowth)
            {
                return false;
            }

            long seen = Interlocked.CompareExchange(ref _windowGrowth, current + bytes, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }
    }

    /// <summary>Gives back window growth a stream held.</summary>
    internal void ReleaseWindowGrowth(long bytes) => Interlocked.Add(ref _windowGrowth, -bytes);

    /// <summary>Forgets a stream that is closed both ways, reset or released.</summary>
    internal void RemoveStream(YamuxStream stream)
    {
        lock (_gate)
        {
            if (!_streams.Remove(stream.Id, out YamuxStream? removed) || removed != stream)
            {
                return;
            }

            if (IsInbound(stream.Id))
            {
                _inbound--;
            }
            else
            {
                _outbound--;
            }
        }

        CloseIfDrained();
    }

    private bool IsInbound(uint id) => (id % 2 == 1) != _isClient;
}
