using System.Buffers;
using System.IO.Pipelines;
using Google.Protobuf;
using Venus.ChainSync.Libp2p.Protobuf;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Libp2p.PubSub;

/// <summary>
/// The framing of floodsub and gossipsub streams (libp2p/specs pubsub/README.md, "The RPC"): each RPC is a uvarint
/// length and that many bytes of protobuf, one after another for as long as the stream lives.
/// </summary>
/// <remarks>
/// <para>The length is checked against the bound before a byte of the body is buffered, so an RPC claiming a huge
/// length costs nothing. The body is then copied out of the pipe as it arrives, which lets Yamux grant its window
/// again (a 1 MiB RPC does not fit one 256 KiB window), into a buffer that grows with what arrived: a peer that
/// announces 1 MiB and sends 10 bytes holds about 16 KiB of ours, not 1 MiB.</para>
/// <para>Stream handling (negotiation, idle time-outs, resetting on failure) is the caller's.</para>
/// </remarks>
internal static class RpcFraming
{
    /// <summary>Name used in <see cref="Libp2pProtocolException"/>: the framing is the same for every pubsub
    /// protocol id (<c>/floodsub/1.0.0</c>, <c>/meshsub/1.0.0</c> to <c>/meshsub/1.2.0</c>).</summary>
    public const string ProtocolName = "pubsub";

    /// <summary>
    /// Largest RPC, prefix excluded: go-libp2p-pubsub's <c>DefaultMaxMessageSize</c> (1 MiB, pubsub.go), which bounds
    /// the whole RPC (comm.go reads with <c>msgio.NewVarintReaderSize(s, maxMessageSize)</c>). Lotus keeps it
    /// (node/modules/lp2p/pubsub.go: "the default message size of 1 MiB, which isn't overridden in Lotus"), and
    /// Forest sets the same (<c>max_transmit_size(1 &lt;&lt; 20)</c>).
    /// </summary>
    public const int DefaultMaxRpcBytes = 1 << 20;

    /// <summary>First buffer for a body that has not all arrived; it doubles as more arrives, up to the length.</summary>
    private const int InitialBodyBuffer = 16 * 1024;

    /// <summary>
    /// Reads the next RPC.
    /// </summary>
    /// <param name="input">The stream's input; left just after the RPC.</param>
    /// <param name="maxRpcBytes">Largest body accepted (see <see cref="DefaultMaxRpcBytes"/>).</param>
    /// <param name="ct">Cancels the read (the input is then in an undefined position: reset the stream).</param>
    /// <returns>The RPC, or null when the input ended cleanly between two RPCs.</returns>
    /// <exception cref="Libp2pProtocolException">A length past <paramref name="maxRpcBytes"/>, a malformed length
    /// prefix, an end of input inside an RPC, or a body that is not an RPC protobuf (or nests too deep).</exception>
    public static async ValueTask<RPC?> ReadAsync(PipeReader input, int maxRpcBytes = DefaultMaxRpcBytes, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRpcBytes);
        while (true)
        {
            ReadResult result = await input.ReadAsync(ct).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            int length;
            int prefix;
            bool complete;
            try
            {
                complete = TryReadLength(buffer, maxRpcBytes, out length, out prefix);
            }
            catch (Libp2pProtocolException)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                throw;
            }

            if (!complete)
            {
                bool empty = buffer.IsEmpty;
                input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    return empty ? null : throw Violation("the stream ended inside a length prefix");
                }

