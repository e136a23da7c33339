using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace Venus.ChainSync.Primitives.Car;

/// <summary>
/// Reads a CAR v1 archive as a stream: <c>varint(header length) || header || (varint(section length) || CID || block)*</c>.
/// A zstd-compressed CAR (<c>.car.zst</c>, as Lotus ships the genesis) is recognised by its magic number and
/// decompressed on the fly.
/// </summary>
/// <remarks>
/// <para>
/// Memory is bounded whatever the input. The stream is read in 64 KiB chunks; every declared length is checked
/// against <see cref="CarReaderOptions.MaxHeaderLength"/> or <see cref="CarReaderOptions.MaxSectionLength"/> before
/// any byte of it is read; a section's bytes are gathered in pooled buffers and copied into the block's own array
/// only once they have all arrived. So one read holds at most about twice the section limit, and a length the
/// input does not back up costs only what actually arrived. A compressed input adds the zstd decoder, whose window
/// is capped by <see cref="CarReaderOptions.MaxZstdWindowLog"/> (8 MiB by default), and its output is held to
/// <see cref="CarReaderOptions.MaxExpansionRatio"/> times the compressed bytes read (and to
/// <see cref="CarReaderOptions.MaxDecompressedLength"/> when set), so a small compressed input cannot make the
/// reader produce, and allocate, far more than it. Each block gets a new array that the reader never touches again,
/// so callers may keep <see cref="Block.Data"/>.
/// </para>
/// <para>
/// Every fault in the input raises <see cref="CarFormatException"/> with the stream offset; after one (or after a
/// cancellation in the middle of a section) the reader is done and further reads throw
/// <see cref="InvalidOperationException"/>. By default blocks are not hashed
/// (see <see cref="CarReaderOptions.VerifyHashes"/>). Duplicate blocks are passed through, and the reader does
/// not check that the roots appear among the blocks: the CARv1 spec leaves both open.
/// </para>
/// <para>
/// A reader is not safe for concurrent use. Disposing it disposes the stream unless it was opened with
/// <c>leaveOpen</c>.
/// </para>
/// </remarks>
public sealed class CarReader : IAsyncDisposable
{
    private const int BufferSize = 64 * 1024;

    // A plain CAR cannot start with these bytes: 0x28 would be a 40-byte header and 0xb5 a CBOR map of 21
    // entries, where the header has at most two keys.
    private static readonly byte[] ZstdMagic = [0x28, 0xb5, 0x2f, 0xfd];

    private readonly PipeReader _input;
    private readonly CarReaderOptions _options;
    private readonly bool _compressed;
    private long _position;
    private State _state;
    private IReadOnlyList<Cid> _roots = [];

    private CarReader(PipeReader input, CarReaderOptions options, bool compressed)
    {
        _input = input;
        _options = options;
        _compressed = compressed;
    }

    private enum State
    {
        Open,
        Ended,
        Failed,
        Disposed,
    }

    /// <summary>The CAR version from the header; always 1, the only version read.</summary>
    public int Version { get; private set; }

    /// <summary>The root CIDs from the header, in header order (at least one).</summary>
    public IReadOnlyList<Cid> Roots => _roots;

    /// <summary>Whether the input was zstd-compressed.</summary>
    public bool IsCompressed => _compressed;

    /// <summary>
    /// Bytes of the CAR stream read so far: after the header, the offset of the next section. For a compressed
    /// input it counts decompressed bytes.
    /// </summary>
    public long Position => _position;

