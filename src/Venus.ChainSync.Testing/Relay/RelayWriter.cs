using System.Buffers;
using System.IO.Pipelines;

namespace Venus.ChainSync.Testing.Relay;

/// <summary>
/// The sender's output of a relayed stream: buffers written bytes and hands them to the lane on flush, where they
/// are stamped with the time (on the sender's thread, so a test that flushes and then advances a fake clock is
/// always covered).
/// </summary>
internal sealed class RelayWriter : PipeWriter
{
    private readonly RelayLane _lane;
    private readonly ArrayBufferWriter<byte> _buffer = new();
    private bool _completed;

    internal RelayWriter(RelayLane lane) => _lane = lane;

    /// <inheritdoc/>
    public override bool CanGetUnflushedBytes => true;

    /// <inheritdoc/>
    public override long UnflushedBytes => _buffer.WrittenCount;

    /// <inheritdoc/>
    public override void Advance(int bytes)
    {
        ThrowIfCompleted();
        _buffer.Advance(bytes);
    }

    /// <inheritdoc/>
    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        ThrowIfCompleted();
        return _buffer.GetMemory(sizeHint);
    }

    /// <inheritdoc/>
    public override Span<byte> GetSpan(int sizeHint = 0)
    {
        ThrowIfCompleted();
        return _buffer.GetSpan(sizeHint);
    }

    /// <inheritdoc/>
    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfCompleted();
        cancellationToken.ThrowIfCancellationRequested();
        return _lane.FlushAsync(TakeBuffered(), cancellationToken);
    }

    /// <inheritdoc/>
    public override void CancelPendingFlush() => _lane.CancelPendingFlush();

    /// <inheritdoc/>
    public override void Complete(Exception? exception = null)
    {
        if (_completed)
        {
            return;
        }

        // As with a Pipe, completing commits what was written and not flushed.
        _completed = true;
        _lane.CompleteSending(TakeBuffered(), exception);
    }

    /// <summary>Sends what is buffered, then a reset behind it; the writer is done.</summary>
    internal void ResetAfterWritten()
    {
        if (_completed)
        {
            _lane.ResetInBand([]);
            return;
        }

        _completed = true;
        _lane.ResetInBand(TakeBuffered());
    }

    private byte[] TakeBuffered()
    {
        if (_buffer.WrittenCount == 0)
        {
            return [];
        }

        byte[] bytes = _buffer.WrittenSpan.ToArray();
        _buffer.ResetWrittenCount();
        return bytes;
    }

    private void ThrowIfCompleted()
    {
        if (_completed)
        {
            throw new InvalidOperationException("Writing is not allowed after the writer was completed.");
        }
    }
}
