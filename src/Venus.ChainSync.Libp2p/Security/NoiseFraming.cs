using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;

namespace Venus.ChainSync.Libp2p.Security;

/// <summary>
/// noise-libp2p's wire format (libp2p/specs noise/README.md, "Wire Format"): every Noise message is preceded by its
/// length as a 16-bit big-endian integer, so no message exceeds 65535 bytes.
/// </summary>
internal static class NoiseFraming
{
    /// <summary>Longest Noise message (the spec's and Noise's own 65535-byte limit).</summary>
    public const int MaxMessageLength = ushort.MaxValue;

    /// <summary>Size of the length prefix.</summary>
    public const int PrefixLength = 2;

    /// <summary>Longest plaintext of one transport message (go-libp2p rw.go, MaxPlaintextLength: 65535 − 16).</summary>
    public const int MaxPlaintextLength = MaxMessageLength - NoiseCipher.TagLength;

    /// <summary>Takes one whole message off the front of <paramref name="buffer"/>, if it holds one.</summary>
    public static bool TryReadMessage(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> message)
    {
        message = default;
        if (buffer.Length < PrefixLength)
        {
            return false;
        }

        Span<byte> prefix = stackalloc byte[PrefixLength];
        buffer.Slice(0, PrefixLength).CopyTo(prefix);
        int length = BinaryPrimitives.ReadUInt16BigEndian(prefix);
        if (buffer.Length < PrefixLength + length)
        {
            return false;
        }

        message = buffer.Slice(PrefixLength, length);
        buffer = buffer.Slice(message.End);
        return true;
    }

    /// <summary>
    /// Reads one handshake message from <paramref name="reader"/>, consuming exactly its bytes (whatever follows stays
    /// in the reader for the transport phase).
    /// </summary>
    /// <exception cref="Libp2pProtocolException">The connection ended before a whole message.</exception>
    public static async ValueTask<byte[]> ReadMessageAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (TryReadMessage(ref buffer, out ReadOnlySequence<byte> message))
            {
                byte[] bytes = message.ToArray(); // at most 65535 bytes, bounded by the prefix
                reader.AdvanceTo(buffer.Start);
                return bytes;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCanceled)
            {
                throw new OperationCanceledException("The read of a Noise handshake message was cancelled.");
            }

            if (result.IsCompleted)
            {
                throw new Libp2pProtocolException(NoiseHandshake.ProtocolId, $"the connection ended inside a handshake message ({buffer.Length} bytes of it came)");
            }
        }
    }

    /// <summary>Writes <paramref name="message"/> with its prefix and flushes.</summary>
    /// <exception cref="IOException">The remote no longer reads.</exception>
    public static async ValueTask WriteMessageAsync(PipeWriter writer, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        if (message.Length > MaxMessageLength)
        {
            throw new ArgumentException($"A Noise message is at most {MaxMessageLength} bytes.", nameof(message));
        }

        Span<byte> span = writer.GetSpan(PrefixLength + message.Length);
        BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)message.Length);
        message.Span.CopyTo(span[PrefixLength..]);
        writer.Advance(PrefixLength + message.Length);
        FlushResult flush = await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (flush.IsCompleted)
        {
            throw new IOException("The remote stopped reading during the Noise handshake.");
        }
    }
}
