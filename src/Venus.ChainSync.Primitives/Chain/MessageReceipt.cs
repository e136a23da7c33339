using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Primitives;

/// <summary>
/// The receipt of an executed message: <c>[ExitCode, Return, GasUsed]</c>, or from the FVM era on
/// <c>[ExitCode, Return, GasUsed, EventsRoot?]</c>. The field count is kept, so a receipt re-encodes as it came.
/// </summary>
public sealed class MessageReceipt
{
    private MessageReceipt(ReadOnlyMemory<byte> rawData) => RawData = rawData;

    /// <summary>Exit code of the message.</summary>
    public long ExitCode { get; private init; }

    /// <summary>Return value (CBOR, opaque here).</summary>
    public ReadOnlyMemory<byte> Return { get; private init; }

    /// <summary>Gas used.</summary>
    public long GasUsed { get; private init; }

    /// <summary>Root of the events AMT, when the receipt has four fields and the message emitted events.</summary>
    public Cid? EventsRoot { get; private init; }

    /// <summary>Whether the receipt has the fourth (<see cref="EventsRoot"/>) field.</summary>
    public bool HasEventsField { get; private init; }

    /// <summary>The exact encoding.</summary>
    public ReadOnlyMemory<byte> RawData { get; }

    /// <summary>Decodes a receipt that fills <paramref name="data"/> exactly; it keeps <paramref name="data"/>.</summary>
    public static MessageReceipt Decode(ReadOnlyMemory<byte> data) => DagCbor.DecodeWhole(data, Read);

    /// <summary>Reads one receipt at the reader's position.</summary>
    public static MessageReceipt Read(ref DagCborReader reader, ReadOnlyMemory<byte> source)
    {
        int start = reader.Position;
        int fields = reader.ReadArrayHeader();
        if (fields is not (3 or 4))
        {
            throw DagCborReader.Fail($"MessageReceipt: expected 3 or 4 fields, found {fields}", start);
        }

        long exitCode = reader.ReadInt64();
        ReadOnlyMemory<byte> ret = reader.ReadBytesSlice(source, "MessageReceipt.Return");
        long gasUsed = reader.ReadInt64();
        Cid? events = fields == 4 ? reader.ReadNullableCid() : null;
        return new MessageReceipt(source[start..reader.Position])
        {
            ExitCode = exitCode,
            Return = ret,
            GasUsed = gasUsed,
            EventsRoot = events,
            HasEventsField = fields == 4,
        };
    }

    /// <summary>Builds a receipt; <paramref name="withEventsField"/> selects the four-field (FVM) form.</summary>
    public static MessageReceipt Create(long exitCode, ReadOnlyMemory<byte> returnValue, long gasUsed, bool withEventsField = true, Cid? eventsRoot = null)
    {
        if (!withEventsField && eventsRoot is not null)
        {
            throw new ArgumentException("An events root needs the four-field form.", nameof(eventsRoot));
        }

        var template = new MessageReceipt(ReadOnlyMemory<byte>.Empty)
        {
            ExitCode = exitCode,
            Return = returnValue,
            GasUsed = gasUsed,
            EventsRoot = eventsRoot,
            HasEventsField = withEventsField,
        };
        return Decode(DagCbor.Encode(template, static (w, r) => r.EncodeFields(w)));
    }

    /// <summary>Encodes the fields afresh (canonically).</summary>
    public void EncodeFields(DagCborWriter writer)
    {
        writer.WriteArrayHeader(HasEventsField ? 4 : 3);
        writer.WriteInt64(ExitCode);
        writer.WriteByteString(Return.Span);
        writer.WriteInt64(GasUsed);
        if (HasEventsField)
        {
            writer.WriteNullableCid(EventsRoot);
        }
    }
}
