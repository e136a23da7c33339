using System.Buffers;
using System.IO.Pipelines;

namespace Venus.ChainSync.Libp2p.Multiplexing;

/// <summary>The receive direction: the window granted to the peer and the buffer it bounds.</summary>
internal sealed partial class YamuxStream
{
    // Received data the application has not consumed yet; written only by the read loop, under the lock.
    private readonly Pipe _inbound;

    // The window size this side aims to keep open (grows by auto-tuning), the bytes the peer may still send, the
    // bytes buffered, and the bytes consumed since the last window update. All under the lock.
    private uint _recvWindow;
    private long _recvCredit;
    private long _buffered;
    private long _consumedUnacked;
    private long _epochStart;
    private long _reservedGrowth;
    private bool _readerDone;

    /// <summary>Takes <paramref name="length"/> bytes from the window granted; false if the peer sends more than
    /// that (a protocol error, go-yamux ErrRecvWindowExceeded).</summary>
    internal bool TryReserveReceive(uint length)
    {
        lock (_gate)
        {
            if (length > _recvCredit)
            {
                return false;
            }

            _recvCredit -= length;
            return true;
        }
    }

    /// <summary>Hands a piece of a data frame's payload, already counted against the window, to the reader (read
    /// loop). Once the reader is done, the data is dropped and counted as consumed so the peer is not stalled.</summary>
    internal void Deliver(ReadOnlySequence<byte> data)
    {
        bool consumedAtOnce;
        lock (_gate)
        {
            if (_failure is not null || _finReceived)
            {
                return;
            }

            consumedAtOnce = _readerDone;
            if (!consumedAtOnce)
            {
                PipeWriter writer = _inbound.Writer;
                foreach (ReadOnlyMemory<byte> segment in data)
                {
                    writer.Write(segment.Span);
                }

                _buffered += data.Length;
                // The pipe never pauses (pauseWriterThreshold 0), so this flush is already complete: no wait
                // happens under the lock.
                ValueTask<FlushResult> flush = writer.FlushAsync(CancellationToken.None);
                System.Diagnostics.Debug.Assert(flush.IsCompleted, "an unthrottled pipe flushes synchronously");
                _ = flush.GetAwaiter().GetResult();
            }
        }

        if (consumedAtOnce)
        {
            OnConsumed(data.Length, buffered: false);
        }
    }

    /// <summary>The application consumed <paramref name="count"/> bytes: once half the window is consumed, grant it
    /// again (go-yamux segmentedBuffer.GrowTo), doubling the window up to <see cref="YamuxOptions.MaxStreamWindow"/>
    /// when the last grant was used up within four round trips (go-yamux Stream.sendWindowUpdate).</summary>
    internal void OnConsumed(long count, bool buffered = true)
    {
        if (count <= 0)
        {
            return;
        }

        uint delta;
        lock (_gate)
        {
            if (buffered)
            {
                _buffered -= count;
            }

            if (_failure is not null || _finReceived)
            {
                return;
            }

            _consumedUnacked += count;
            if (_consumedUnacked < _recvWindow / 2)
            {
                return;
            }

            long now = _session.Time.GetTimestamp();
            TimeSpan rtt = _session.RoundTripTime;
            uint max = _session.Options.MaxStreamWindow;
            if (rtt > TimeSpan.Zero && _session.Time.GetElapsedTime(_epochStart, now) < rtt * 4 && _recvWindow < max)
            {
                uint grown = (uint)Math.Min((long)_recvWindow * 2, max);
                if (_session.TryReserveWindowGrowth(grown - _recvWindow))
                {
                    _reservedGrowth += grown - _recvWindow;
                    _consumedUnacked += grown - _recvWindow;
                    _recvWindow = grown;
                }
            }

            _epochStart = now;
            delta = (uint)_consumedUnacked;
            _recvCredit += _consumedUnacked;
            _consumedUnacked = 0;
        }

        _session.EnqueueControl(new YamuxHeader(YamuxFrameType.WindowUpdate, YamuxFlags.None, Id, delta));
    }

    /// <summary>Gives the window growth this stream reserved back to the session, once it has ended. Under the
    /// lock.</summary>
    private void ReleaseWindowGrowth()
    {
        _session.ReleaseWindowGrowth(_reservedGrowth);
        _reservedGrowth = 0;
    }

    /// <summary>The application completed <see cref="Input"/>: what is buffered counts as consumed, and so will
    /// anything that still arrives.</summary>
    internal void OnReaderCompleted()
    {
        long buffered;
        lock (_gate)
        {
            if (_readerDone)
            {
                return;
            }

            _readerDone = true;
            buffered = _buffered;
        }

        OnConsumed(buffered);
    }
}
