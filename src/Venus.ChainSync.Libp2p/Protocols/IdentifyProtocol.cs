using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Google.Protobuf;
using Venus.ChainSync.Libp2p.Protobuf;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Libp2p.Protocols;

/// <summary>
/// identify and identify/push (libp2p/specs identify/README.md): one side writes uvarint-length-delimited
/// <c>Identify</c> protobufs and closes; the other reads them to the end of the stream and merges them, as
/// go-libp2p's <c>readAllIDMessages</c> does (protobuf merge: a later scalar replaces, repeated fields append).
/// </summary>
/// <remarks>Stream handling (negotiation, closing, resetting on failure) is the caller's; these only write and read
/// the messages.</remarks>
internal static class IdentifyProtocol
{
    /// <summary>The identify protocol id: the opener asks, the other side answers.</summary>
    public const string Id = "/ipfs/id/1.0.0";

    /// <summary>The push protocol id: the opener tells what changed.</summary>
    public const string PushId = "/ipfs/id/push/1.0.0";

    /// <summary>Largest message this host sends: go's <c>maxOwnIdentifyMsgSize</c> (4 KiB, "to be compatible with
    /// rust-libp2p", whose reader takes one message of at most that).</summary>
    public const int MaxOwnMessageBytes = 4 * 1024;

