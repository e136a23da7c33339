using System.Buffers;
using System.IO.Pipelines;

namespace Venus.ChainSync.Testing.Relay;

/// <summary>
/// The receiver's input of a relayed stream: the lane's pipe, plus what a plain pipe cannot say. It reports consumed
/// bytes to the lane (flow control) and turns an in-band reset into "the bytes delivered before it, then failure".
/// </summary>
/// <remarks>
/// A reset that arrived in band completes the pipe normally; the read that would report the end instead fails once
/// the reader has examined everything (a read with nothing new since the last <see cref="AdvanceTo(SequencePosition, SequencePosition)"/>
/// that examined it all). Until then reads return the remaining bytes as not completed.
/// </remarks>
internal sealed class RelayReader : PipeReader
{
    private readonly RelayLane _lane;
    private readonly PipeReader _inner;
    private ReadOnlySequence<byte> _last;
    private bool _examinedAll;
    private long _leftAfterAdvance;

    internal RelayReader(RelayLane lane, PipeReader inner)
    {
        _lane = lane;
        _inner = inner;
    }

    /// <inheritdoc/>
    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        ReadResult result = await _inner.ReadAsync(cancellationToken).ConfigureAwait(false);
        return Filter(result);
    }

    /// <inheritdoc/>
    public override bool TryRead(out ReadResult result)
    {
        if (!_inner.TryRead(out ReadResult inner))
        {
            result = default;
            return false;
        }

        result = Filter(inner);
        return true;
    }

    /// <inheritdoc/>
    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    /// <inheritdoc/>
    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        long consumedBytes = _last.Slice(_last.Start, consumed).Length;
        _leftAfterAdvance = _last.Length - consumedBytes;
        _examinedAll = _last.Slice(examined).IsEmpty;
        _inner.AdvanceTo(consumed, examined);
        _lane.OnConsumed(consumedBytes);
    }

    /// <inheritdoc/>
    public override void CancelPendingRead() => _inner.CancelPendingRead();

    /// <inheritdoc/>
    public override void Complete(Exception? exception = null)
    {
        _inner.Complete(exception);
        _lane.OnReceiverCompleted();
    }

    private ReadResult Filter(ReadResult result)
    {
        if (_lane.AbortedWith is IOException aborted)
        {
            _inner.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            throw aborted;
        }

        if (result.IsCompleted && _lane.ResetWith is IOException reset)
        {
            bool nothingNew = result.Buffer.IsEmpty || (_examinedAll && result.Buffer.Length == _leftAfterAdvance);
            if (nothingNew)
            {
                _inner.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                throw reset;
            }

            result = new ReadResult(result.Buffer, result.IsCanceled, isCompleted: false);
        }

        _last = result.Buffer;
        return result;
    }
}
