using System.Buffers;
using Google.Protobuf;

namespace Venus.ChainSync.Libp2p.Protobuf;

/// <summary>
/// Parses a protobuf message from a peer with limits fit for libp2p's flat messages: unknown fields are skipped,
/// not kept, and nesting (groups in unknown fields included) stops at <see cref="RecursionLimit"/> levels.
/// </summary>
/// <remarks>
/// Google.Protobuf's own default keeps every unknown field and allows 100 levels of nested groups: the
/// <c>libp2p-key</c> fuzz target found 55 bytes of nested unknown groups costing 24 KB (an exception raised 27 levels
/// down, with its stack trace). None of our messages nests deeper than two levels.
/// </remarks>
internal static class ProtobufInput
{
    /// <summary>Deepest nesting accepted (the Noise payload's extensions are the deepest: two).</summary>
    public const int RecursionLimit = 8;

    /// <summary>Parses <paramref name="bytes"/> (already bounded by the caller) as one message.</summary>
    /// <exception cref="InvalidProtocolBufferException">Not such a message, or nested too deep.</exception>
    public static T Parse<T>(MessageParser<T> parser, ReadOnlySpan<byte> bytes)
        where T : IMessage<T>
    {
        using var stream = new MemoryStream(bytes.ToArray(), writable: false);
        using var input = CodedInputStream.CreateWithLimits(stream, Math.Max(1, bytes.Length), RecursionLimit); // the limit must be positive; an empty message is valid protobuf
        return parser.WithDiscardUnknownFields(true).ParseFrom(input);
    }

    /// <inheritdoc cref="Parse{T}(MessageParser{T}, ReadOnlySpan{byte})"/>
    public static T Parse<T>(MessageParser<T> parser, ReadOnlySequence<byte> bytes)
        where T : IMessage<T> =>
        bytes.IsSingleSegment ? Parse(parser, bytes.FirstSpan) : Parse(parser, (ReadOnlySpan<byte>)bytes.ToArray());
}
