using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;

namespace Venus.ChainSync.Testing.Relay;

/// <summary>
/// One direction of a relayed stream: the sender's flushes become frames stamped with the time they were sent, and
/// a timer on the network's clock moves each frame's bytes into the receiver's pipe when they are due.
/// </summary>
/// <remarks>
/// <para>Everything happens synchronously, under the relay's lock: a flush stamps its bytes and delivers those due at
/// once, and the timer callback delivers the rest. With a <c>FakeTimeProvider</c> the callback runs inside
/// <c>Advance</c>, so every byte due by the new time is in the receiver's pipe when <c>Advance</c> returns; there is
/// no pump task whose progress a test would have to wait for. Deadlines are absolute (computed from the frame's
/// stamp), and the timer is re-armed from inside the callback, so one large <c>Advance</c> delivers everything due.</para>
/// <para>Flow control: the sender's flush waits while the bytes in flight plus those delivered and not yet
/// consumed by the receiver reach the stream buffer size, as a transport's window would make it; the receiver's
/// pipe itself never pushes back (delivery must not block a timer callback).</para>
/// </remarks>
internal sealed class RelayLane
{
    /// <summary>Bandwidth-paced bytes arrive in chunks of this fraction of a second's worth.</summary>
    private const int ChunksPerSecond = 100;

    /// <summary>System timers reject due times past about 49 days; a lane waits in steps of this at most.</summary>
    private static readonly TimeSpan MaxTimerDelay = TimeSpan.FromDays(30);