                ThrowIfCanceled(result);
                continue;
            }

            if (length == 0)
            {
                // An empty RPC says nothing: skipped unparsed, as a parse costs a 4 KiB buffer (Google.Protobuf's
                // CodedInputStream) and a peer sending one-byte frames would cost us thousands of times its bytes.
                input.AdvanceTo(buffer.GetPosition(prefix));
                continue;
            }

            if (buffer.Length - prefix >= length)
            {
                ReadOnlySequence<byte> frame = buffer.Slice(prefix, length);
                try
                {
                    return Parse(frame);
                }
                finally
                {
                    input.AdvanceTo(frame.End);
                }
            }

            // Not all here: copy what is and consume it, so the sender may go on sending.
            ReadOnlySequence<byte> partial = buffer.Slice(prefix);
            byte[] body = new byte[Math.Min(length, Math.Max(InitialBodyBuffer, (int)partial.Length))];
            partial.CopyTo(body);
            int filled = (int)partial.Length;
            input.AdvanceTo(buffer.End);
            if (result.IsCompleted)
            {
                throw Violation($"the stream ended after {filled} of an RPC's {length} bytes");
            }

            ThrowIfCanceled(result);
            body = await ReadBodyAsync(input, body, filled, length, ct).ConfigureAwait(false);
            return Parse(body.AsSpan(0, length));
        }
    }

    /// <summary>
    /// Writes <paramref name="rpc"/> with its length prefix into <paramref name="output"/>'s buffer (not flushed).
    /// </summary>
    /// <exception cref="ArgumentException">The RPC is longer than <paramref name="maxRpcBytes"/>: a peer would refuse
    /// it, so the caller must split it (as go's <c>fragmentRPC</c> does) or drop what does not fit.</exception>
    public static void Write(PipeWriter output, RPC rpc, int maxRpcBytes = DefaultMaxRpcBytes)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(rpc);
        int size = rpc.CalculateSize();
        if (size > maxRpcBytes)
        {
            throw new ArgumentException($"The RPC takes {size} bytes, past {maxRpcBytes}; split it.", nameof(rpc));
        }

        int prefix = Varint.Write((ulong)size, output.GetSpan(Varint.MaxLength));
        output.Advance(prefix);
        rpc.WriteTo(output);
    }

    /// <summary>Writes <paramref name="rpc"/> as <see cref="Write"/> does, then flushes.</summary>
    /// <inheritdoc cref="Write" path="/exception"/>
    public static async ValueTask WriteAsync(PipeWriter output, RPC rpc, int maxRpcBytes = DefaultMaxRpcBytes, CancellationToken ct = default)
    {
        Write(output, rpc, maxRpcBytes);
        await output.FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Bytes the prefix of a length up to <paramref name="maxRpcBytes"/> can take.</summary>
    internal static int MaxPrefixLength(int maxRpcBytes) => Varint.SizeOf((ulong)maxRpcBytes);

    private static async ValueTask<byte[]> ReadBodyAsync(PipeReader input, byte[] body, int filled, int length, CancellationToken ct)
    {
        while (filled < length)
        {
            ReadResult result = await input.ReadAsync(ct).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            ReadOnlySequence<byte> taken = buffer.Slice(0, Math.Min(buffer.Length, length - filled));
            if (filled + taken.Length > body.Length)
            {
                // Grow with what arrived, never past the announced length.
                Array.Resize(ref body, (int)Math.Min(length, Math.Max(filled + taken.Length, 2L * body.Length)));
            }

            taken.CopyTo(body.AsSpan(filled));
            filled += (int)taken.Length;
            input.AdvanceTo(taken.End);
            if (filled < length)
            {
                if (result.IsCompleted)
                {
                    throw Violation($"the stream ended after {filled} of an RPC's {length} bytes");
                }

                ThrowIfCanceled(result);
            }
        }

        return body;
    }

    /// <summary>
    /// Reads the length prefix; false when more bytes are needed. Decided from at most one byte more than the longest
    /// prefix <paramref name="maxRpcBytes"/> allows, so a run of continuation bytes is refused at once.
    /// </summary>
    private static bool TryReadLength(ReadOnlySequence<byte> buffer, int maxRpcBytes, out int length, out int prefix)
    {
        length = 0;
        prefix = 0;
        int longest = MaxPrefixLength(maxRpcBytes);
        Span<byte> head = stackalloc byte[Varint.MaxLength];
        int available = (int)Math.Min(buffer.Length, longest + 1);
        head = head[..available];
        buffer.Slice(0, available).CopyTo(head);
        if (Varint.TryRead(head, out ulong value, out prefix))
        {
            if (value > (ulong)maxRpcBytes)
            {
                throw Violation($"an RPC of {value} bytes, past {maxRpcBytes}");
            }

            length = (int)value;
            return true;
        }

        // No terminating byte yet within a prefix that could still be short enough: wait. Anything else (a
        // terminator that makes it non-minimal, or more continuation bytes than the bound needs) is refused.
        bool unterminated = head.IndexOfAnyInRange((byte)0, (byte)0x7F) < 0;
        if (unterminated && available <= longest)
        {
            return false;
        }

        throw Violation(unterminated ? $"a length prefix longer than an RPC of {maxRpcBytes} bytes needs" : "a malformed length prefix");
    }

    private static RPC Parse(ReadOnlySequence<byte> frame)
    {
        try
        {
            return ProtobufInput.Parse(RPC.Parser, frame);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw Violation("an RPC that is not an RPC protobuf", e);
        }
    }

    private static RPC Parse(ReadOnlySpan<byte> body)
    {
        try
        {
            return ProtobufInput.Parse(RPC.Parser, body);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw Violation("an RPC that is not an RPC protobuf", e);
        }
    }

    private static void ThrowIfCanceled(ReadResult result)
    {
        if (result.IsCanceled)
        {
            throw new OperationCanceledException("The read was cancelled.");
        }
    }

    private static Libp2pProtocolException Violation(string message, Exception? inner = null) => new(ProtocolName, message, inner);
}
