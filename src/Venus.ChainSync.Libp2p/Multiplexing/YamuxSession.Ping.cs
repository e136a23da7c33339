namespace Venus.ChainSync.Libp2p.Multiplexing;

/// <summary>Pings: round-trip measurement, keep-alive, and answering the peer's.</summary>
internal sealed partial class YamuxSession
{
    private readonly Lock _pingGate = new();
    private PendingPing? _activePing;
    private uint _nextPingId;
    private long _rttTicks;

    /// <summary>The last round-trip time measured by a ping; zero before the first answer.</summary>
    internal TimeSpan RoundTripTime => TimeSpan.FromTicks(Volatile.Read(ref _rttTicks));

    /// <summary>Pings the peer and returns the round-trip time. Callers that overlap share one ping, as in go-yamux.</summary>
    /// <exception cref="IOException">The session ended, or no answer came within <see cref="YamuxOptions.WriteTimeout"/>.</exception>
    public async ValueTask<TimeSpan> PingAsync(CancellationToken cancellationToken)
    {
        PendingPing ping;
        bool owner = false;
        lock (_pingGate)
        {
            if (IsClosed)
            {
                throw new IOException($"{ProtocolId}: the session is closed", _closeReason);
            }

            if (_activePing is null)
            {
                _activePing = new PendingPing(_nextPingId++);
                owner = true;
            }

            ping = _activePing;
        }

        if (owner)
        {
            await RunPingAsync(ping, cancellationToken).ConfigureAwait(false);
        }

        return await ping.Result.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RunPingAsync(PendingPing ping, CancellationToken cancellationToken)
    {
        try
        {
            // go-yamux Session.Ping waits one ConnectionWriteTimeout for the answer.
            using var timeout = new CancellationTokenSource(Options.WriteTimeout, Time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
            long start = Time.GetTimestamp();
            EnqueueControl(new YamuxHeader(YamuxFrameType.Ping, YamuxFlags.Syn, 0, ping.Id));
            try
            {
                await ping.Answered.Task.WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new IOException($"{ProtocolId}: ping not answered within {Options.WriteTimeout}", ex);
            }

            TimeSpan rtt = Time.GetElapsedTime(start);
            Volatile.Write(ref _rttTicks, rtt.Ticks);
            ping.Result.TrySetResult(rtt);
        }
        catch (OperationCanceledException ex)
        {
            ping.Result.TrySetCanceled(ex.CancellationToken);
        }
        catch (IOException ex)
        {
            ping.Result.TrySetException(ex);
        }
        finally
        {
            lock (_pingGate)
            {
                _activePing = null;
            }
        }
    }

    private void OnPing(YamuxHeader header)
    {
        if ((header.Flags & YamuxFlags.Syn) != 0)
        {
            // go-yamux drops a pong it has no room for; here the read loop waits for room instead (ReadFrames).
            _control.Writer.TryWrite(new YamuxOutgoingFrame(new YamuxHeader(YamuxFrameType.Ping, YamuxFlags.Ack, 0, header.Length), default, null));
            return;
        }

        if ((header.Flags & YamuxFlags.Ack) != 0)
        {
            lock (_pingGate)
            {
                if (_activePing is { } ping && ping.Id == header.Length)
                {
                    ping.Answered.TrySetResult();
                }
            }
        }
    }

    private void FailActivePing(Exception failure)
    {
        lock (_pingGate)
        {
            _activePing?.Answered.TrySetException(failure);
        }
    }

    private async Task KeepAliveLoopAsync()
    {
        // go-yamux measures the round trip once at start (measureRTT): window auto-tuning needs it, and without it
        // a fast stream stays at the 256 KiB initial window until the first keep-alive ping, 30 s later.
        if (Options.MeasureRoundTripAtStart)
        {
            try
            {
                await PingAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException)
            {
                // A session that ends or a peer that does not answer is handled elsewhere; tuning just stays off.
            }
        }

        if (!Options.KeepAliveEnabled)
        {
            return;
        }

        try
        {
            long seen = Volatile.Read(ref _framesReceived);
            while (true)
            {
                await Task.Delay(Options.KeepAliveInterval, Time, _stop.Token).ConfigureAwait(false);
                long now = Volatile.Read(ref _framesReceived);
                if (now != seen)
                {
                    // The peer spoke during the interval (go-yamux extends its keep-alive timer on every header).
                    seen = now;
                    continue;
                }

                try
                {
                    await PingAsync(_stop.Token).ConfigureAwait(false);
                }
                catch (IOException ex)
                {
                    YamuxLog.KeepAliveFailed(_logger, ex);
                    Close(new IOException($"{ProtocolId}: keep-alive ping failed", ex), null);
                    return;
                }

                seen = Volatile.Read(ref _framesReceived);
            }
        }
        catch (OperationCanceledException)
        {
            // The session closed.
        }
    }

    /// <summary>One ping in flight: its opaque id, the read loop's signal that the answer came, and the outcome
    /// every caller waiting on it sees.</summary>
    private sealed class PendingPing(uint id)
    {
        public uint Id { get; } = id;

        public TaskCompletionSource Answered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<TimeSpan> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