    /// <summary>
    /// Starts reading a CAR from <paramref name="stream"/>: detects zstd compression, then reads and checks the header.
    /// </summary>
    /// <param name="stream">The CAR, plain or zstd-compressed; it need not be seekable.</param>
    /// <param name="options">Limits and checks; <see cref="CarReaderOptions.Default"/> when null.</param>
    /// <param name="leaveOpen">Whether to leave <paramref name="stream"/> open when the reader is disposed.</param>
    /// <param name="cancellationToken">Cancels reading the header.</param>
    /// <exception cref="CarFormatException">The header is missing, malformed, too long or not CAR v1.</exception>
    public static async ValueTask<CarReader> CreateAsync(
        Stream stream,
        CarReaderOptions? options = null,
        bool leaveOpen = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= CarReaderOptions.Default;
        options.Validate();

        PipeReader raw = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: BufferSize, leaveOpen: leaveOpen));
        CarReader? reader = null;
        try
        {
            bool compressed = await StartsWithZstdMagicAsync(raw, cancellationToken).ConfigureAwait(false);
            PipeReader input = raw;
            if (compressed)
            {
                // Completing the top pipe disposes the decoder, which completes the raw pipe, which disposes the
                // stream unless it is left open.
                Stream decompressed = ZstdInput.Open(raw.AsStream(leaveOpen: false), options, BufferSize);
                input = PipeReader.Create(decompressed, new StreamPipeReaderOptions(bufferSize: BufferSize, leaveOpen: false));
            }

            reader = new CarReader(input, options, compressed);
            await reader.ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
            return reader;
        }
        catch
        {
            if (reader is not null)
            {
                await reader.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                await raw.CompleteAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>Opens a <c>.car</c> or <c>.car.zst</c> file (told apart by content, not by name) and reads its header.</summary>
    /// <exception cref="CarFormatException">The header is missing, malformed, too long or not CAR v1.</exception>
    public static ValueTask<CarReader> OpenFileAsync(string path, CarReaderOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);

        // The pipe does the buffering, so the file stream does not need its own buffer.
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return CreateAsync(file, options, leaveOpen: false, cancellationToken);
    }

    /// <summary>
    /// Reads the next block, or returns <see langword="null"/> at the end of the archive (a clean end falls between sections).
    /// </summary>
    /// <remarks>
    /// A read cancelled before it consumed anything leaves the reader as it was; one cancelled in the middle of a
    /// section leaves it failed, like a fault.
    /// </remarks>
    /// <exception cref="CarFormatException">The section is truncated, too long or has a bad CID, or (when verifying) the block does not match its CID.</exception>
    /// <exception cref="InvalidOperationException">An earlier read failed, or the reader was disposed.</exception>
    public async ValueTask<Block?> ReadNextAsync(CancellationToken cancellationToken = default)
    {
        switch (_state)
        {
            case State.Ended:
                return null;
            case State.Failed:
                throw new InvalidOperationException("An earlier read from this CAR failed; the reader cannot continue.");
            case State.Disposed:
                throw new ObjectDisposedException(nameof(CarReader));
        }

        long start = _position;
        try
        {
            Block? block = await ReadSectionAsync(cancellationToken).ConfigureAwait(false);
            if (block is null)
            {
                _state = State.Ended;
            }

            return block;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || _position != start)
        {
            // A fault, or a cancellation after the section's length was consumed: the stream is no longer at a
            // section boundary, so no later read could make sense of it.
            _state = State.Failed;
            throw;
        }
    }

    /// <summary>Reads the remaining blocks in order.</summary>
    /// <exception cref="CarFormatException">As for <see cref="ReadNextAsync"/>, raised from the enumeration.</exception>
    public async IAsyncEnumerable<Block> ReadBlocksAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await ReadNextAsync(cancellationToken).ConfigureAwait(false) is { } block)
        {
            yield return block;
        }
    }

    /// <summary>Releases the buffers and, unless it was opened with <c>leaveOpen</c>, the stream.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_state == State.Disposed)
        {
            return;
        }

        _state = State.Disposed;
        await _input.CompleteAsync().ConfigureAwait(false);
    }

    private static async ValueTask<bool> StartsWithZstdMagicAsync(PipeReader raw, CancellationToken cancellationToken)
    {
        ReadResult result = await raw.ReadAtLeastAsync(ZstdMagic.Length, cancellationToken).ConfigureAwait(false);
        ReadOnlySequence<byte> buffer = result.Buffer;
        bool magic = buffer.Length >= ZstdMagic.Length && StartsWith(buffer, ZstdMagic);

        // Consume nothing: the peeked bytes are read again by whoever reads next.
        raw.AdvanceTo(buffer.Start);
        return magic;
    }

    private static bool StartsWith(ReadOnlySequence<byte> buffer, ReadOnlySpan<byte> prefix)
    {
        Span<byte> head = stackalloc byte[prefix.Length];
        buffer.Slice(0, prefix.Length).CopyTo(head);
        return head.SequenceEqual(prefix);
    }

    private async ValueTask ReadHeaderAsync(CancellationToken cancellationToken)
    {
        ulong length = await ReadVarintAsync("header length", endAllowed: false, cancellationToken).ConfigureAwait(false) ?? 0;
        if (length == 0)
        {
            throw new CarFormatException("the header length is zero", 0);
        }

        if (length > (ulong)_options.MaxHeaderLength)
        {
            throw new CarFormatException($"the header length {length} is over the limit of {_options.MaxHeaderLength} bytes", 0);
        }

        long headerStart = _position;
        byte[] header = await ReadExactlyAsync((int)length, "header", 0, cancellationToken).ConfigureAwait(false);
        _roots = Array.AsReadOnly(CarHeader.Decode(header, headerStart));
        Version = 1;
    }

    private async ValueTask<Block?> ReadSectionAsync(CancellationToken cancellationToken)
    {
        long sectionStart = _position;
        ulong? declared = await ReadVarintAsync("section length", endAllowed: true, cancellationToken).ConfigureAwait(false);
        if (declared is not { } length)
        {
            return null;
        }

        if (length == 0)
        {
            throw new CarFormatException("a section has length zero, so it cannot hold a CID", sectionStart);
        }

        // The bound comes before the allocation: a hostile length costs nothing but this check.
        if (length > (ulong)_options.MaxSectionLength)
        {
            throw new CarFormatException($"the section length {length} is over the limit of {_options.MaxSectionLength} bytes", sectionStart);
        }

        long bodyStart = _position;
        byte[] section = await ReadExactlyAsync((int)length, "section", sectionStart, cancellationToken).ConfigureAwait(false);
        if (!Cid.TryReadPrefix(section, out Cid cid, out int cidLength, out string? error))
        {
            throw new CarFormatException($"the section's CID is invalid: {error}", bodyStart);
        }

        // The block keeps the section array; the CID bytes ahead of the data are a few dozen bytes of slack.
        var block = new Block(cid, section.AsMemory(cidLength));
        if (_options.VerifyHashes && cid.CanVerify && !block.Verify())
        {
            throw new CarFormatException($"the block's bytes do not hash to its CID {cid}", sectionStart);
        }

        return block;
    }

    /// <summary>
    /// Reads a varint, or returns null when the input ends cleanly before it and <paramref name="endAllowed"/>.
    /// </summary>
    private async ValueTask<ulong?> ReadVarintAsync(string what, bool endAllowed, CancellationToken cancellationToken)
    {
        long start = _position;
        int wanted = 1;
        while (true)
        {
            ReadResult result = await ReadInputAsync(wanted, start, cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (buffer.IsEmpty && result.IsCompleted)
            {
                _input.AdvanceTo(buffer.End);
                return endAllowed ? null : throw new CarFormatException($"the input ends where the {what} should be", start);
            }

            switch (TryParseVarint(buffer, out ulong value, out int length))
            {
                case VarintStatus.Complete:
                    _input.AdvanceTo(buffer.GetPosition(length));
                    _position += length;
                    return value;
                case VarintStatus.Invalid:
                    _input.AdvanceTo(buffer.Start);
                    throw new CarFormatException($"the {what} is not a minimal varint of at most 64 bits", start);
                default:
                    _input.AdvanceTo(buffer.Start, buffer.End);
                    if (result.IsCompleted)
                    {
                        throw new CarFormatException($"the input ends inside the {what} varint", start);
                    }

                    // Ask for one byte more than we have, so the next read waits for new input.
                    wanted = (int)buffer.Length + 1;
                    break;
            }
        }
    }

    /// <summary>Reads exactly <paramref name="length"/> bytes into a new array of that size.</summary>
    private async ValueTask<byte[]> ReadExactlyAsync(int length, string what, long itemStart, CancellationToken cancellationToken)
    {
        // The pipe gathers the bytes in pooled segments as they arrive, and the array is allocated only once they
        // all have: a length that the input does not back up costs what was actually received, not what was claimed.
        ReadResult result = await ReadInputAsync(length, itemStart, cancellationToken).ConfigureAwait(false);
        ReadOnlySequence<byte> buffer = result.Buffer;
        if (buffer.Length < length)
        {
            _input.AdvanceTo(buffer.Start, buffer.End);
            throw new CarFormatException($"the input ends inside a {what}: {length} bytes declared, {buffer.Length} present", itemStart);
        }

        byte[] destination = GC.AllocateUninitializedArray<byte>(length);
        buffer.Slice(0, length).CopyTo(destination);
        _input.AdvanceTo(buffer.GetPosition(length));
        _position += length;
        return destination;
    }

    /// <summary>Reads from the pipe: at least <paramref name="minimum"/> bytes unless the input ends first.</summary>
    private async ValueTask<ReadResult> ReadInputAsync(int minimum, long itemStart, CancellationToken cancellationToken)
    {
        try
        {
            return await _input.ReadAtLeastAsync(minimum, cancellationToken).ConfigureAwait(false);
        }
        catch (ZstdException ex) when (_compressed && ex.Code == ZSTD_ErrorCode.ZSTD_error_frameParameter_windowTooLarge)
        {
            throw new CarFormatException(
                $"a zstd frame needs a window larger than 2^{_options.MaxZstdWindowLog} bytes (CarReaderOptions.MaxZstdWindowLog)",
                itemStart,
                ex);
        }
        catch (Exception ex) when (_compressed && ex is (ZstdException or EndOfStreamException))
        {
            // The decoder raises these for a corrupt or truncated frame: bad input, so the CAR's own exception type.
            throw new CarFormatException($"the zstd stream is corrupt or truncated: {ex.Message}", itemStart, ex);
        }
    }

    private static VarintStatus TryParseVarint(ReadOnlySequence<byte> buffer, out ulong value, out int length)
    {
        Span<byte> head = stackalloc byte[Varint.MaxLength];
        int available = (int)Math.Min(buffer.Length, Varint.MaxLength);
        buffer.Slice(0, available).CopyTo(head);
        head = head[..available];

        // Until a byte without the continuation bit arrives (or ten bytes do), more input may complete the varint.
        if (head.IndexOfAnyInRange((byte)0x00, (byte)0x7f) < 0 && available < Varint.MaxLength)
        {
            value = 0;
            length = 0;
            return VarintStatus.NeedMore;
        }

        return Varint.TryRead(head, out value, out length) ? VarintStatus.Complete : VarintStatus.Invalid;
    }

    private enum VarintStatus
    {
        NeedMore,
        Complete,
        Invalid,
    }
}
