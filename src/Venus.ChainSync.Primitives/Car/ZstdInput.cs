using ZstdSharp;
using ZstdSharp.Unsafe;

namespace Venus.ChainSync.Primitives.Car;

/// <summary>
/// The decompressed view of a zstd-compressed CAR, with the limits that keep a small hostile input from costing a
/// lot: the decoder's window (its own buffer) is capped by <see cref="CarReaderOptions.MaxZstdWindowLog"/>, and
/// the bytes it produces by <see cref="CarReaderOptions.MaxExpansionRatio"/> and
/// <see cref="CarReaderOptions.MaxDecompressedLength"/>. A limit crossed raises <see cref="CarFormatException"/>
/// from the read that crossed it.
/// </summary>
internal static class ZstdInput
{
    /// <summary>Wraps <paramref name="compressed"/>; disposing the result disposes it.</summary>
    public static Stream Open(Stream compressed, CarReaderOptions options, int bufferSize)
    {
        var counted = new CountingStream(compressed);
        var decoder = new DecompressionStream(counted, bufferSize, checkEndOfStream: true, leaveOpen: false);
        decoder.SetParameter(ZSTD_dParameter.ZSTD_d_windowLogMax, options.MaxZstdWindowLog);
        return new ExpansionLimitStream(decoder, counted, options);
    }

    /// <summary>A read-only pass-through that counts the bytes read from it.</summary>
    private sealed class CountingStream(Stream inner) : ReadOnlyStream
    {
        public long BytesRead { get; private set; }

        public override int Read(Span<byte> buffer)
        {
            int read = inner.Read(buffer);
            BytesRead += read;
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            BytesRead += read;
            return read;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>Counts decompressed bytes and fails once they exceed what the compressed bytes read so far allow.</summary>
    private sealed class ExpansionLimitStream(Stream decoder, CountingStream compressed, CarReaderOptions options) : ReadOnlyStream
    {
        private long _produced;

        public override int Read(Span<byte> buffer) => Check(decoder.Read(buffer));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Check(await decoder.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                decoder.Dispose();
            }

            base.Dispose(disposing);
        }

        private int Check(int read)
        {
            _produced += read;
            if (options.MaxDecompressedLength is { } budget && _produced > budget)
            {
                throw new CarFormatException($"the zstd stream expands beyond the budget of {budget} bytes", budget);
            }

            // The allowance lets a short archive (or the first large section of a long one) through whatever its
            // ratio; past it, output grows only in proportion to input.
            long allowed = ExpansionAllowance(options) + (compressed.BytesRead * options.MaxExpansionRatio);
            if (_produced > allowed)
            {
                throw new CarFormatException(
                    $"the zstd stream expands more than {options.MaxExpansionRatio} times ({compressed.BytesRead} compressed bytes gave over {allowed}): a decompression bomb, or an archive that needs a larger CarReaderOptions.MaxExpansionRatio",
                    allowed);
            }

            return read;
        }
    }

    /// <summary>Decompressed bytes allowed before the ratio applies: room for two sections of the largest size.</summary>
    internal static long ExpansionAllowance(CarReaderOptions options) => 2L * options.MaxSectionLength;

    /// <summary>The parts of <see cref="Stream"/> a forward-only source does not have.</summary>
    private abstract class ReadOnlyStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public abstract override int Read(Span<byte> buffer);

        public abstract override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
