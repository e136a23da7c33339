using System.Buffers;
using System.IO.Pipelines;

namespace Venus.ChainSync.Primitives.Car;

/// <summary>
/// Writes a CAR v1 archive to a stream: the canonical header, then one section per block in the order given.
/// </summary>
/// <remarks>
/// <para>
/// Output is buffered and reaches the stream in chunks of about 64 KiB, and in full on <see cref="FlushAsync"/>
/// or <see cref="DisposeAsync"/>. Writing the blocks a <see cref="CarReader"/> read from a file, in order, under
/// the same roots, reproduces the file byte for byte.
/// </para>
/// <para>
/// The writer trusts its caller: it does not hash blocks, drop duplicates or check that the roots are written.
/// It does not compress. A block longer than a reader's <see cref="CarReaderOptions.MaxSectionLength"/> (8 MiB by
/// default) is written, but such a reader will refuse it. A writer is not safe for concurrent use.
/// </para>
/// </remarks>
public sealed class CarWriter : IAsyncDisposable
{
    private const int FlushThreshold = 64 * 1024;

    private readonly PipeWriter _output;
    private bool _disposed;

    private CarWriter(PipeWriter output) => _output = output;

    /// <summary>Bytes written so far, flushed or not: the offset the next section will start at.</summary>
    public long Position { get; private set; }

    /// <summary>Starts a CAR on <paramref name="destination"/> and writes its header.</summary>
    /// <param name="destination">Where the archive goes.</param>
    /// <param name="roots">The header's root CIDs, at least one (as go-car requires of a reader's input).</param>
    /// <param name="leaveOpen">Whether to leave <paramref name="destination"/> open when the writer is disposed.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <exception cref="ArgumentException"><paramref name="roots"/> is empty or holds <c>default(Cid)</c>.</exception>
    public static async ValueTask<CarWriter> CreateAsync(
        Stream destination,
        IEnumerable<Cid> roots,
        bool leaveOpen = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(roots);
        Cid[] rootList = [.. roots];
        if (rootList.Length == 0)
        {
            throw new ArgumentException("A CAR needs at least one root.", nameof(roots));
        }

        if (rootList.Any(root => !root.IsDefined))
        {
            throw new ArgumentException("default(Cid) is not a CID.", nameof(roots));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var writer = new CarWriter(PipeWriter.Create(destination, new StreamPipeWriterOptions(minimumBufferSize: FlushThreshold, leaveOpen: leaveOpen)));
        byte[] header = CarHeader.Encode(rootList);
        writer.WriteVarint((ulong)header.Length);
        writer.WriteBytes(header);
        await writer.FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
        return writer;
    }

    /// <summary>Writes one section: <c>varint(length) || CID || data</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="cid"/> is <c>default</c>.</exception>
    public ValueTask WriteBlockAsync(Cid cid, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!cid.IsDefined)
        {
            throw new ArgumentException("default(Cid) is not a CID.", nameof(cid));
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        ReadOnlySpan<byte> cidBytes = cid.Bytes;
        WriteVarint((ulong)cidBytes.Length + (ulong)data.Length);
        WriteBytes(cidBytes);
        WriteBytes(data.Span);
        return FlushIfFullAsync(cancellationToken);
    }

    /// <summary>Writes one section for <paramref name="block"/>.</summary>
    /// <exception cref="ArgumentException">The block is <c>default</c>.</exception>
    public ValueTask WriteBlockAsync(Block block, CancellationToken cancellationToken = default) =>
        WriteBlockAsync(block.Cid, block.Data, cancellationToken);

    /// <summary>Pushes everything written so far to the stream and flushes it.</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Flushes what is buffered, then releases the buffers and, unless the writer was created with <c>leaveOpen</c>,
    /// the stream. A failing flush is raised from here.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            await _output.FlushAsync().ConfigureAwait(false);
        }
        finally
        {
            await _output.CompleteAsync().ConfigureAwait(false);
        }
    }

    private void WriteVarint(ulong value)
    {
        int n = Varint.Write(value, _output.GetSpan(Varint.MaxLength));
        _output.Advance(n);
        Position += n;
    }

    private void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        _output.Write(bytes);
        Position += bytes.Length;
    }

    private ValueTask FlushIfFullAsync(CancellationToken cancellationToken)
    {
        // Flushing per section would cost a write call per block; a 64 KiB threshold keeps memory flat instead.
        return _output.UnflushedBytes >= FlushThreshold ? FlushCoreAsync(cancellationToken) : ValueTask.CompletedTask;
    }

    private async ValueTask FlushCoreAsync(CancellationToken cancellationToken) =>
        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
}
