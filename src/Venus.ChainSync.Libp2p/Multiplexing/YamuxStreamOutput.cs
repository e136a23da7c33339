using System.Buffers;
using System.IO.Pipelines;

namespace Venus.ChainSync.Libp2p.Multiplexing;

/// <summary>
/// A stream's <see cref="YamuxStream.Output"/>: bytes collect in a pooled buffer and go out as data frames on flush,
/// straight from that buffer (the write loop copies them once, into the connection). A flush completes when every
/// byte is written, which needs the peer's window: while it is used up, the flush waits.
/// </summary>
/// <remarks>Synchronous <see cref="Complete"/> cannot wait for the window, so it sends FIN after what was already
/// flushed and drops the rest; <see cref="CompleteAsync"/> flushes first.</remarks>
internal sealed class YamuxStreamOutput : PipeWriter
{
    private const int MinimumBufferSize = 4096;

    private readonly YamuxStream _stream;
    private readonly Lock _cancelGate = new();
    private byte[] _buffer = [];
    private int _written;
    private CancellationTokenSource? _flushCancel;
    private bool _completed;

    /// <summary>Creates the writer of <paramref name="stream"/>.</summary>
    public YamuxStreamOutput(YamuxStream stream)
    {
        _stream = stream;
    }

    /// <inheritdoc />
    public override bool CanGetUnflushedBytes => true;

    /// <inheritdoc />
    public override long UnflushedBytes => _written;

    /// <inheritdoc />
    public override void Advance(int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (bytes > _buffer.Length - _written)
        {
            throw new InvalidOperationException("Advanced past the memory handed out.");
        }

        _written += bytes;
    }

    /// <inheritdoc />
    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsMemory(_written);
    }

    /// <inheritdoc />
    public override Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsSpan(_written);
    }

    /// <inheritdoc />
    public override void CancelPendingFlush()
    {
        lock (_cancelGate)
        {
            _flushCancel?.Cancel();
        }
    }

    /// <inheritdoc />
    public override async ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_written == 0)
        {
            return new FlushResult(isCanceled: false, isCompleted: false);
        }

        var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        lock (_cancelGate)
        {
            _flushCancel = cancel;
        }

        int sent = 0;
        Task? lastWritten = null;
        try
        {
            while (sent < _written)
            {
                (int chunk, Task written) = await _stream.SendFrameAsync(_buffer.AsMemory(sent, _written - sent), cancel.Token)
                    .ConfigureAwait(false);
                sent += chunk;
                lastWritten = written;
            }

            return new FlushResult(isCanceled: false, isCompleted: false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // CancelPendingFlush: what was not sent stays buffered for the next flush.
            return new FlushResult(isCanceled: true, isCompleted: false);
        }
        finally
        {
            lock (_cancelGate)
            {
                _flushCancel = null;
            }

            cancel.Dispose();

            // Frames are written in order, so the last written means all were; waited for even when cancelled, as
            // the write loop reads the buffer until then (it completes or fails every frame it takes).
            if (lastWritten is not null)
            {
                await lastWritten.ConfigureAwait(false);
            }

            _buffer.AsSpan(sent, _written - sent).CopyTo(_buffer);
            _written -= sent;
        }
    }

    /// <inheritdoc />
    public override void Complete(Exception? exception = null)
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        if (exception is not null)
        {
            _stream.Abort(exception);
        }
        else
        {
            _written = 0;
            _stream.SendFinWithoutWaiting();
        }
    }

    /// <inheritdoc />
    public override async ValueTask CompleteAsync(Exception? exception = null)
    {
        if (_completed)
        {
            return;
        }

        if (exception is not null)
        {
            Complete(exception);
            return;
        }

        _completed = true;
        try
        {
            await _stream.CompleteWritingAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // Reset or session gone: the stream's readers already see why.
        }
    }

    /// <summary>Returns the buffer to the pool (on dispose, once no flush is running).</summary>
    internal void ReleaseBuffer()
    {
        byte[] buffer = _buffer;
        _buffer = [];
        _written = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Reserve(int sizeHint)
    {
        int needed = _written + Math.Max(sizeHint, 1);
        if (needed <= _buffer.Length)
        {
            return;
        }

        byte[] grown = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(MinimumBufferSize, _buffer.Length * 2)));
        _buffer.AsSpan(0, _written).CopyTo(grown);
        byte[] old = _buffer;
        _buffer = grown;
        if (old.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(old);
        }
    }
}
