using System.IO.Pipelines;
using Venus.ChainSync.Libp2p.Multiplexing;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p;

/// <summary>
/// A negotiated Yamux stream as the ports see it: the protocol is agreed, reads and writes go through
/// <paramref name="pipe"/> (the stream itself, or the lazy-negotiation wrapper over it).
/// </summary>
/// <remarks>Disposing releases the stream's slot in the host's per-peer and per-protocol counts exactly once.</remarks>
internal sealed class Libp2pStream(YamuxStream stream, IDuplexPipe pipe, PeerId remotePeer, string protocol, IDisposable? lease) : INetworkStream
{
    private int _disposed;

    /// <inheritdoc/>
    public PeerId RemotePeer { get; } = remotePeer;

    /// <inheritdoc/>
    public string Protocol { get; } = protocol;

    /// <inheritdoc/>
    public PipeReader Input => pipe.Input;

    /// <inheritdoc/>
    public PipeWriter Output => pipe.Output;

    /// <inheritdoc/>
    public async ValueTask CompleteWritingAsync(CancellationToken cancellationToken = default)
    {
        await pipe.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
        await stream.CompleteWritingAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public void Abort(Exception? reason = null) => stream.Abort(reason);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            lease?.Dispose();
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Protocol} with {RemotePeer} (stream {stream.Id})";
}
