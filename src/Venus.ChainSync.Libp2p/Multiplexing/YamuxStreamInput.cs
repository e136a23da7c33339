using System.Buffers;
using System.IO.Pipelines;

namespace Venus.ChainSync.Libp2p.Multiplexing;

/// <summary>
/// A stream's <see cref="YamuxStream.Input"/>: the buffer pipe's reader, counting what the application consumes so
/// the stream can grant the window again.
/// </summary>
internal sealed class YamuxStreamInput : PipeReader
{
    private readonly YamuxStream _stream;
    private readonly PipeReader _inner;
    private ReadOnlySequence<byte> _lastBuffer;

    /// <summary>Wraps <paramref name="inner"/> for <paramref name="stream"/>.</summary>
    public YamuxStreamInput(YamuxStream stream, PipeReader inner)
    {
        _stream = stream;
        _inner = inner;
    }

    /// <inheritdoc />
    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        ReadResult result = await _inner.ReadAsync(cancellationToken).ConfigureAwait(false);
        _lastBuffer = result.Buffer;
        return result;
    }

    /// <inheritdoc />
    public override bool TryRead(out ReadResult result)
    {
        if (!_inner.TryRead(out result))
        {
            return false;
        }

        _lastBuffer = result.Buffer;
        return true;
    }

    /// <inheritdoc />
    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    /// <inheritdoc />
    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        long count = _lastBuffer.Slice(_lastBuffer.Start, consumed).Length;
        _lastBuffer = default;
        _inner.AdvanceTo(consumed, examined);
        _stream.OnConsumed(count);
    }

    /// <inheritdoc />
    public override void CancelPendingRead() => _inner.CancelPendingRead();

    /// <inheritdoc />
    public override void Complete(Exception? exception = null)
    {
        _inner.Complete(exception);
        _stream.OnReaderCompleted();
    }
}
