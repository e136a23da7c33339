using System.Buffers;

namespace Venus.ChainSync.Primitives.Cbor;

/// <summary>Writes one item with a <see cref="DagCborWriter"/>.</summary>
public delegate void DagCborWriteAction<in TState>(DagCborWriter writer, TState state);

/// <summary>Reads one item at the reader's position; byte fields may be sliced from <paramref name="source"/>.</summary>
internal delegate T DagCborItemReader<out T>(ref DagCborReader reader, ReadOnlyMemory<byte> source);

/// <summary>Entry points for encoding whole items and for the limits every typed decoder applies.</summary>
public static class DagCbor
{
    /// <summary>
    /// Longest byte string a typed decoder accepts (cbor-gen's <c>ByteArrayMaxLen</c>, 2 MiB, which Lotus applies
    /// to every byte field).
    /// </summary>
    public const int MaxByteStringLength = 2 << 20;

    /// <summary>Longest list a chain object may hold (cbor-gen's <c>MaxLength</c>, 8 192, as Lotus generates it).</summary>
    public const int MaxListLength = 8192;

    /// <summary>Encodes one item into a new exactly-sized array.</summary>
    public static byte[] Encode<TState>(TState state, DagCborWriteAction<TState> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var buffer = new ArrayBufferWriter<byte>(256);
        write(new DagCborWriter(buffer), state);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes one item that must fill <paramref name="data"/> exactly.</summary>
    internal static T DecodeWhole<T>(ReadOnlyMemory<byte> data, DagCborItemReader<T> read)
    {
        var reader = new DagCborReader(data.Span);
        T item = read(ref reader, data);
        reader.ExpectEnd();
        return item;
    }

    /// <summary>
    /// Checks that <paramref name="data"/> is exactly one item of strict DAG-CBOR (any shape), throwing
    /// <see cref="DagCborException"/> where it is not.
    /// </summary>
    public static void Validate(ReadOnlySpan<byte> data)
    {
        var reader = new DagCborReader(data);
        reader.SkipValue();
        reader.ExpectEnd();
    }
}
