namespace Venus.ChainSync.Libp2p.Multiplexing;

/// <summary>The send direction: the peer's window and the frames cut to fit it.</summary>
internal sealed partial class YamuxStream
{
    // Bytes the peer still accepts (starts at the spec's 256 KiB; grown by its window updates), and the writer
    // waiting for it to become non-zero. Under the lock.
    private long _sendWindow;
    private TaskCompletionSource? _windowWaiter;

    /// <summary>Adds a window update's delta (read loop); false if the window would pass 2^32-1, which no honest
    /// peer grants (spec.md's window is a u32).</summary>
    internal bool AddSendWindow(uint delta)
    {
        lock (_gate)
        {
            if (_sendWindow + delta > uint.MaxValue)
            {
                return false;
            }

            _sendWindow += delta;
            if (delta > 0)
            {
                WakeWriter();
            }

            return true;
        }
    }

    /// <summary>Sends the start of <paramref name="data"/> as one data frame no larger than the peer's window and
    /// <see cref="YamuxOptions.MaxFramePayload"/>, first waiting while the window is used up. Returns the bytes
    /// taken and a task that completes once the frame is written to the connection: until then the write loop
    /// reads <paramref name="data"/>, so the caller must not reuse it.</summary>
    /// <exception cref="IOException">The stream was reset, FIN was sent, or the session ended.</exception>
    internal async ValueTask<(int Sent, Task Written)> SendFrameAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (true)
        {
            int chunk;
            Task? windowOpened = null;
            lock (_gate)
            {
                if (_failure is not null)
                {
                    throw new IOException(_failure.Message, _failure);
                }

                if (_finSent)
                {
                    throw new IOException($"{YamuxSession.ProtocolId}: stream {Id} is closed for writing");
                }

                chunk = (int)Math.Min(Math.Min(_sendWindow, data.Length), _session.Options.MaxFramePayload);
                if (chunk == 0)
                {
                    _windowWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    windowOpened = _windowWaiter.Task;
                }
                else
                {
                    _sendWindow -= chunk;
                }
            }

            if (windowOpened is not null)
            {
                await windowOpened.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var header = new YamuxHeader(YamuxFrameType.Data, YamuxFlags.None, Id, (uint)chunk);
            try
            {
                await _session.EnqueueDataAsync(new YamuxOutgoingFrame(header, data[..chunk], written), cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Never queued, so never sent: the window it took is still the peer's to give.
                lock (_gate)
                {
                    _sendWindow += chunk;
                }

                throw;
            }

            return (chunk, written.Task);
        }
    }

    /// <summary>Wakes the writer waiting for window (or for the failure). Under the lock.</summary>
    private void WakeWriter()
    {
        _windowWaiter?.TrySetResult();
        _windowWaiter = null;
    }
}