    /// <summary>
    /// Writes <paramref name="info"/> as one delimited message and flushes. go splits a message only to send a
    /// signed peer record apart (<c>writeChunkedIdentifyMsg</c>); this host sends none, so one message always
    /// does, and it must fit <see cref="MaxOwnMessageBytes"/> (rust-libp2p reads no more).
    /// </summary>
    /// <exception cref="ArgumentException">The message would pass <see cref="MaxOwnMessageBytes"/>; list fewer
    /// addresses.</exception>
    public static async ValueTask WriteAsync(PipeWriter output, IdentifyInfo info, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(info);
        Identify message = ToMessage(info);
        int size = message.CalculateSize();
        if (size > MaxOwnMessageBytes)
        {
            throw new ArgumentException($"The identify message takes {size} bytes, past {MaxOwnMessageBytes}.", nameof(info));
        }

        int prefix = Varint.Write((ulong)size, output.GetSpan(Varint.MaxLength));
        output.Advance(prefix);
        message.WriteTo(output);
        await output.FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads delimited identify messages until the end of the stream and merges them.
    /// </summary>
    /// <returns>What the peer sent; <see cref="IdentifyInfo.Empty"/> when it closed without a message.</returns>
    /// <exception cref="Libp2pProtocolException">A message past a bound of <paramref name="limits"/>, one that is
    /// not a protobuf, the stream ending inside a message, or no end within <see cref="IdentifyLimits.Timeout"/>.
    /// </exception>
    public static async ValueTask<IdentifyInfo> ReadAsync(
        PipeReader input, IdentifyLimits limits, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(time);
        using var deadline = new CancellationTokenSource(limits.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        try
        {
            var merged = new Identify();
            int messages = 0;
            while (true)
            {
                ReadResult result = await input.ReadAsync(linked.Token).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                if (TryReadFrame(buffer, limits.MaxMessageBytes, out ReadOnlySequence<byte> frame))
                {
                    if (++messages > limits.MaxMessages)
                    {
                        throw Violation($"more than {limits.MaxMessages} messages");
                    }

                    merged.MergeFrom(Parse(frame));
                    input.AdvanceTo(frame.End);
                    Check(merged, limits);
                    continue;
                }

                bool empty = buffer.IsEmpty;
                input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    return empty ? ToInfo(merged) : throw Violation("the stream ended inside a message");
                }

                if (result.IsCanceled)
                {
                    throw new OperationCanceledException("The read was cancelled.");
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw Violation($"no end of stream within {limits.Timeout}");
        }
    }

    /// <summary>The protobuf form of <paramref name="info"/> (absent fields left unset).</summary>
    internal static Identify ToMessage(IdentifyInfo info)
    {
        var message = new Identify();
        if (info.ProtocolVersion is not null)
        {
            message.ProtocolVersion = info.ProtocolVersion;
        }

        if (info.AgentVersion is not null)
        {
            message.AgentVersion = info.AgentVersion;
        }

        if (!info.PublicKey.IsEmpty)
        {
            message.PublicKey = ByteString.CopyFrom(info.PublicKey.Span);
        }

        message.ListenAddrs.AddRange(info.ListenAddresses.Select(a => ByteString.CopyFrom(a.Bytes.Span)));
        if (info.ObservedAddress is not null)
        {
            message.ObservedAddr = ByteString.CopyFrom(info.ObservedAddress.Bytes.Span);
        }

        message.Protocols.AddRange(info.Protocols);
        return message;
    }

    /// <summary>Finds one whole delimited frame at the start of <paramref name="buffer"/>; false when more bytes
    /// are needed. The length is checked against <paramref name="maxBytes"/> before anything is waited for.</summary>
    private static bool TryReadFrame(ReadOnlySequence<byte> buffer, int maxBytes, out ReadOnlySequence<byte> frame)
    {
        frame = default;
        Span<byte> head = stackalloc byte[Varint.MaxLength];
        int available = (int)Math.Min(buffer.Length, head.Length);
        buffer.Slice(0, available).CopyTo(head);
        head = head[..available];
        if (!Varint.TryRead(head, out ulong length, out int prefix))
        {
            bool unterminated = head.IndexOfAnyInRange((byte)0, (byte)0x7F) < 0;
            return unterminated && available < Varint.MaxLength
                ? false
                : throw Violation("a malformed length prefix");
        }

        if (length > (ulong)maxBytes)
        {
            throw Violation($"a message of {length} bytes, past {maxBytes}");
        }

        if ((ulong)(buffer.Length - prefix) < length)
        {
            return false;
        }

        frame = buffer.Slice(prefix, (long)length);
        return true;
    }

    private static Identify Parse(ReadOnlySequence<byte> frame)
    {
        try
        {
            return ProtobufInput.Parse(Identify.Parser, frame);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw Violation("a message that is not an Identify protobuf", e);
        }
    }

    /// <summary>Checks the merged message so far, so a peer cannot grow it past the bounds message by message.</summary>
    private static void Check(Identify merged, IdentifyLimits limits)
    {
        if (merged.Protocols.Count > limits.MaxProtocols)
        {
            throw Violation($"more than {limits.MaxProtocols} protocols");
        }

        if (merged.ListenAddrs.Count > limits.MaxAddresses)
        {
            throw Violation($"more than {limits.MaxAddresses} listen addresses");
        }

        foreach (string protocol in merged.Protocols)
        {
            if (protocol.Length == 0 || Encoding.UTF8.GetByteCount(protocol) > limits.MaxProtocolIdLength)
            {
                throw Violation($"a protocol id empty or longer than {limits.MaxProtocolIdLength} bytes");
            }
        }
    }

    private static IdentifyInfo ToInfo(Identify message)
    {
        var addresses = new List<Multiaddr>(message.ListenAddrs.Count);
        int skipped = 0;
        foreach (ByteString bytes in message.ListenAddrs)
        {
            // go-libp2p skips what it cannot parse too (consumeMessage: "failed to parse multiaddr", continue).
            if (Multiaddr.TryFromBytes(bytes.Span, out Multiaddr? address))
            {
                addresses.Add(address);
            }
            else
            {
                skipped++;
            }
        }

        Multiaddr? observed = message.HasObservedAddr && Multiaddr.TryFromBytes(message.ObservedAddr.Span, out Multiaddr? o) ? o : null;
        return new IdentifyInfo(
            message.HasProtocolVersion ? message.ProtocolVersion : null,
            message.HasAgentVersion ? message.AgentVersion : null,
            message.HasPublicKey ? message.PublicKey.ToByteArray() : ReadOnlyMemory<byte>.Empty,
            addresses,
            observed,
            [.. message.Protocols],
            skipped);
    }

    private static Libp2pProtocolException Violation(string message, Exception? inner = null) =>
        new(Id, message, inner);
}
