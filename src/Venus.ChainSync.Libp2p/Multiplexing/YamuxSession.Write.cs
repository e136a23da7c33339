using System.Buffers;
using System.IO.Pipelines;

namespace Venus.ChainSync.Libp2p.Multiplexing;

/// <summary>The write loop: the only code that writes to the connection.</summary>
internal sealed partial class YamuxSession
{
    // Frames are copied into the connection's buffer and flushed in batches of about this much.
    private const int FlushBatchBytes = 256 * 1024;

    // The write loop's pending wait on each queue (write loop only).
    private Task<bool>? _controlWait;
    private Task<bool>? _dataWait;

    private async Task WriteLoopAsync()
    {
        PipeWriter output = _connection.Output;
        var written = new List<TaskCompletionSource>();
        try
        {
            while (await WaitForFrameAsync().ConfigureAwait(false))
            {
                long batched = 0;
                while (batched < FlushBatchBytes && TryDequeue(out YamuxOutgoingFrame frame))
                {
                    if (frame.Written is { } done && IsClosed)
                    {
                        // Data for a session that has ended is never sent: its stream is already failed.
                        done.TrySetException(new IOException($"{ProtocolId}: the session has ended", _closeReason));
                        continue;
                    }

                    frame.Header.Write(output.GetSpan(YamuxHeader.Size));
                    output.Advance(YamuxHeader.Size);
                    if (!frame.Payload.IsEmpty)
                    {
                        output.Write(frame.Payload.Span);
                    }

                    batched += YamuxHeader.Size + frame.Payload.Length;
                    if (frame.Written is { } pending)
                    {
                        written.Add(pending);
                    }
                }

                SignalControlDrained();
                if (batched > 0)
                {
                    // go-yamux ConnectionWriteTimeout: a connection that takes this long to drain is presumed dead.
                    using var timeout = new CancellationTokenSource(Options.WriteTimeout, Time);
                    FlushResult flushed = await output.FlushAsync(timeout.Token).ConfigureAwait(false);
                    if (flushed.IsCompleted)
                    {
                        throw new IOException($"{ProtocolId}: the connection no longer accepts data");
                    }
                }

                foreach (TaskCompletionSource pending in written)
                {
                    pending.TrySetResult();
                }

                written.Clear();
            }
        }
        catch (OperationCanceledException ex)
        {
            Close(new IOException($"{ProtocolId}: the connection took longer than {Options.WriteTimeout} to accept a write", ex), null);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            YamuxLog.ConnectionFailed(_logger, ex);
            Close(ex as IOException ?? new IOException($"{ProtocolId}: writing the connection failed", ex), null);
        }
#pragma warning disable CA1031 // A bug here must still end the session cleanly rather than leave it half alive.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            YamuxLog.LoopFailed(_logger, ex);
            Close(new IOException($"{ProtocolId}: the write loop failed", ex), null);
        }
        finally
        {
            FailUnsent(written);
        }
    }

    /// <summary>Waits until a frame is queued; false once both queues are completed and empty.</summary>
    private async ValueTask<bool> WaitForFrameAsync()
    {
        while (true)
        {
            if (_control.Reader.TryPeek(out _) || _data.Reader.TryPeek(out _))
            {
                return true;
            }

            bool controlOpen = !_control.Reader.Completion.IsCompleted;
            bool dataOpen = !_data.Reader.Completion.IsCompleted;
            if (!controlOpen && !dataOpen)
            {
                return false;
            }

            // One wait per queue is kept until it fires: asking a channel again while its last wait is pending
            // would register another waiter each time, and a queue that stays empty would collect them.
            if (controlOpen)
            {
                _controlWait ??= _control.Reader.WaitToReadAsync().AsTask();
            }

            if (dataOpen)
            {
                _dataWait ??= _data.Reader.WaitToReadAsync().AsTask();
            }

            // Only the queues still open are waited on, so a completed one does not make this spin.
            if (controlOpen && dataOpen)
            {
                await Task.WhenAny(_controlWait!, _dataWait!).ConfigureAwait(false);
            }
            else
            {
                await (controlOpen ? _controlWait! : _dataWait!).ConfigureAwait(false);
            }

            if (_controlWait is { IsCompleted: true })
            {
                _controlWait = null;
            }

            if (_dataWait is { IsCompleted: true })
            {
                _dataWait = null;
            }
        }
    }

    private void SignalControlDrained()
    {
        if (Volatile.Read(ref _controlDrained) is null || _control.Reader.Count >= ControlQueueCapacity / 2)
        {
            return;
        }

        lock (_gate)
        {
            _controlDrained?.TrySetResult();
            _controlDrained = null;
        }
    }

    // Control frames first, so pongs, window updates and resets never wait behind bulk data (as go-yamux's sendLoop
    // puts pings first).
    private bool TryDequeue(out YamuxOutgoingFrame frame) =>
        _control.Reader.TryRead(out frame) || _data.Reader.TryRead(out frame);

    private void FailUnsent(List<TaskCompletionSource> written)
    {
        var failure = new IOException($"{ProtocolId}: the session ended before the data was sent", _closeReason);
        foreach (TaskCompletionSource pending in written)
        {
            pending.TrySetException(failure);
        }

        // Nothing more will be written: make sure no writer waits on a frame left in a queue.
        _control.Writer.TryComplete();
        _data.Writer.TryComplete();
        while (_data.Reader.TryRead(out YamuxOutgoingFrame frame))
        {
            frame.Written?.TrySetException(failure);
        }

        while (_control.Reader.TryRead(out _))
        {
        }
    }
}
