using System.IO.Pipelines;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Testing.Relay;

/// <summary>One end of a relayed stream.</summary>
internal sealed class RelayedStream : INetworkStream
{
    private readonly StreamRelay _relay;
    private readonly RelayLane _incoming;
    private readonly RelayLane _outgoing;
    private int _disposed;

    internal RelayedStream(StreamRelay relay, PeerId remotePeer, string protocol, RelayLane incoming, RelayLane outgoing)
    {
        _relay = relay;
        _incoming = incoming;
        _outgoing = outgoing;
        RemotePeer = remotePeer;
        Protocol = protocol;
    }

    /// <inheritdoc/>
    public PeerId RemotePeer { get; }

    /// <inheritdoc/>
    public string Protocol { get; }

    /// <inheritdoc/>
    public PipeReader Input => _incoming.Reader;

    /// <inheritdoc/>
    public PipeWriter Output => _outgoing.Writer;

    /// <summary>Called once when both ends are disposed (set by the network that tracks the stream).</summary>
    internal StreamPair? Pair { get; set; }

    /// <inheritdoc/>
    public async ValueTask CompleteWritingAsync(CancellationToken cancellationToken = default)
    {
        await _outgoing.Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        await _outgoing.Writer.CompleteAsync().ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public void Abort(Exception? reason = null) => _relay.Abort(new IOException("stream reset", reason));

    /// <summary>Sends what was written, then a reset behind it: the peer reads those bytes, then its reads fail.</summary>
    internal void ResetAfterWritten() => _outgoing.Writer.ResetAfterWritten();

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _outgoing.Writer.CompleteAsync().ConfigureAwait(false);
        await _incoming.Reader.CompleteAsync().ConfigureAwait(false);
        Pair?.EndDisposed();
    }
}
