using System.Buffers.Binary;

namespace Venus.ChainSync.Libp2p.Multiplexing;

/// <summary>Yamux frame types (hashicorp/yamux spec.md, "Type Field").</summary>
internal enum YamuxFrameType : byte
{
    /// <summary>Stream data; the length counts the payload bytes that follow.</summary>
    Data = 0,

    /// <summary>A stream receive-window delta in the length field.</summary>
    WindowUpdate = 1,

    /// <summary>Session ping (SYN) or pong (ACK); the length is an opaque value echoed back.</summary>
    Ping = 2,

    /// <summary>Session termination; the length is a <see cref="YamuxGoAwayCode"/>.</summary>
    GoAway = 3,
}

/// <summary>Yamux frame flags (spec.md, "Flag Field"); bits not listed are ignored, as go-yamux does.</summary>
[Flags]
internal enum YamuxFlags : ushort
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>Opens a stream; on a ping, a request.</summary>
    Syn = 1,

    /// <summary>Accepts a stream; on a ping, the answer.</summary>
    Ack = 2,

    /// <summary>Half-closes the sender's direction.</summary>
    Fin = 4,

    /// <summary>Resets the stream at once.</summary>
    Rst = 8,
}

/// <summary>GoAway error codes (spec.md, "Session termination").</summary>
internal enum YamuxGoAwayCode : uint
{
    /// <summary>Normal termination.</summary>
    Normal = 0,

    /// <summary>The receiver of the GoAway broke the protocol.</summary>
    ProtocolError = 1,

    /// <summary>The sender failed internally.</summary>
    InternalError = 2,
}

/// <summary>
/// The 12-byte Yamux frame header: version (always 0), type, flags, stream id and length, big-endian
/// (spec.md, "Framing"). Reading checks version and type, so no later code sees a frame it cannot interpret.
/// </summary>
/// <param name="Type">The frame type.</param>
/// <param name="Flags">The flags.</param>
/// <param name="StreamId">The stream; 0 is the session (pings and GoAway).</param>
/// <param name="Length">Payload length, window delta, ping value or GoAway code, by type.</param>
internal readonly record struct YamuxHeader(YamuxFrameType Type, YamuxFlags Flags, uint StreamId, uint Length)
{
    /// <summary>Encoded size of a header.</summary>
    public const int Size = 12;

    /// <summary>The only protocol version defined (spec.md, "Version Field"; go-yamux const.go protoVersion).</summary>
    public const byte Version = 0;

    /// <summary>Reads a header from exactly <see cref="Size"/> bytes.</summary>
    /// <exception cref="Libp2pProtocolException">The version is not 0 or the type is unknown.</exception>
    public static YamuxHeader Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes[0] != Version)
        {
            throw new Libp2pProtocolException(YamuxSession.ProtocolId, $"frame version {bytes[0]}, only 0 is defined");
        }

        byte type = bytes[1];
        if (type > (byte)YamuxFrameType.GoAway)
        {
            throw new Libp2pProtocolException(YamuxSession.ProtocolId, $"unknown frame type {type}");
        }

        return new YamuxHeader(
            (YamuxFrameType)type,
            (YamuxFlags)BinaryPrimitives.ReadUInt16BigEndian(bytes[2..]),
            BinaryPrimitives.ReadUInt32BigEndian(bytes[4..]),
            BinaryPrimitives.ReadUInt32BigEndian(bytes[8..]));
    }

    /// <summary>Writes the header into the first <see cref="Size"/> bytes of <paramref name="destination"/>.</summary>
    public void Write(Span<byte> destination)
    {
        destination[0] = Version;
        destination[1] = (byte)Type;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)Flags);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], StreamId);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], Length);
    }
}
