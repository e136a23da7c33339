using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Cli.Inspect;

// Inside the namespace: the Venus.ChainSync.Network namespace (from the hosting references) would otherwise win the lookup.
using Network = Venus.ChainSync.Primitives.Network;

/// <summary>
/// The <c>--json</c> output: one compact JSON object per line, one per reached object in walk order, then one
/// <c>{"summary": {…}}</c> line.
/// </summary>
/// <remarks>
/// Fields by kind (every line has <c>cid</c> and <c>kind</c>):
/// <list type="bullet">
/// <item><c>header</c>: <c>height</c>, <c>miner</c>, <c>parents</c>, <c>parentWeight</c> (decimal string),
/// <c>messages</c>, <c>timestamp</c>, <c>blsMessages</c>, <c>secpkMessages</c> (AMT root counts, or null).</item>
/// <item><c>msgmeta</c>: <c>bls</c>, <c>secpk</c>.</item>
/// <item><c>amt</c>: <c>height</c>, <c>count</c>.</item>
/// <item><c>amtnode</c>: <c>height</c>, <c>slots</c> (used slots).</item>
/// <item><c>message</c>, <c>signedmessage</c>: <c>to</c>, <c>from</c>, <c>nonce</c>, <c>value</c> (attoFIL,
/// decimal string), <c>method</c>.</item>
/// <item><c>error</c>: <c>expected</c> (the kind expected there), <c>error</c> (why).</item>
/// </list>
/// Big integers are strings so no JSON reader loses digits; addresses use the chosen network's letter.
/// </remarks>
internal sealed class JsonReport : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(512);
    private readonly Utf8JsonWriter _json;
    private readonly Network _network;

    public JsonReport(Network network)
    {
        _network = network;
        // The output is read by programs and people, never embedded in HTML: the relaxed encoder keeps decoder
        // messages readable ('x', <, >) instead of \u0027-escaping them. Control characters are still escaped.
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    /// <summary>Writes every object line and the summary line.</summary>
    public static async Task WriteAsync(WalkResult result, Network network, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(output);
        using var report = new JsonReport(network);
        foreach (InspectedObject inspected in result.Objects)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await output.WriteLineAsync(report.Line(inspected)).ConfigureAwait(false);
        }

        await output.WriteLineAsync(report.SummaryLine(result.Summary)).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The line for one object.</summary>
    public string Line(InspectedObject inspected)
    {
        ArgumentNullException.ThrowIfNull(inspected);
        Begin();
        _json.WriteString("cid", inspected.Cid.ToString());
        switch (inspected)
        {
            case FailedObject failed:
                _json.WriteString("kind", ObjectKindNames.Error);
                _json.WriteString("expected", failed.Kind.Name());
                _json.WriteString("error", failed.Error);
                break;
            case HeaderObject header:
                _json.WriteString("kind", header.Kind.Name());
                _json.WriteNumber("height", header.Header.Height);
                _json.WriteString("miner", header.Header.Miner.ToString(_network));
                _json.WriteStartArray("parents");
                foreach (Cid parent in header.Header.Parents.Cids)
                {
                    _json.WriteStringValue(parent.ToString());
                }

                _json.WriteEndArray();
                _json.WriteString("parentWeight", header.Header.ParentWeight.ToString(CultureInfo.InvariantCulture));
                _json.WriteString("messages", header.Header.Messages.ToString());
                _json.WriteNumber("timestamp", header.Header.Timestamp);
                WriteNullableNumber("blsMessages", header.BlsMessageCount);
                WriteNullableNumber("secpkMessages", header.SecpkMessageCount);
                break;
            case MsgMetaObject meta:
                _json.WriteString("kind", meta.Kind.Name());
                _json.WriteString("bls", meta.Meta.BlsMessages.ToString());
                _json.WriteString("secpk", meta.Meta.SecpkMessages.ToString());
                break;
            case AmtRootObject root:
                _json.WriteString("kind", root.Kind.Name());
                _json.WriteNumber("height", root.Root.Height);
                _json.WriteNumber("count", root.Root.Count);
                break;
            case AmtNodeObject node:
                _json.WriteString("kind", node.Kind.Name());
                _json.WriteNumber("height", node.Height);
                _json.WriteNumber("slots", node.Node.UsedSlots().Count());
                break;
            case MessageObject message:
                _json.WriteString("kind", message.Kind.Name());
                WriteMessageFields(message.Message);
                break;
            case SignedMessageObject signed:
                _json.WriteString("kind", signed.Kind.Name());
                WriteMessageFields(signed.SignedMessage.Message);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(inspected), inspected.GetType().Name, "no JSON form for this object");
        }

        return End();
    }

    /// <summary>The closing <c>{"summary": {…}}</c> line.</summary>
    public string SummaryLine(WalkSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        Begin();
        _json.WriteStartObject("summary");
        _json.WriteNumber("objects", summary.Objects);
        foreach (ObjectKind kind in ObjectKindNames.All)
        {
            _json.WriteNumber(kind.Name(), summary.CountOf(kind));
        }

        _json.WriteNumber("errors", summary.Errors);
        _json.WriteNumber("blocks", summary.Blocks);
        _json.WriteNumber("roots", summary.Roots);
        _json.WriteNumber("missing", summary.Missing);
        _json.WriteNumber("notReached", summary.NotReached);
        _json.WriteEndObject();
        return End();
    }

    public void Dispose() => _json.Dispose();

    private void Begin()
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        _json.WriteStartObject();
    }

    private string End()
    {
        _json.WriteEndObject();
        _json.Flush();
        return Encoding.UTF8.GetString(_buffer.WrittenSpan);
    }

    private void WriteMessageFields(Message message)
    {
        _json.WriteString("to", message.To.ToString(_network));
        _json.WriteString("from", message.From.ToString(_network));
        _json.WriteNumber("nonce", message.Nonce);
        _json.WriteString("value", message.Value.ToString());
        _json.WriteNumber("method", message.Method);
    }

    private void WriteNullableNumber(string name, ulong? value)
    {
        if (value is { } number)
        {
            _json.WriteNumber(name, number);
        }
        else
        {
            _json.WriteNull(name);
        }
    }
}
