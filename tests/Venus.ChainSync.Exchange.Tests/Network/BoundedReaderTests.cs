using System.Buffers;
using System.IO.Pipelines;
using Venus.ChainSync.Network;
using Venus.ChainSync.TestSupport;

namespace Venus.ChainSync.Exchange.Tests.Network;

/// <summary>The bounded reader over a flow-controlled stream and at its size cap.</summary>
public sealed class BoundedReaderTests
{
    private static readonly ReadLimits Generous = new(1 << 20, TimeSpan.FromDays(1), 0, TimeSpan.FromDays(1));

    [Fact]
    public async Task Message_larger_than_the_streams_window_is_read_whole()
    {
        byte[] sent = [.. Enumerable.Range(0, 64 * 1024).Select(i => (byte)i)];
        var stream = new WindowedReader(sent, window: 1024);

        byte[] read = await BoundedReader.ReadMessageAsync(stream, Generous, TimeProvider.System, null, TestGuard.Token());

        Assert.Equal(sent, read);
    }

    [Fact]
    public async Task Message_one_byte_over_the_cap_is_refused()
    {
        var pipe = new Pipe();
        Task writing = WriteAndCompleteAsync(pipe.Writer, new byte[4097]);

        BoundedReadException error = await Assert.ThrowsAsync<BoundedReadException>(() =>
            BoundedReader.ReadMessageAsync(pipe.Reader, Generous with { MaxBytes = 4096 }, TimeProvider.System, null, TestGuard.Token()).AsTask());

        Assert.Equal(ReadFailure.TooLarge, error.Failure);
        await writing.WaitAsync(TestGuard.Token());
    }

    [Fact]
    public async Task Whole_item_ends_the_read_without_the_peer_half_closing()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(new byte[] { 1, 2, 3, 4, 5 }, TestGuard.Token());

        byte[] read = await BoundedReader.ReadMessageAsync(pipe.Reader, Generous, TimeProvider.System, bytes => bytes.Length >= 5, TestGuard.Token());

        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, read);
    }

    private static async Task WriteAndCompleteAsync(PipeWriter writer, byte[] data)
    {
        for (int at = 0; at < data.Length; at += 700)
        {
            await writer.WriteAsync(data.AsMemory(at, Math.Min(700, data.Length - at)), TestGuard.Token());
        }

        await writer.CompleteAsync();
    }

    /// <summary>
    /// A stream under flow control, as a Yamux stream is: the peer may send only <c>window</c> bytes past what the
    /// reader consumed. A reader that waits with the window full and nothing consumed would wait for ever on a real
    /// stream; here that read fails at once.
    /// </summary>
    private sealed class WindowedReader(byte[] data, int window) : PipeReader
    {
        private readonly ReadOnlySequence<byte> _all = new(data);
        private long _consumed;
        private long _examined;

        private long Available => Math.Min(_consumed + window, data.Length);

        public override bool TryRead(out ReadResult result)
        {
            result = new ReadResult(_all.Slice(_consumed, Available - _consumed), isCanceled: false, isCompleted: Available == data.Length);
            return true;
        }

        public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            if (_examined == Available && Available < data.Length)
            {
                throw new InvalidOperationException("the reader waits for bytes the window grants only once it consumes");
            }

            TryRead(out ReadResult result);
            return ValueTask.FromResult(result);
        }

        public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
            _consumed = _all.Slice(0, consumed).Length;
            _examined = _all.Slice(0, examined).Length;
        }

        public override void CancelPendingRead()
        {
        }

        public override void Complete(Exception? exception = null)
        {
        }
    }
}
