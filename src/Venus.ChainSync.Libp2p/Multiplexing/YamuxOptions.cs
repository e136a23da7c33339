namespace Venus.ChainSync.Libp2p.Multiplexing;

/// <summary>
/// Limits and timers of a Yamux session. Defaults are go-yamux's (the multiplexer Lotus runs, through go-libp2p),
/// each noted with where it comes from.
/// </summary>
internal sealed record YamuxOptions
{
    /// <summary>The window both sides assume for a new stream (spec.md, "Flow Control": 256 KiB; go-yamux const.go
    /// initialStreamWindow). Not an implementation choice: a peer may send this much before any window update.</summary>
    public const uint SpecInitialWindow = 256 * 1024;

    /// <summary>Receive window granted to each new stream (go-yamux mux.go DefaultConfig InitialStreamWindowSize,
    /// 256 KiB). Larger values are announced with the SYN or ACK window update.</summary>
    public uint InitialWindow { get; init; } = SpecInitialWindow;

    /// <summary>Largest a stream's receive window grows by auto-tuning (go-yamux const.go maxStreamWindow and
    /// go-libp2p p2p/muxer/yamux/transport.go, both 16 MiB). Also bounds the payload of a data frame for a stream we
    /// no longer know.</summary>
    public uint MaxStreamWindow { get; init; } = 16 * 1024 * 1024;

    /// <summary>
    /// Receive-window bytes the session's streams may hold together beyond their initial windows: the connection's
    /// memory budget (go-libp2p resource manager <c>ConnBaseLimit.Memory</c>, 32 MiB, from which go-yamux reserves
    /// each window growth). A stream whose growth does not fit keeps the window it has, as in go-yamux; a stream
    /// returns what it reserved when it ends. So a peer that makes windows grow and then stops reading pins at most
    /// this much beyond the initial windows, which <see cref="MaxStreams"/> bounds.
    /// </summary>
    public long MaxWindowGrowth { get; init; } = 32L << 20;

    /// <summary>Most streams open at once in each direction (go-yamux mux.go DefaultConfig MaxIncomingStreams, 1000;
    /// go-libp2p lifts it to 2^32-1 and leaves the cap to its resource manager, which this host does not have).
    /// Inbound SYNs past it are reset; local opens past it fail.</summary>
    public int MaxStreams { get; init; } = 1000;

    /// <summary>Most inbound streams waiting for <see cref="YamuxSession.AcceptStreamAsync"/> (go-yamux mux.go
    /// DefaultConfig AcceptBacklog, 256); SYNs past it are reset.</summary>
    public int MaxUnacknowledgedInbound { get; init; } = 256;

    /// <summary>Whether idle sessions are pinged (go-yamux DefaultConfig EnableKeepAlive, true).</summary>
    public bool KeepAliveEnabled { get; init; } = true;

    /// <summary>
    /// Whether to ping once as the session starts, to learn the round trip the window auto-tuning needs (go-yamux
    /// <c>measureRTT</c> runs at session start). Frame-level tests that script every frame turn it off.
    /// </summary>
    public bool MeasureRoundTripAtStart { get; init; } = true;

    /// <summary>How long the session may go without receiving a frame before it pings (go-yamux DefaultConfig
    /// KeepAliveInterval, 30 s).</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one flush to the connection, and one ping's answer, may take before the session is
    /// closed (go-yamux DefaultConfig ConnectionWriteTimeout, 10 s, used for both).</summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long disposing a stream waits for its unsent data to fit the remote's window before resetting
    /// it instead (hashicorp/yamux mux.go StreamCloseTimeout, 5 min; go-yamux has no such bound).</summary>
    public TimeSpan StreamCloseTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Largest data payload this side sends in one frame, so one stream cannot hold the connection for
    /// long (go-yamux DefaultConfig MaxMessageSize, 64 KiB including the header).</summary>
    public int MaxFramePayload { get; init; } = (64 * 1024) - YamuxHeader.Size;

    /// <summary>Most bytes buffered for one stream: never more than the window granted, which is at most
    /// <see cref="MaxStreamWindow"/>; data past the window is a protocol error, not buffered.</summary>
    public long MaxBufferedPerStream => MaxStreamWindow;

    /// <summary>Checks the options are usable (the rules of go-yamux mux.go VerifyConfig, plus positive caps).</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public YamuxOptions Validate()
    {
        if (InitialWindow < SpecInitialWindow)
        {
            throw new ArgumentException($"InitialWindow must be at least {SpecInitialWindow} bytes (the spec's window).", nameof(InitialWindow));
        }

        if (MaxStreamWindow < InitialWindow || MaxStreamWindow > int.MaxValue)
        {
            throw new ArgumentException("MaxStreamWindow must be at least InitialWindow and below 2 GiB.", nameof(MaxStreamWindow));
        }

        if (MaxWindowGrowth < 0)
        {
            throw new ArgumentException("MaxWindowGrowth cannot be negative.", nameof(MaxWindowGrowth));
        }

        if (MaxStreams <= 0 || MaxUnacknowledgedInbound <= 0)
        {
            throw new ArgumentException("MaxStreams and MaxUnacknowledgedInbound must be positive.", nameof(MaxStreams));
        }

        if (KeepAliveEnabled && KeepAliveInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException("KeepAliveInterval must be positive when keep-alive is enabled.", nameof(KeepAliveInterval));
        }

        if (WriteTimeout <= TimeSpan.Zero || StreamCloseTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("WriteTimeout and StreamCloseTimeout must be positive.", nameof(WriteTimeout));
        }

        if (MaxFramePayload < 1024 - YamuxHeader.Size)
        {
            throw new ArgumentException("MaxFramePayload must allow at least a kilobyte frame.", nameof(MaxFramePayload));
        }

        return this;
    }
}
