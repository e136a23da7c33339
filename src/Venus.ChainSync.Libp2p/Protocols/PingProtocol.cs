using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Venus.ChainSync.Libp2p.Protocols;

/// <summary>
/// ping (libp2p/specs ping/ping.md): the dialler writes 32 random bytes, the listener echoes them, the dialler times
/// the round trip; the dialler may repeat on the same stream and closes its side when done.
/// </summary>
/// <remarks>Timings are go-libp2p's (p2p/protocol/ping/ping.go). go sets no ping rate: its handler echoes as fast as
/// payloads come, within a 30 s stream deadline and a 10 s wait for each payload. An echo costs what the peer sent
/// (32 bytes out for 32 in, and the read waits on the write), so the same two bounds suffice here.</remarks>
internal static class PingProtocol
{
    /// <summary>The protocol id.</summary>
    public const string Id = "/ipfs/ping/1.0.0";

    /// <summary>Bytes in every payload (the spec's 32; go's <c>PingSize</c>).</summary>
    public const int PayloadLength = 32;

    /// <summary>Longest wait for a payload or its echo (go's <c>pingTimeout</c>, 10 s).</summary>
    public static readonly TimeSpan PayloadTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Longest a served stream lives (go's <c>pingDuration</c>, 30 s, its stream deadline); a pinger that
    /// wants more opens a new stream.</summary>
    public static readonly TimeSpan StreamLifetime = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Serves one ping stream: echoes each payload until the dialler closes its side, no payload starts within
    /// <see cref="PayloadTimeout"/>, or <see cref="StreamLifetime"/> passes; then completes the output.
    /// </summary>
    /// <exception cref="Libp2pProtocolException">The dialler closed or stalled past <see cref="PayloadTimeout"/>
    /// inside a payload; the caller resets the stream.</exception>
    public static async Task ServeAsync(IDuplexPipe stream, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(time);
        using var lifetime = new CancellationTokenSource(StreamLifetime, time);
        using var serving = CancellationTokenSource.CreateLinkedTokenSource(ct, lifetime.Token);
        byte[] payload = new byte[PayloadLength];
        var seen = new StrongBox<int>();
        while (true)
        {
            using var wait = new CancellationTokenSource(PayloadTimeout, time);
            using var reading = CancellationTokenSource.CreateLinkedTokenSource(serving.Token, wait.Token);
            try
            {
                if (!await ReadPayloadAsync(stream.Input, payload, seen, reading.Token).ConfigureAwait(false))
                {
                    break;
                }

                await stream.Output.WriteAsync(payload, serving.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // Past the lifetime, or silent between payloads: close, as go does. Stalled inside one: a fault.
                if (!lifetime.IsCancellationRequested && (seen.Value > 0 || HasUnreadBytes(stream.Input)))
                {
                    throw new Libp2pProtocolException(Id, $"a payload stalled for {PayloadTimeout}");
                }

                break;
            }
        }

        await stream.Output.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Pings once on an open ping stream: writes a random payload, reads the echo, and returns the round trip
    /// measured on <paramref name="time"/>. The stream stays open for another ping.
    /// </summary>
    /// <exception cref="Libp2pProtocolException">The echo differs, the stream ended, or no echo came within
    /// <see cref="PayloadTimeout"/>.</exception>
    public static async ValueTask<TimeSpan> PingAsync(IDuplexPipe stream, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(time);
        using var deadline = new CancellationTokenSource(PayloadTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        byte[] sent = RandomNumberGenerator.GetBytes(PayloadLength);
        byte[] echo = new byte[PayloadLength];
        try
        {
            long start = time.GetTimestamp();
            await stream.Output.WriteAsync(sent, linked.Token).ConfigureAwait(false);
            if (!await ReadPayloadAsync(stream.Input, echo, new StrongBox<int>(), linked.Token).ConfigureAwait(false))
            {
                throw new Libp2pProtocolException(Id, "the stream ended before the echo");
            }

            TimeSpan roundTrip = time.GetElapsedTime(start);
            return sent.AsSpan().SequenceEqual(echo) ? roundTrip : throw new Libp2pProtocolException(Id, "the echo differs from the payload");
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new Libp2pProtocolException(Id, $"no echo within {PayloadTimeout}");
        }
    }

    /// <summary>Reads one whole payload into <paramref name="destination"/>; false when the input ended cleanly
    /// before it began. <paramref name="seen"/> holds the bytes of the payload already waiting, so that a caller
    /// whose read was cancelled can tell a stall inside a payload from silence between payloads.</summary>
    /// <exception cref="Libp2pProtocolException">The input ended inside the payload.</exception>
    private static async ValueTask<bool> ReadPayloadAsync(
        PipeReader input, byte[] destination, StrongBox<int> seen, CancellationToken ct)
    {
        seen.Value = 0;
        while (true)
        {
            ReadResult result = await input.ReadAsync(ct).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (buffer.Length >= destination.Length)
            {
                ReadOnlySequence<byte> payload = buffer.Slice(0, destination.Length);
                payload.CopyTo(destination);
                input.AdvanceTo(payload.End);
                seen.Value = 0;
                return true;
            }

            bool empty = buffer.IsEmpty;
            seen.Value = (int)buffer.Length;
            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return empty ? false : throw new Libp2pProtocolException(Id, "the stream ended inside a payload");
            }

            if (result.IsCanceled)
            {
                // Someone called CancelPendingRead: the owner is ending the stream.
                throw new OperationCanceledException("The read was cancelled.");
            }
        }
    }

    /// <summary>Whether bytes arrived that the cancelled read had not yet looked at (the timer and the data can race;
    /// bytes it did look at are in <c>seen</c>).</summary>
    private static bool HasUnreadBytes(PipeReader input)
    {
        if (!input.TryRead(out ReadResult result))
        {
            return false;
        }

        bool any = !result.Buffer.IsEmpty;
        input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        return any;
    }
}