    private readonly StreamRelay _relay;
    private readonly LinkFaults _faults;
    private readonly long _pauseBytes;
    private readonly long _resumeBytes;
    private readonly Pipe _delivered = new(new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0, useSynchronizationContext: false));
    private readonly Queue<Frame> _queue = new();
    private ITimer? _timer;
    private TimeSpan _wireFreeAt;
    private long _inFlightBytes;
    private long _unconsumedBytes;
    private long _carriedBytes;
    private bool _armed;
    private bool _closed;
    private bool _senderDone;
    private bool _receiverGone;
    private bool _cancelNextFlush;
    private IOException? _failure;
    private IOException? _resetSent;
    private TaskCompletionSource<bool>? _flushWaiter;
    private volatile IOException? _abortedWith;
    private volatile IOException? _resetWith;

    internal RelayLane(StreamRelay relay, LinkFaults faults, long bufferBytes)
    {
        _relay = relay;
        _faults = faults;
        _pauseBytes = bufferBytes;
        _resumeBytes = bufferBytes / 2;
        Reader = new RelayReader(this, _delivered.Reader);
        Writer = new RelayWriter(this);
    }

    private enum FrameKind
    {
        Data,
        End,
        Reset,
    }

    /// <summary>The receiver's end.</summary>
    internal RelayReader Reader { get; }

    /// <summary>The sender's end.</summary>
    internal RelayWriter Writer { get; }

    /// <summary>Set when the stream was aborted: reads fail at once, whatever is buffered.</summary>
    internal IOException? AbortedWith => _abortedWith;

    /// <summary>Set when the stream was reset in band: reads return what was delivered, then fail.</summary>
    internal IOException? ResetWith => _resetWith;

    private object Gate => _relay.Gate;

    /// <summary>Stamps and queues flushed bytes, then waits (when the window is full) for the receiver to consume.</summary>
    internal ValueTask<FlushResult> FlushAsync(byte[] data, CancellationToken cancellationToken)
    {
        Task<bool> wait;
        lock (Gate)
        {
            ThrowIfCannotSend();
            if (_receiverGone || _closed)
            {
                return new ValueTask<FlushResult>(new FlushResult(TakeFlushCancel(), isCompleted: true));
            }

            if (data.Length > 0)
            {
                // A reset-after-bytes rule may cut the stream right here; this flush then fails like any later one.
                Enqueue(FrameKind.Data, data, error: null);
                ThrowIfCannotSend();
            }

            if (TakeFlushCancel())
            {
                return new ValueTask<FlushResult>(new FlushResult(isCanceled: true, isCompleted: false));
            }

            if (_inFlightBytes + _unconsumedBytes < _pauseBytes)
            {
                return new ValueTask<FlushResult>(new FlushResult(isCanceled: false, isCompleted: false));
            }

            _flushWaiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            wait = _flushWaiter.Task;
        }

        return WaitForWindowAsync(wait, cancellationToken);
    }

    /// <summary>Queues the last bytes and the end of the stream (with the writer's error, if any).</summary>
    internal void CompleteSending(byte[] rest, Exception? error)
    {
        lock (Gate)
        {
            if (_senderDone || _failure is not null || _receiverGone || _closed)
            {
                _senderDone = true;
                return;
            }

            if (rest.Length > 0)
            {
                Enqueue(FrameKind.Data, rest, error: null);
            }

            _senderDone = true;
            if (_failure is null)
            {
                Enqueue(FrameKind.End, [], error);
            }
        }
    }

    /// <summary>
    /// Queues <paramref name="rest"/> and then a reset, which travels like data: the receiver reads everything sent
    /// before it, then its reads fail. Sending is over at once.
    /// </summary>
    internal void ResetInBand(byte[] rest)
    {
        lock (Gate)
        {
            if (_failure is not null || _closed)
            {
                return;
            }

            if (!_senderDone && !_receiverGone && rest.Length > 0)
            {
                Enqueue(FrameKind.Data, rest, error: null);
            }

            _senderDone = true;
            _resetSent = new IOException("stream reset");
            if (_failure is null)
            {
                Enqueue(FrameKind.Reset, [], error: null);
            }
        }
    }

    /// <summary>Pipe semantics of <c>CancelPendingFlush</c>: the pending flush, or else the next, returns canceled.</summary>
    internal void CancelPendingFlush()
    {
        lock (Gate)
        {
            if (_flushWaiter is not null)
            {
                ReleaseFlushWaiter(canceled: true);
            }
            else
            {
                _cancelNextFlush = true;
            }
        }
    }

    /// <summary>The receiver consumed <paramref name="bytes"/>: the window opens.</summary>
    internal void OnConsumed(long bytes)
    {
        if (bytes == 0)
        {
            return;
        }

        lock (Gate)
        {
            _unconsumedBytes -= bytes;
            if (_flushWaiter is not null && _inFlightBytes + _unconsumedBytes < _resumeBytes)
            {
                ReleaseFlushWaiter(canceled: false);
            }
        }
    }

    /// <summary>The receiver completed its reader: bytes in flight are dropped and later flushes report completion.</summary>
    internal void OnReceiverCompleted()
    {
        lock (Gate)
        {
            _receiverGone = true;
            DropInFlight();
            ReleaseFlushWaiter(canceled: false);
            Disarm();
        }
    }

    /// <summary>
    /// Fails the lane; called under the lock. Graceful (a reset that arrived in band): the receiver keeps the bytes
    /// already delivered and fails after them. Otherwise (an abort): the receiver fails at once.
    /// </summary>
    internal void Fail(IOException reset, bool graceful)
    {
        Debug.Assert(Monitor.IsEntered(Gate), "the relay lock is held");
        if (_failure is not null)
        {
            return;
        }

        _failure = reset;
        DropInFlight();
        if (graceful)
        {
            _resetWith = reset;
            _delivered.Writer.Complete();
        }
        else
        {
            _abortedWith = reset;
            _delivered.Writer.Complete(reset);
            _delivered.Reader.CancelPendingRead();
        }

        ReleaseFlushWaiter(canceled: false);
        Disarm();
    }

    /// <summary>Releases the timer for good; called under the lock once nobody can use the lane.</summary>
    internal void Close()
    {
        Debug.Assert(Monitor.IsEntered(Gate), "the relay lock is held");
        _closed = true;
        DropInFlight();
        ReleaseFlushWaiter(canceled: false);
        Disarm();
        _timer?.Dispose();
        _timer = null;
    }

    private async ValueTask<FlushResult> WaitForWindowAsync(Task<bool> wait, CancellationToken cancellationToken)
    {
        bool canceled = await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (Gate)
        {
            ThrowIfCannotSend();
            return new FlushResult(canceled, isCompleted: _receiverGone || _closed);
        }
    }

    private void ThrowIfCannotSend()
    {
        if ((_failure ?? _resetSent) is IOException reset)
        {
            throw reset;
        }

        if (_senderDone)
        {
            throw new InvalidOperationException("Writing is not allowed after the writer was completed.");
        }
    }

    private bool TakeFlushCancel()
    {
        bool cancel = _cancelNextFlush;
        _cancelNextFlush = false;
        return cancel;
    }

    private void Enqueue(FrameKind kind, byte[] data, Exception? error)
    {
        TimeSpan now = _relay.Now;
        TimeSpan start = now > _wireFreeAt ? now : _wireFreeAt;
        if (kind == FrameKind.Data && _faults.BytesPerSecond > 0)
        {
            _wireFreeAt = start + WireTime(data.Length);
        }

        _queue.Enqueue(new Frame(kind, data, start, error));
        _inFlightBytes += data.Length;
        Pump(now);
    }

    private void OnTimer()
    {
        lock (Gate)
        {
            if (!_closed && _failure is null)
            {
                Pump(_relay.Now);
            }
        }
    }

    /// <summary>Delivers every frame (or part of one) due by <paramref name="now"/>, then arms the timer for the next.</summary>
    private void Pump(TimeSpan now)
    {
        while (_queue.TryPeek(out Frame? frame))
        {
            if (frame.Kind == FrameKind.Data)
            {
                int due = DueBytes(frame, now);
                if (due > frame.Sent)
                {
                    int count = due - frame.Sent;
                    if (_faults.ResetAfterBytes is long limit && _carriedBytes + count > limit)
                    {
                        Deliver(frame.Data.AsSpan(frame.Sent, (int)(limit - _carriedBytes)));
                        _relay.ResetGracefully(new IOException($"stream reset by the link after {limit} bytes"));
                        return;
                    }

                    Deliver(frame.Data.AsSpan(frame.Sent, count));
                    frame.Sent = due;
                }

                if (frame.Sent < frame.Data.Length)
                {
                    break;
                }

                _queue.Dequeue();
            }
            else
            {
                if (frame.Start + _faults.Latency > now)
                {
                    break;
                }

                _queue.Dequeue();
                if (frame.Kind == FrameKind.End)
                {
                    _delivered.Writer.Complete(frame.Error);
                }
                else
                {
                    _relay.ResetGracefully(new IOException("stream reset by the peer"));
                    return;
                }
            }
        }

        Arm(now);
    }

    private void Deliver(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }

        _delivered.Writer.Write(bytes);

        // The receiver's pipe never pauses its writer (pauseWriterThreshold 0), so the flush is always complete here.
        ValueTask<FlushResult> flush = _delivered.Writer.FlushAsync(CancellationToken.None);
        Debug.Assert(flush.IsCompletedSuccessfully, "an unbounded pipe flushes synchronously");
        _ = flush.Result;

        _carriedBytes += bytes.Length;
        _inFlightBytes -= bytes.Length;
        _unconsumedBytes += bytes.Length;
    }

    /// <summary>How many bytes of <paramref name="frame"/> have arrived by <paramref name="now"/>.</summary>
    private int DueBytes(Frame frame, TimeSpan now)
    {
        TimeSpan onWire = now - _faults.Latency - frame.Start;
        if (onWire < TimeSpan.Zero)
        {
            return 0;
        }

        if (_faults.BytesPerSecond == 0)
        {
            return frame.Data.Length;
        }

        Int128 carried = (Int128)onWire.Ticks * _faults.BytesPerSecond / TimeSpan.TicksPerSecond;
        return carried >= frame.Data.Length ? frame.Data.Length : (int)carried;
    }

    /// <summary>When the next chunk of the head frame is due.</summary>
    private TimeSpan NextDue(Frame frame)
    {
        if (frame.Kind != FrameKind.Data || _faults.BytesPerSecond == 0)
        {
            return frame.Start + _faults.Latency;
        }

        long chunk = Math.Max(1, _faults.BytesPerSecond / ChunksPerSecond);
        int target = (int)Math.Min(frame.Data.Length, frame.Sent + chunk);
        return frame.Start + WireTime(target) + _faults.Latency;
    }

    /// <summary>Time the wire takes to carry <paramref name="bytes"/>, rounded up to a tick.</summary>
    private TimeSpan WireTime(int bytes)
    {
        Int128 ticks = (((Int128)bytes * TimeSpan.TicksPerSecond) + _faults.BytesPerSecond - 1) / _faults.BytesPerSecond;
        return TimeSpan.FromTicks((long)ticks);
    }

    private void Arm(TimeSpan now)
    {
        if (_closed || !_queue.TryPeek(out Frame? head))
        {
            Disarm();
            return;
        }

        TimeSpan delay = NextDue(head) - now;
        Debug.Assert(delay > TimeSpan.Zero, "whatever was due has been delivered");
        if (delay > MaxTimerDelay)
        {
            delay = MaxTimerDelay;
        }

        _timer ??= _relay.Network.Time.CreateTimer(static state => ((RelayLane)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(delay, Timeout.InfiniteTimeSpan);
        SetArmed(true);
    }

    private void Disarm()
    {
        _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        SetArmed(false);
    }

    private void SetArmed(bool armed)
    {
        if (armed != _armed)
        {
            _armed = armed;
            _relay.Network.AdjustInFlight(armed ? 1 : -1);
        }
    }

    private void DropInFlight()
    {
        _queue.Clear();
        _inFlightBytes = 0;
    }

    private void ReleaseFlushWaiter(bool canceled)
    {
        _flushWaiter?.TrySetResult(canceled);
        _flushWaiter = null;
    }

    /// <summary>Bytes flushed together (or an end or reset marker), stamped with when the wire took them.</summary>
    private sealed class Frame(FrameKind kind, byte[] data, TimeSpan start, Exception? error)
    {
        public FrameKind Kind { get; } = kind;

        public byte[] Data { get; } = data;

        public TimeSpan Start { get; } = start;

        public Exception? Error { get; } = error;

        /// <summary>Bytes of <see cref="Data"/> already delivered.</summary>
        public int Sent { get; set; }
    }
}
