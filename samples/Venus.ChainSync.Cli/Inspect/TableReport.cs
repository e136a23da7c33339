using System.Globalization;
using System.Text;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Cli.Inspect;

// Inside the namespace: the Venus.ChainSync.Network namespace (from the hosting references) would otherwise win the lookup.
using Network = Venus.ChainSync.Primitives.Network;

/// <summary>
/// The default output: one row per reached object in walk order, in aligned plain-text columns
/// (<c>KIND</c>, <c>CID</c>, <c>DETAILS</c>), then a few summary lines.
/// </summary>
internal static class TableReport
{
    private const string Gap = "  ";

    /// <summary>Writes the table and the summary.</summary>
    public static async Task WriteAsync(WalkResult result, Network network, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(output);
        foreach (string line in Lines(result, network))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await output.WriteLineAsync(line).ConfigureAwait(false);
        }

        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every line of the report, without line ends.</summary>
    public static IEnumerable<string> Lines(WalkResult result, Network network)
    {
        ArgumentNullException.ThrowIfNull(result);
        var rows = result.Objects.Select(o => (Kind: KindOf(o), Cid: o.Cid.ToString(), Details: Details(o, network))).ToList();
        int kindWidth = rows.Select(r => r.Kind.Length).Append("KIND".Length).Max();
        int cidWidth = rows.Select(r => r.Cid.Length).Append("CID".Length).Max();

        yield return Row("KIND", kindWidth, "CID", cidWidth, "DETAILS");
        foreach (var (kind, cid, details) in rows)
        {
            yield return Row(kind, kindWidth, cid, cidWidth, details);
        }

        WalkSummary summary = result.Summary;
        yield return "";
        var perKind = ObjectKindNames.All.Select(k => $"{summary.CountOf(k)} {k.Name()}");
        yield return $"objects: {summary.Objects} reached ({string.Join(", ", perKind)}), {summary.Errors} failed";
        yield return $"archive: {summary.Blocks} blocks, {summary.Roots} {Plural(summary.Roots, "root")}, " +
            $"{summary.Missing} missing, {summary.NotReached} not reached";
        yield return summary.Errors == 0 ? "result: ok" : $"result: FAILED ({summary.Errors} {Plural(summary.Errors, "object")} failed)";
    }

    private static string KindOf(InspectedObject inspected) => inspected.IsError ? ObjectKindNames.Error : inspected.Kind.Name();

    private static string Details(InspectedObject inspected, Network network) => inspected switch
    {
        FailedObject failed => $"expected {failed.Kind.Name()}: {failed.Error}",
        HeaderObject h => string.Create(
            CultureInfo.InvariantCulture,
            $"height {h.Header.Height}, miner {h.Header.Miner.ToString(network)}, weight {h.Header.ParentWeight}, " +
            $"time {h.Header.Timestamp}, {h.Header.Parents.Cids.Length} {Plural(h.Header.Parents.Cids.Length, "parent")}, " +
            $"messages {Count(h.BlsMessageCount)} bls + {Count(h.SecpkMessageCount)} secpk"),
        MsgMetaObject m => $"bls {m.Meta.BlsMessages}, secpk {m.Meta.SecpkMessages}",
        AmtRootObject r => $"height {r.Root.Height}, count {r.Root.Count}",
        AmtNodeObject n => $"height {n.Height}, {n.Node.UsedSlots().Count()} slots",
        MessageObject m => MessageDetails(m.Message, network),
        SignedMessageObject s => MessageDetails(s.SignedMessage.Message, network) + $", {s.SignedMessage.Signature.Type} signature",
        _ => "",
    };

    private static string MessageDetails(Message message, Network network) =>
        $"{message.From.ToString(network)} -> {message.To.ToString(network)}, nonce {message.Nonce}, " +
        $"value {message.Value} attoFIL, method {message.Method}";

    private static string Count(ulong? count) => count?.ToString(CultureInfo.InvariantCulture) ?? "?";

    private static string Plural(int count, string noun) => count == 1 ? noun : noun + "s";

    private static string Row(string kind, int kindWidth, string cid, int cidWidth, string details) =>
        new StringBuilder()
            .Append(kind.PadRight(kindWidth)).Append(Gap)
            .Append(cid.PadRight(cidWidth)).Append(Gap)
            .Append(details)
            .ToString()
            .TrimEnd();
}
