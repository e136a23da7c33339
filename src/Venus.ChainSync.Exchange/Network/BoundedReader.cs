using System.Buffers;
using System.IO.Pipelines;

namespace Venus.ChainSync.Network;

/// <summary>
/// Reads one message from an untrusted stream within <see cref="ReadLimits"/>: never buffers more than the size
/// cap, and gives up on a peer that is silent, slow or past the deadline. Time comes from a <see cref="TimeProvider"/>,
/// so tests drive the limits with a fake clock.
/// </summary>
internal static class BoundedReader
{
    // Most messages (greetings, requests, small responses) fit the first buffer; larger ones double up to the cap.
    private const int InitialCapacity = 4096;

    /// <summary>
    /// Reads until the peer completes its side, or until <paramref name="isComplete"/> says the bytes so far form a
    /// whole message (for peers that do not half-close), and returns the bytes.
    /// </summary>
    /// <exception cref="BoundedReadException">A limit was hit or the stream failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async ValueTask<byte[]> ReadMessageAsync(
        PipeReader input,
        ReadLimits limits,
        TimeProvider time,
        Func<ReadOnlySequence<byte>, bool>? isComplete,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(time);
        limits.Validate();

        using var deadline = new CancellationTokenSource(limits.Deadline, time);
        using var progress = new CancellationTokenSource(limits.FirstByteTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token, progress.Token);
        long started = time.GetTimestamp();
        long consumedTotal = 0;
        byte[] message = ArrayPool<byte>.Shared.Rent((int)Math.Min(InitialCapacity, limits.MaxBytes));
        int length = 0;
        try
        {
            while (true)
            {
                ReadResult result = await input.ReadAsync(linked.Token).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                if (length + buffer.Length > limits.MaxBytes)
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                    throw new BoundedReadException(ReadFailure.TooLarge, $"message larger than {limits.MaxBytes} bytes");
                }

                // Take what arrived off the stream rather than leave it in the pipe: a multiplexed stream (Yamux)
                // grants its flow-control window again only for bytes consumed, so a message larger than the window
                // would otherwise stall until the deadline.
                Append(ref message, ref length, buffer, limits.MaxBytes);
                input.AdvanceTo(buffer.End);
                if (result.IsCompleted || (isComplete is not null && length > 0 && isComplete(new ReadOnlySequence<byte>(message, 0, length))))
                {
                    return message.AsSpan(0, length).ToArray();
                }

                if (result.IsCanceled)
                {
                    throw new BoundedReadException(ReadFailure.StreamError, "read was cancelled by the stream");
                }

                if (length > consumedTotal && limits.MinBytesPerSecond > 0)
                {
                    // After the first byte the peer must average the minimum speed: the next progress is due by the
                    // time the bytes so far would have taken at that speed (counted from the first byte).
                    consumedTotal = length;
                    TimeSpan elapsed = time.GetElapsedTime(started);
                    TimeSpan allowed = limits.FirstByteTimeout + TimeSpan.FromSeconds((double)consumedTotal / limits.MinBytesPerSecond);
                    progress.CancelAfter(allowed > elapsed ? allowed - elapsed : TimeSpan.Zero);
                }
                else if (length > consumedTotal)
                {
                    consumedTotal = length;
                    progress.CancelAfter(Timeout.InfiniteTimeSpan);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            if (deadline.IsCancellationRequested)
            {
                throw new BoundedReadException(ReadFailure.Deadline, $"no whole message within {limits.Deadline}");
            }

            throw consumedTotal == 0
                ? new BoundedReadException(ReadFailure.NoResponse, $"nothing received within {limits.FirstByteTimeout}")
                : new BoundedReadException(ReadFailure.TooSlow, $"peer sent {consumedTotal} bytes, slower than {limits.MinBytesPerSecond} B/s");
        }
        catch (Exception ex) when (ex is not BoundedReadException and not OperationCanceledException)
        {
            throw new BoundedReadException(ReadFailure.StreamError, $"stream failed: {ex.Message}", ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(message);
        }
    }

    /// <summary>Copies <paramref name="data"/> after the <paramref name="length"/> bytes of
    /// <paramref name="buffer"/>, renting a larger buffer when it does not fit (never beyond
    /// <paramref name="maxBytes"/>, which the caller checked).</summary>
    private static void Append(ref byte[] buffer, ref int length, ReadOnlySequence<byte> data, long maxBytes)
    {
        int needed = length + (int)data.Length;
        if (needed > buffer.Length)
        {
            long doubled = Math.Max((long)buffer.Length * 2, needed);
            byte[] larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Min(doubled, maxBytes), Array.MaxLength));
            buffer.AsSpan(0, length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = larger;
        }

        data.CopyTo(buffer.AsSpan(length));
        length = needed;
    }
}
