using System.Buffers;
using System.IO.Pipelines;

namespace Venus.ChainSync.Libp2p.Multiplexing;

/// <summary>The read loop: frames from the connection to streams, pings and GoAway.</summary>
internal sealed partial class YamuxSession
{
    // Payload of the data frame being read, which may span many reads: the stream it goes to (null: discarded),
    // bytes still to come, and whether the frame carried FIN (applied once the payload is in). Read loop only.
    private YamuxStream? _payloadTarget;
    private long _payloadRemaining;
    private bool _payloadFin;

    // Set by the read loop when it waits for the control queue to drain; completed by the write loop.
    private TaskCompletionSource? _controlDrained;

    // Frames received so far; the keep-alive loop pings only when this has not moved for a whole interval.
    private long _framesReceived;

    private async Task ReadLoopAsync()
    {
        PipeReader input = _connection.Input;
        try
        {
            while (true)
            {
                ReadResult result = await input.ReadAsync(_stop.Token).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                SequencePosition consumed = ReadFrames(buffer, out bool needRoom);
                if (needRoom)
                {
                    // Stopped early with whole frames still buffered: hand them back unexamined, so the next read
                    // returns them at once.
                    input.AdvanceTo(consumed);
                    await WaitForControlRoomAsync().ConfigureAwait(false);
                    continue;
                }

                bool midFrame = _payloadRemaining > 0 || buffer.Slice(consumed).Length > 0;
                input.AdvanceTo(consumed, buffer.End);
                if (result.IsCompleted)
                {
                    Close(midFrame ? new IOException($"{ProtocolId}: the connection ended inside a frame") : null, null);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Closed from elsewhere; the reason is already recorded.
        }
        catch (Libp2pProtocolException ex)
        {
            YamuxLog.ProtocolViolation(_logger, ex);
            Close(ex, YamuxGoAwayCode.ProtocolError);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            YamuxLog.ConnectionFailed(_logger, ex);
            Close(ex as IOException ?? new IOException($"{ProtocolId}: reading the connection failed", ex), null);
        }
#pragma warning disable CA1031 // A bug here must still end the session cleanly rather than leave it half alive.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            YamuxLog.LoopFailed(_logger, ex);
            Close(new IOException($"{ProtocolId}: the read loop failed", ex), YamuxGoAwayCode.InternalError);
        }
    }

    /// <summary>Back-pressure on a peer that makes this side answer (pongs, resets) faster than it reads the
    /// answers: with the control queue full, reading waits until the write loop has drained half of it (or the write
    /// timeout ends the session), so nothing is dropped and nothing grows past the cap.</summary>
    private async ValueTask WaitForControlRoomAsync()
    {
        if (_control.Reader.Count < ControlQueueCapacity)
        {
            return;
        }

        Task drained;
        lock (_gate)
        {
            _controlDrained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            drained = _controlDrained.Task;
        }

        // Checked again after the waiter is published, so a drain in between is not missed.
        if (_control.Reader.Count >= ControlQueueCapacity)
        {
            await drained.WaitAsync(_stop.Token).ConfigureAwait(false);
        }
    }

    /// <summary>Handles every whole header and every payload byte in <paramref name="buffer"/>; returns where the
    /// first incomplete header starts, or, with <paramref name="needRoom"/> set, the first header left unread
    /// because the control queue is full.</summary>
    private SequencePosition ReadFrames(ReadOnlySequence<byte> buffer, out bool needRoom)
    {
        needRoom = false;
        Span<byte> headerBytes = stackalloc byte[YamuxHeader.Size];
        // Once closed (by a GoAway read just now, say), the rest of the buffer is left unread.
        while (!_stop.IsCancellationRequested)
        {
            if (_payloadRemaining > 0)
            {
                if (buffer.IsEmpty)
                {
                    break;
                }

                long take = Math.Min(_payloadRemaining, buffer.Length);
                _payloadTarget?.Deliver(buffer.Slice(0, take));
                buffer = buffer.Slice(take);
                _payloadRemaining -= take;
                if (_payloadRemaining == 0)
                {
                    EndDataFrame();
                }

                continue;
            }

            if (buffer.Length < YamuxHeader.Size)
            {
                break;
            }

            // Each header queues at most one control frame, so checking here keeps the queue within one of the cap.
            if (_control.Reader.Count >= ControlQueueCapacity)
            {
                needRoom = true;
                break;
            }

            buffer.Slice(0, YamuxHeader.Size).CopyTo(headerBytes);
            buffer = buffer.Slice(YamuxHeader.Size);
            YamuxHeader header = YamuxHeader.Read(headerBytes);
            Interlocked.Increment(ref _framesReceived);
            switch (header.Type)
            {
                case YamuxFrameType.Data:
                case YamuxFrameType.WindowUpdate:
                    OnStreamFrame(header);
                    break;
                case YamuxFrameType.Ping:
                    OnPing(header);
                    break;
                default:
                    OnGoAway(header);
                    break;
            }
        }

        return buffer.Start;
    }

    private void OnStreamFrame(YamuxHeader header)
    {
        YamuxStream? stream;
        if ((header.Flags & YamuxFlags.Syn) != 0)
        {
            stream = AdmitInbound(header.StreamId);
        }
        else
        {
            lock (_gate)
            {
                _streams.TryGetValue(header.StreamId, out stream);
            }
        }

        if (stream is null || (header.Flags & YamuxFlags.Rst) != 0)
        {
            // Unknown (closed, reset or refused): go-yamux drains the payload and carries on. A frame for a stream
            // we knew can hold at most the window we granted, so anything longer is refused unread.
            stream?.OnRemoteReset();
            if (header.Type == YamuxFrameType.Data)
            {
                if (header.Length > Options.MaxStreamWindow)
                {
                    throw new Libp2pProtocolException(ProtocolId, $"data frame of {header.Length} bytes for a stream without a window");
                }

                StartDataFrame(null, header.Length, fin: false);
            }

            return;
        }

        if (header.Type == YamuxFrameType.WindowUpdate)
        {
            if (!stream.AddSendWindow(header.Length))
            {
                throw new Libp2pProtocolException(ProtocolId, $"window update of {header.Length} overflows stream {header.StreamId}'s window");
            }

            if ((header.Flags & YamuxFlags.Fin) != 0)
            {
                stream.OnRemoteFin();
            }

            return;
        }

        if (!stream.TryReserveReceive(header.Length))
        {
            throw new Libp2pProtocolException(ProtocolId, $"data frame of {header.Length} bytes exceeds stream {header.StreamId}'s receive window");
        }

        StartDataFrame(stream, header.Length, (header.Flags & YamuxFlags.Fin) != 0);
    }

    private void StartDataFrame(YamuxStream? target, uint length, bool fin)
    {
        _payloadTarget = target;
        _payloadRemaining = length;
        _payloadFin = fin;
        if (length == 0)
        {
            EndDataFrame();
        }
    }

    private void EndDataFrame()
    {
        if (_payloadFin)
        {
            _payloadTarget?.OnRemoteFin();
        }

        _payloadTarget = null;
        _payloadFin = false;
    }

    /// <summary>Registers a stream the peer opened, or resets it when this side is going away or over a cap.</summary>
    private YamuxStream? AdmitInbound(uint id)
    {
        if (id == 0 || !IsInbound(id))
        {
            // go-yamux: "both yamux endpoints are clients" closes the session.
            throw new Libp2pProtocolException(ProtocolId, $"peer opened stream {id}, an id of {(id == 0 ? "the session" : "this side")}");
        }

        string? refusal;
        YamuxStream? stream = null;
        lock (_gate)
        {
            if (_streams.ContainsKey(id))
            {
                throw new Libp2pProtocolException(ProtocolId, $"peer opened stream {id} twice");
            }

            if (_closed || _localGoAway || _remoteGoAway)
            {
                refusal = "the session is going away";
            }
            else if (_inbound >= Options.MaxStreams)
            {
                refusal = "too many inbound streams";
            }
            else
            {
                stream = new YamuxStream(this, id);
                refusal = _accept.Writer.TryWrite(stream) ? null : "too many streams waiting to be accepted";
                if (refusal is null)
                {
                    _streams.Add(id, stream);
                    _inbound++;
                }
            }
        }

        if (refusal is null)
        {
            return stream;
        }

        YamuxLog.InboundStreamRefused(_logger, id, refusal);
        EnqueueControl(new YamuxHeader(YamuxFrameType.WindowUpdate, YamuxFlags.Rst, id, 0));
        return null;
    }

    private void OnGoAway(YamuxHeader header)
    {
        YamuxLog.RemoteGoAway(_logger, header.Length);
        if (header.Length != (uint)YamuxGoAwayCode.Normal)
        {
            Close(new IOException($"{ProtocolId}: the peer sent GoAway with error code {header.Length}"), null);
            return;
        }

        // go-yamux ends the whole session on any GoAway; here streams already open may finish, as spec.md allows.
        lock (_gate)
        {
            _remoteGoAway = true;
        }

        CloseIfDrained();
    }
}
