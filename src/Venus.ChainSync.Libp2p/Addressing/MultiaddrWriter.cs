using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Libp2p;

/// <summary>Appends components in the binary form: the code, then the value (length-prefixed where the protocol says).</summary>
internal sealed class MultiaddrWriter(ReadOnlySpan<byte> start)
{
    private readonly List<byte> _bytes = [.. start];

    public void Add(MultiaddrProtocol protocol, ReadOnlySpan<byte> value)
    {
        Span<byte> varint = stackalloc byte[10];
        _bytes.AddRange(varint[..Varint.Write((ulong)protocol, varint)]);
        if (MultiaddrCodec.FixedLength(protocol) is null)
        {
            _bytes.AddRange(varint[..Varint.Write((ulong)value.Length, varint)]);
        }

        _bytes.AddRange(value);
    }

    public byte[] ToArray() => [.. _bytes];
}
