using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Libp2p.Negotiation;

/// <summary>
/// The framing of one multistream-select message (libp2p/specs connections/README.md): a uvarint length, the UTF-8
/// text, and a <c>'\n'</c> that the length counts. Reads take exactly one message from a <see cref="PipeReader"/> and
/// leave every byte after it there, so the protocol that follows the negotiation finds its first bytes.
/// </summary>
internal static class MultistreamMessage
{
    /// <summary>Longest message accepted, newline included: go-multistream's cap (<c>lpReadBuf</c> in
    /// multistream.go refuses a length over 1024 with <c>ErrTooLarge</c>), so nothing longer would reach a go peer
    /// either.</summary>
    public const int MaxLength = 1024;

    // A length of MaxLength takes two varint bytes; anything longer is refused once its prefix is seen.
    private const int MaxPrefixLength = 2;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Bytes <paramref name="text"/> takes on the wire, prefix and newline included.</summary>
    public static int SizeOf(string text)
    {
        int length = StrictUtf8.GetByteCount(text) + 1;
        return Varint.SizeOf((ulong)length) + length;
    }

    /// <summary>Whether <paramref name="text"/> fits one message under <see cref="MaxLength"/>.</summary>
    public static bool Fits(string text) => StrictUtf8.GetByteCount(text) + 1 <= MaxLength;

    /// <summary>Encodes one message into <paramref name="destination"/> and returns the bytes written.</summary>
    /// <exception cref="ArgumentException">The text does not <see cref="Fits"/>, or the destination is too
    /// small.</exception>
    public static int Encode(string text, Span<byte> destination)
    {
        if (!Fits(text))
        {
            throw new ArgumentException($"A multistream message takes at most {MaxLength - 1} bytes of text.", nameof(text));
        }

        int length = StrictUtf8.GetByteCount(text) + 1;
        int written = Varint.Write((ulong)length, destination);
        written += StrictUtf8.GetBytes(text, destination[written..]);
        destination[written++] = (byte)'\n';
        return written;
    }

    /// <summary>Writes one message into <paramref name="output"/>'s buffer (not flushed).</summary>
    /// <exception cref="ArgumentException">The text does not <see cref="Fits"/>.</exception>
    public static void Write(PipeWriter output, string text)
    {
        int written = Encode(text, output.GetSpan(MaxPrefixLength + MaxLength));
        output.Advance(written);
    }

    /// <summary>Writes one message whose body is raw bytes (the <c>ls</c> answer nests messages) into
    /// <paramref name="output"/>'s buffer.</summary>
    public static void WriteRaw(PipeWriter output, ReadOnlySpan<byte> body)
    {
        int length = body.Length + 1;
        if (length > MaxLength)
        {
            throw new ArgumentException($"A multistream message takes at most {MaxLength - 1} bytes.", nameof(body));
        }

        Span<byte> span = output.GetSpan(MaxPrefixLength + length);
        int written = Varint.Write((ulong)length, span);
        body.CopyTo(span[written..]);
        written += body.Length;
        span[written++] = (byte)'\n';
        output.Advance(written);
    }

    /// <summary>
    /// Reads the next message, without its newline.
    /// </summary>
    /// <returns>The text, or null when the input ended cleanly before a message began.</returns>
    /// <exception cref="Libp2pProtocolException">A bad length, a missing newline, text that is not UTF-8, or an end
    /// of input inside a message.</exception>
    public static async ValueTask<string?> ReadAsync(PipeReader input, CancellationToken ct)
    {
        while (true)
        {
            ReadResult result = await input.ReadAsync(ct).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (TryParse(buffer, out string? text, out SequencePosition consumed))
            {
                input.AdvanceTo(consumed);
                return text;
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                bool empty = buffer.IsEmpty;
                input.AdvanceTo(buffer.Start, buffer.End);
                if (empty && result.IsCompleted)
                {
                    return null;
                }

                throw result.IsCanceled
                    ? new OperationCanceledException("The read was cancelled.")
                    : new Libp2pProtocolException(MultistreamSelect.ProtocolId, "the stream ended inside a message");
            }

            // Nothing is consumed, everything seen: wake when more arrives. At most MaxLength + 2 bytes are ever
            // held for one message, since a longer length is refused from its prefix.
            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Parses one message at the start of <paramref name="buffer"/>; false when more bytes are needed.</summary>
    private static bool TryParse(ReadOnlySequence<byte> buffer, out string? text, out SequencePosition consumed)
    {
        text = null;
        consumed = buffer.Start;
        if (!TryReadLength(buffer, out int length, out int prefix))
        {
            return false;
        }

        if (buffer.Length - prefix < length)
        {
            return false;
        }

        ReadOnlySequence<byte> body = buffer.Slice(prefix, length);
        Span<byte> bytes = stackalloc byte[MaxLength];
        body.CopyTo(bytes);
        bytes = bytes[..length];
        if (bytes[^1] != (byte)'\n')
        {
            throw new Libp2pProtocolException(MultistreamSelect.ProtocolId, "a message did not end with a newline");
        }

        try
        {
            text = StrictUtf8.GetString(bytes[..^1]);
        }
        catch (DecoderFallbackException e)
        {
            throw new Libp2pProtocolException(MultistreamSelect.ProtocolId, "a message was not UTF-8", e);
        }

        consumed = body.End;
        return true;
    }

    /// <summary>Reads the length prefix; false when more bytes are needed, throws when it is malformed or past the
    /// cap (decided from at most <see cref="MaxPrefixLength"/> + 1 bytes, so a run of continuation bytes is refused
    /// at once instead of being buffered).</summary>
    private static bool TryReadLength(ReadOnlySequence<byte> buffer, out int length, out int prefix)
    {
        length = 0;
        prefix = 0;
        Span<byte> head = stackalloc byte[MaxPrefixLength + 1];
        int available = (int)Math.Min(buffer.Length, head.Length);
        buffer.Slice(0, available).CopyTo(head);
        head = head[..available];
        if (Varint.TryRead(head, out ulong value, out prefix))
        {
            if (value == 0 || value > MaxLength)
            {
                throw new Libp2pProtocolException(
                    MultistreamSelect.ProtocolId, value == 0 ? "an empty message (no newline)" : $"a message longer than {MaxLength} bytes");
            }

            length = (int)value;
            return true;
        }

        int terminator = head.IndexOfAnyInRange((byte)0, (byte)0x7F);
        if (terminator >= 0 || available > MaxPrefixLength)
        {
            // Either not minimal, or at least three bytes of prefix: a length of 2^14 or more.
            throw new Libp2pProtocolException(MultistreamSelect.ProtocolId, "a malformed or oversized length prefix");
        }

        return false;
    }
}
