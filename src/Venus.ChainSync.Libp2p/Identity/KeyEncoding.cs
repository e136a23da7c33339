using Venus.ChainSync.Libp2p.Protobuf;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Libp2p;

/// <summary>
/// The deterministic protobuf form of a libp2p <c>PublicKey</c> or <c>PrivateKey</c> (both are <c>{Type = 1, Data = 2}</c>),
/// as the peer-id spec requires it: minimal varints, fields in tag order, both present, nothing else.
/// </summary>
/// <remarks>Written by hand rather than by the generated classes so that the bytes a peer id is hashed from are
/// evidently the spec's, whatever the protobuf runtime's writer does.</remarks>
internal static class KeyEncoding
{
    /// <summary>The bytes of <c>{Type: type, Data: data}</c>.</summary>
    public static byte[] Encode(KeyType type, ReadOnlySpan<byte> data)
    {
        int lengthSize = Varint.SizeOf((ulong)data.Length);
        byte[] encoded = new byte[2 + 1 + lengthSize + data.Length];
        encoded[0] = 0x08; // field 1, varint
        encoded[1] = (byte)type; // 0 to 3: one byte
        encoded[2] = 0x12; // field 2, length-delimited
        Varint.Write((ulong)data.Length, encoded.AsSpan(3));
        data.CopyTo(encoded.AsSpan(3 + lengthSize));
        return encoded;
    }
}
