using System.IO.Pipelines;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Testing;

/// <summary>
/// One end of an in-memory stream: two pipes crossed between the ends. Each direction buffers at most
/// <see cref="InMemoryNetwork.StreamBufferBytes"/> before the writer has to wait, as a real transport's flow control would make it.
/// </summary>
/// <remarks>
/// <para>This is the fast path: an <see cref="InMemoryNetwork"/> hands out these for links without faults. Streams
/// over a link with <see cref="LinkFaults"/> that shape traffic, and streams of scripted peers, are relayed instead
/// and are another <see cref="INetworkStream"/> implementation.</para>
/// <para>After <see cref="Abort"/>, every read and write at either end fails with <see cref="IOException"/>, pending
/// ones included; bytes not yet read are lost.</para>
/// </remarks>
public sealed class InMemoryStream : INetworkStream
{
    private readonly Pipe _incoming;
    private readonly Pipe _outgoing;
    private readonly ResetSignal _reset;
    private int _disposed;

    private InMemoryStream(PeerId remotePeer, string protocol, Pipe incoming, Pipe outgoing, ResetSignal reset)
    {
        RemotePeer = remotePeer;
        Protocol = protocol;
        _incoming = incoming;
        _outgoing = outgoing;
        _reset = reset;
        Input = new EndReader(reset, incoming.Reader);
        Output = new EndWriter(reset, outgoing.Writer);
    }

    /// <inheritdoc/>
    public PeerId RemotePeer { get; }

    /// <inheritdoc/>
    public string Protocol { get; }

    /// <inheritdoc/>
    public PipeReader Input { get; }

    /// <inheritdoc/>
    public PipeWriter Output { get; }

    /// <summary>Told when this end is disposed, for streams an <see cref="InMemoryNetwork"/> opened and tracks.</summary>
    internal StreamPair? Pair { get; set; }

    /// <summary>Creates both ends of a stream between <paramref name="a"/> and <paramref name="b"/>.</summary>
    public static (InMemoryStream AtA, InMemoryStream AtB) CreatePair(PeerId a, PeerId b, string protocol, long bufferBytes = InMemoryNetwork.StreamBufferBytes)
    {
        var options = new PipeOptions(pauseWriterThreshold: bufferBytes, resumeWriterThreshold: bufferBytes / 2, useSynchronizationContext: false);
        var aToB = new Pipe(options);
        var bToA = new Pipe(options);
        var reset = new ResetSignal(aToB, bToA);
        var atA = new InMemoryStream(b, protocol, incoming: bToA, outgoing: aToB, reset);
        var atB = new InMemoryStream(a, protocol, incoming: aToB, outgoing: bToA, reset);
        return (atA, atB);
    }

    /// <inheritdoc/>
    public async ValueTask CompleteWritingAsync(CancellationToken cancellationToken = default)
    {
        await Output.FlushAsync(cancellationToken).ConfigureAwait(false);
        await _outgoing.Writer.CompleteAsync().ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public void Abort(Exception? reason = null) => _reset.Set(new IOException("stream reset", reason));

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

    /// <summary>
    /// The reset both ends share. Setting it only raises a flag and wakes pending reads and flushes (both
    /// thread-safe); each end's reader and writer check the flag themselves, so no one completes a pipe end that
    /// another thread may be using, and every failure is the reset's <see cref="IOException"/>.
    /// </summary>
    private sealed class ResetSignal(Pipe aToB, Pipe bToA)
    {
        private IOException? _exception;

        public void Set(IOException reset)
        {
            if (Interlocked.CompareExchange(ref _exception, reset, null) is null)
            {
                aToB.Reader.CancelPendingRead();
                bToA.Reader.CancelPendingRead();
                aToB.Writer.CancelPendingFlush();
                bToA.Writer.CancelPendingFlush();
            }
        }

        public void ThrowIfSet()
        {
            if (Volatile.Read(ref _exception) is IOException reset)
            {
                throw reset;
            }
        }
    }

    private sealed class EndReader(ResetSignal reset, PipeReader inner) : PipeReader
    {
        public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            reset.ThrowIfSet();
            ReadResult result = await inner.ReadAsync(cancellationToken).ConfigureAwait(false);
            return Checked(result);
        }

        public override bool TryRead(out ReadResult result)
        {
            reset.ThrowIfSet();
            if (!inner.TryRead(out result))
            {
                return false;
            }

            result = Checked(result);
            return true;
        }

        public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);

        public override void CancelPendingRead() => inner.CancelPendingRead();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        private ReadResult Checked(ReadResult result)
        {
            try
            {
                reset.ThrowIfSet();
                return result;
            }
            catch (IOException)
            {
                inner.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                throw;
            }
        }
    }

    private sealed class EndWriter(ResetSignal reset, PipeWriter inner) : PipeWriter
    {
        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes;

        public override void Advance(int bytes)
        {
            reset.ThrowIfSet();
            inner.Advance(bytes);
        }

        public override Memory<byte> GetMemory(int sizeHint = 0)
        {
            reset.ThrowIfSet();
            return inner.GetMemory(sizeHint);
        }

        public override Span<byte> GetSpan(int sizeHint = 0)
        {
            reset.ThrowIfSet();
            return inner.GetSpan(sizeHint);
        }

        public override async ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            reset.ThrowIfSet();
            FlushResult result = await inner.FlushAsync(cancellationToken).ConfigureAwait(false);
            reset.ThrowIfSet();
            return result;
        }

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);
    }
}
