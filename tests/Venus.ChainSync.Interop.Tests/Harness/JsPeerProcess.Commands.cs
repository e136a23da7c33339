using System.Text.Json;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Interop.Tests.Harness;

/// <summary>The typed commands: one method per peer.mjs command (see tests/interop/js-peer/commands.mjs).</summary>
public sealed partial class JsPeerProcess
{
    /// <summary>Dials <paramref name="address"/> and returns the remote peer id once the connection is up.</summary>
    public async Task<string> DialAsync(string address, CancellationToken cancellationToken = default)
    {
        JsonElement reply = await SendAsync("dial", new { addr = address }, cancellationToken).ConfigureAwait(false);
        return reply.GetProperty("peer").GetString() ?? "";
    }

    /// <summary>What identify told js-libp2p about <paramref name="peer"/> (waits up to 10 s for identify to finish).</summary>
    public async Task<JsIdentifyResult> IdentifyAsync(string peer, CancellationToken cancellationToken = default) =>
        Read<JsIdentifyResult>(await SendAsync("identify", new { peer }, cancellationToken).ConfigureAwait(false));

    /// <summary>Pings <paramref name="peer"/> over <c>/ipfs/ping/1.0.0</c>; returns the round trip in milliseconds.</summary>
    public async Task<double> PingAsync(string peer, CancellationToken cancellationToken = default)
    {
        JsonElement reply = await SendAsync("ping", new { peer }, cancellationToken).ConfigureAwait(false);
        return reply.GetProperty("rttMs").GetDouble();
    }

    /// <summary>
    /// Sends <paramref name="bytes"/> bytes of <see cref="EchoBytes.Generate"/>(<paramref name="seed"/>) on one
    /// <c>/venus-interop/echo/1.0.0</c> stream, half-closes, and reads the echo back to EOF.
    /// </summary>
    public async Task<JsEchoResult> EchoAsync(string peer, int bytes, int seed, CancellationToken cancellationToken = default) =>
        Read<JsEchoResult>(await SendAsync("echo", new { peer, bytes, seed }, cancellationToken).ConfigureAwait(false));

    /// <summary>Runs <paramref name="count"/> echo streams of <paramref name="bytes"/> each concurrently on the connection.</summary>
    public async Task<JsStreamsResult> StreamsAsync(string peer, int count, int bytes, CancellationToken cancellationToken = default) =>
        Read<JsStreamsResult>(await SendAsync("streams", new { peer, count, bytes }, cancellationToken).ConfigureAwait(false));

    /// <summary>Greets <paramref name="peer"/> with the served head (needs a CAR) and returns its latency answer.</summary>
    public async Task<JsLatency> HelloAsync(string peer, CancellationToken cancellationToken = default)
    {
        JsonElement reply = await SendAsync("hello", new { peer }, cancellationToken).ConfigureAwait(false);
        return new JsLatency(ReadInt64(reply, "tArrival"), ReadInt64(reply, "tSent"));
    }

    /// <summary>
    /// Asks <paramref name="peer"/> over <c>/fil/chain/xchg/0.0.1</c> for <paramref name="length"/> tipsets of
    /// headers from <paramref name="head"/>. The JS side checks every header's CID against its bytes and the parent
    /// links before answering; a broken answer is a <see cref="JsPeerCommandException"/>.
    /// </summary>
    public Task<JsSyncResult> SyncHeadersAsync(string peer, TipSetKey head, int length, CancellationToken cancellationToken = default) =>
        SyncAsync("syncHeaders", peer, head, length, cancellationToken);

    /// <summary>As <see cref="SyncHeadersAsync"/>, asking for headers and messages (Options 3).</summary>
    public Task<JsSyncResult> SyncMessagesAsync(string peer, TipSetKey head, int length, CancellationToken cancellationToken = default) =>
        SyncAsync("syncMessages", peer, head, length, cancellationToken);

    private async Task<JsSyncResult> SyncAsync(string command, string peer, TipSetKey head, int length, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(head);
        string[] cids = [.. head.Cids.Select(c => c.ToString())];
        JsonElement reply = await SendAsync(command, new { peer, head = cids, length }, cancellationToken).ConfigureAwait(false);
        TipSetKey[] tipsets = [.. reply.GetProperty("tipsets").EnumerateArray()
            .Select(t => TipSetKey.Create(t.EnumerateArray().Select(c => Cid.Parse(c.GetString() ?? ""))))];
        long[] heights = [.. reply.GetProperty("heights").EnumerateArray().Select(h => h.GetInt64())];
        JsTipSetMessages?[] messages = reply.TryGetProperty("messages", out JsonElement m) && m.ValueKind == JsonValueKind.Array
            ? [.. m.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? null : e.Deserialize<JsTipSetMessages>(Json))]
            : [];
        return new JsSyncResult(
            reply.GetProperty("status").GetInt32(),
            reply.GetProperty("errorMessage").GetString() ?? "",
            heights,
            tipsets,
            messages);
    }

    private static T Read<T>(JsonElement reply) =>
        reply.Deserialize<T>(Json) ?? throw new JsPeerCommandException($"empty {typeof(T).Name} reply");

    // Unix nanoseconds exceed 2^53, so peer.mjs sends them as decimal strings.
    private static long ReadInt64(JsonElement reply, string name) =>
        long.Parse(reply.GetProperty(name).GetString() ?? "", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>An identify result as js-libp2p saw it.</summary>
public sealed record JsIdentifyResult(
    string Peer,
    IReadOnlyList<string> Protocols,
    string? AgentVersion,
    string? ProtocolVersion,
    IReadOnlyList<string> ListenAddrs,
    string? ObservedAddr);

/// <summary>Bytes sent and echoed back on one stream, with the SHA-256 (lower-case hex) of each.</summary>
public sealed record JsEchoResult(long Sent, long Received, string Sha256Sent, string Sha256Received);

/// <summary>Whether every one of <see cref="Count"/> concurrent echo streams came back intact.</summary>
public sealed record JsStreamsResult(bool AllMatched, int Count);

/// <summary>A hello answer: Unix nanoseconds at which the greeting arrived and the answer was sent.</summary>
public sealed record JsLatency(long TArrival, long TSent);

/// <summary>An exchange answer as the JS client checked it: status, error text, and the tipsets head first.</summary>
public sealed record JsSyncResult(
    int Status,
    string ErrorMessage,
    IReadOnlyList<long> Heights,
    IReadOnlyList<TipSetKey> TipSets,
    IReadOnlyList<JsTipSetMessages?> Messages);

/// <summary>One tipset's CompactedMessages in summary: distinct BLS and secp message counts, and each block's includes.</summary>
public sealed record JsTipSetMessages(int Bls, int Secpk, IReadOnlyList<IReadOnlyList<int>> BlsIncludes, IReadOnlyList<IReadOnlyList<int>> SecpkIncludes);
