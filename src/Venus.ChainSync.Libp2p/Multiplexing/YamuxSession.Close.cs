namespace Venus.ChainSync.Libp2p.Multiplexing;

/// <summary>How a session ends: once, from whichever loop or caller sees the end first.</summary>
internal sealed partial class YamuxSession
{
    private void CloseIfDrained()
    {
        bool drained;
        lock (_gate)
        {
            drained = (_localGoAway || _remoteGoAway) && _streams.Count == 0;
        }

        if (drained)
        {
            Close(null, null);
        }
    }

    /// <summary>Ends the session once: sends GoAway with <paramref name="goAway"/> if given, fails every stream and
    /// waiter, and lets the loops run out. <paramref name="reason"/> null is a normal end.</summary>
    private void Close(Exception? reason, YamuxGoAwayCode? goAway)
    {
        List<YamuxStream> streams;
        bool sendGoAway;
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            _closeReason = reason;
            // A normal GoAway already sent is not repeated; an error one is sent even then (go-yamux does too).
            sendGoAway = goAway is { } code && (code != YamuxGoAwayCode.Normal || !_localGoAway);
            _localGoAway = true;
            streams = [.. _streams.Values];
            _streams.Clear();
            _inbound = 0;
            _outbound = 0;
        }

        if (sendGoAway)
        {
            _control.Writer.TryWrite(new YamuxOutgoingFrame(
                new YamuxHeader(YamuxFrameType.GoAway, YamuxFlags.None, 0, (uint)goAway!.Value), default, null));
        }

        // The write loop sends what control frames are queued (the GoAway among them), fails queued data, and stops.
        _control.Writer.TryComplete();
        _data.Writer.TryComplete();
        var failure = new IOException($"{ProtocolId}: the session has ended", reason);
        _accept.Writer.TryComplete(failure);
        foreach (YamuxStream stream in streams)
        {
            stream.OnSessionClosed(failure);
        }

        FailActivePing(failure);
        _stop.Cancel();
    }

    private async Task RunAsync()
    {
        // The loops catch everything themselves: an exception here would be a bug, not a peer.
        await Task.WhenAll(_readLoop, _writeLoop, _keepAliveLoop).ConfigureAwait(false);
        await _connection.Output.CompleteAsync().ConfigureAwait(false);
        await _connection.Input.CompleteAsync().ConfigureAwait(false);
        _stop.Dispose();
        if (_closeReason is { } reason)
        {
            throw reason;
        }
    }
}
