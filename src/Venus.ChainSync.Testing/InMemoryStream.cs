using System.IO.Pipelines;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Testing;

/// <summary>
/// One end of an in-memory stream: two pipes crossed between the ends. Each direction buffers at most
/// <see cref="InMemoryNetwork.StreamBufferBytes"/> before the writer has to wait, as a real transport's flow control would make it.
/// </summary>
public sealed class InMemoryStream : INetworkStream
{
    private readonly Pipe _incoming;
    private readonly Pipe _outgoing;
    private InMemoryStream? _other;

    private InMemoryStream(PeerId remotePeer, string protocol, Pipe incoming, Pipe outgoing)
    {
        RemotePeer = remotePeer;
        Protocol = protocol;
        _incoming = incoming;
        _outgoing = outgoing;
    }

    /// <inheritdoc/>
    public PeerId RemotePeer { get; }

    /// <inheritdoc/>
    public string Protocol { get; }

    /// <inheritdoc/>
    public PipeReader Input => _incoming.Reader;

    /// <inheritdoc/>
    public PipeWriter Output => _outgoing.Writer;

    /// <summary>Creates both ends of a stream between <paramref name="a"/> and <paramref name="b"/>.</summary>
    public static (InMemoryStream AtA, InMemoryStream AtB) CreatePair(PeerId a, PeerId b, string protocol, long bufferBytes = InMemoryNetwork.StreamBufferBytes)
    {
        var options = new PipeOptions(pauseWriterThreshold: bufferBytes, resumeWriterThreshold: bufferBytes / 2, useSynchronizationContext: false);
        var aToB = new Pipe(options);
        var bToA = new Pipe(options);
        var atA = new InMemoryStream(b, protocol, incoming: bToA, outgoing: aToB);
        var atB = new InMemoryStream(a, protocol, incoming: aToB, outgoing: bToA);
        atA._other = atB;
        atB._other = atA;
        return (atA, atB);
    }

    /// <inheritdoc/>
    public async ValueTask CompleteWritingAsync(CancellationToken cancellationToken = default)
    {
        await _outgoing.Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        await _outgoing.Writer.CompleteAsync().ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public void Abort(Exception? reason = null)
    {
        var reset = new IOException("stream reset", reason);
        Fail(reset);
        _other?.Fail(reset);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _outgoing.Writer.CompleteAsync().ConfigureAwait(false);
        await _incoming.Reader.CompleteAsync().ConfigureAwait(false);
    }

    private void Fail(Exception reason)
    {
        _incoming.Writer.Complete(reason);
        _incoming.Reader.CancelPendingRead();
        _outgoing.Reader.Complete(reason);
        _outgoing.Writer.CancelPendingFlush();
    }
}
