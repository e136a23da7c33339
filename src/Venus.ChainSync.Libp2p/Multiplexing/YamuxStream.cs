using System.IO.Pipelines;

namespace Venus.ChainSync.Libp2p.Multiplexing;

/// <summary>
/// One Yamux stream: a duplex pipe whose each direction is flow-controlled by a window (spec.md, "Flow Control").
/// <see cref="Input"/> holds at most the window this side granted; <see cref="Output"/>'s flushes wait while the
/// peer's window is used up and never send past it.
/// </summary>
/// <remarks>A stream closed both ways (FIN sent and received), reset either way, or disposed is removed from its
/// session. Disposing, as go-yamux's Close, sends FIN and stops reading; data the peer sends after it is
/// discarded by the session.</remarks>
internal sealed partial class YamuxStream : IDuplexPipe, IAsyncDisposable
{
    private readonly YamuxSession _session;
    private readonly Lock _gate = new();
    private readonly YamuxStreamInput _input;
    private readonly YamuxStreamOutput _output;
    private Exception? _failure;
    private bool _finSent;
    private bool _finReceived;
    private bool _removed;

    /// <summary>Creates a stream of <paramref name="session"/>; both windows start at the spec's 256 KiB.</summary>
    internal YamuxStream(YamuxSession session, uint id)
    {
        _session = session;
        Id = id;
        _recvWindow = session.Options.InitialWindow;
        _recvCredit = YamuxOptions.SpecInitialWindow;
        _sendWindow = YamuxOptions.SpecInitialWindow;
        _epochStart = session.Time.GetTimestamp();
        _inbound = new Pipe(new PipeOptions(
            pauseWriterThreshold: 0, // the receive window bounds what is buffered, so the read loop never waits here
            resumeWriterThreshold: 0,
            useSynchronizationContext: false));
        _input = new YamuxStreamInput(this, _inbound.Reader);
        _output = new YamuxStreamOutput(this);
    }

    /// <summary>The stream id (odd when the client opened it, even when the server did).</summary>
    public uint Id { get; }

    /// <summary>What the peer sends; ends at its FIN and fails with <see cref="IOException"/> on reset.</summary>
    public PipeReader Input => _input;

    /// <summary>What this side sends. Flushes wait, asynchronously, while the peer's window is used up; completing
    /// it (<c>CompleteAsync</c>) flushes and sends FIN; completing with an exception resets the stream.</summary>
    public PipeWriter Output => _output;

    /// <summary>Whether the stream has been reset (either side) or its session has ended.</summary>
    internal bool IsReset
    {
        get
        {
            lock (_gate)
            {
                return _failure is not null;
            }
        }
    }

    /// <summary>Flushes what <see cref="Output"/> holds and half-closes this direction (FIN). The peer may go on
    /// sending. Does nothing if FIN was already sent.</summary>
    /// <exception cref="IOException">The stream was reset or its session ended.</exception>
    public async ValueTask CompleteWritingAsync(CancellationToken cancellationToken)
    {
        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            if (_failure is not null)
            {
                throw _failure;
            }

            if (_finSent)
            {
                return;
            }

            _finSent = true;
        }

        // All data frames are written (the flush waited for them), so FIN, queued with priority, cannot overtake them.
        await _session.EnqueueControlAsync(new YamuxHeader(YamuxFrameType.WindowUpdate, YamuxFlags.Fin, Id, 0), cancellationToken)
            .ConfigureAwait(false);
        RemoveIfDone();
    }

    /// <summary>Half-closes this direction without waiting (synchronous <see cref="PipeWriter.Complete"/>): FIN
    /// follows whatever was flushed.</summary>
    internal void SendFinWithoutWaiting()
    {
        lock (_gate)
        {
            if (_failure is not null || _finSent)
            {
                return;
            }

            _finSent = true;
        }

        _session.EnqueueControl(new YamuxHeader(YamuxFrameType.WindowUpdate, YamuxFlags.Fin, Id, 0));
        RemoveIfDone();
    }

    /// <summary>Resets the stream (RST): both directions fail from now on, here and at the peer.</summary>
    /// <param name="reason">Why, for the exception this side's readers and writers see.</param>
    public void Abort(Exception? reason)
    {
        bool sendReset;
        lock (_gate)
        {
            if (_failure is not null)
            {
                return;
            }

            sendReset = !(_finSent && _finReceived);
            Fail(new IOException($"{YamuxSession.ProtocolId}: stream {Id} was reset by this side", reason));
        }

        if (sendReset)
        {
            _session.EnqueueControl(new YamuxHeader(YamuxFrameType.WindowUpdate, YamuxFlags.Rst, Id, 0));
        }

        Remove();
    }

    /// <summary>Sends FIN if not yet sent (waiting at most <see cref="YamuxOptions.StreamCloseTimeout"/> for the
    /// data before it to fit the peer's window, else resetting), stops reading and leaves the session. Never
    /// throws.</summary>
    public async ValueTask DisposeAsync()
    {
        bool needFin;
        lock (_gate)
        {
            needFin = _failure is null && !_finSent;
        }

        if (needFin)
        {
            using var timeout = new CancellationTokenSource(_session.Options.StreamCloseTimeout, _session.Time);
            try
            {
                await CompleteWritingAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex)
            {
                Abort(ex);
            }
            catch (IOException)
            {
                // Reset or session gone: nothing left to close.
            }
        }

        await _input.CompleteAsync().ConfigureAwait(false);
        _output.ReleaseBuffer();
        Remove();
    }

    /// <summary>The window update that opens (SYN) or accepts (ACK) this stream, granting what
    /// <see cref="YamuxOptions.InitialWindow"/> adds to the spec's 256 KiB.</summary>
    internal YamuxHeader OpeningHeader(YamuxFlags flags)
    {
        uint extra = _session.Options.InitialWindow - YamuxOptions.SpecInitialWindow;
        lock (_gate)
        {
            _recvCredit += extra;
        }

        return new YamuxHeader(YamuxFrameType.WindowUpdate, flags, Id, extra);
    }

    /// <summary>The peer reset the stream (read loop).</summary>
    internal void OnRemoteReset()
    {
        lock (_gate)
        {
            if (_failure is not null)
            {
                return;
            }

            Fail(new IOException($"{YamuxSession.ProtocolId}: stream {Id} was reset by the peer"));
        }

        Remove();
    }

    /// <summary>The peer half-closed its direction (read loop, after the frame's payload).</summary>
    internal void OnRemoteFin()
    {
        lock (_gate)
        {
            if (_failure is not null || _finReceived)
            {
                return;
            }

            _finReceived = true;
            _inbound.Writer.Complete();
        }

        RemoveIfDone();
    }

    /// <summary>The session ended: everything fails; the session has already forgotten the stream.</summary>
    internal void OnSessionClosed(Exception failure)
    {
        lock (_gate)
        {
            _removed = true;
            ReleaseWindowGrowth();
            if (_failure is null)
            {
                Fail(failure);
            }
        }
    }

    /// <summary>Records the failure, fails the reader and wakes a waiting writer. Under the lock.</summary>
    private void Fail(Exception failure)
    {
        _failure = failure;
        _inbound.Writer.Complete(failure);
        WakeWriter();
    }

    private void RemoveIfDone()
    {
        lock (_gate)
        {
            if (!(_finSent && _finReceived))
            {
                return;
            }
        }

        Remove();
    }

    private void Remove()
    {
        lock (_gate)
        {
            if (_removed)
            {
                return;
            }

            _removed = true;
            ReleaseWindowGrowth();
        }

        _session.RemoveStream(this);
    }
}
