using System.Text.Json;

namespace Venus.ChainSync.Interop.Tests.Harness;

/// <summary>
/// The pubsub commands and events (tests/interop/js-peer/pubsub.mjs), for a peer started with
/// <see cref="JsPeerOptions.PubSub"/>. Waits go through the event log (<see cref="FirstEventAsync"/>), so waiting
/// for one kind of event never loses another.
/// </summary>
public sealed partial class JsPeerProcess
{
    /// <summary>Lotus's blocks topic for <paramref name="network"/> (build.BlocksTopic).</summary>
    public static string BlocksTopic(string network) => "/fil/blocks/" + network;

    /// <summary>Lotus's messages topic for <paramref name="network"/> (build.MessagesTopic).</summary>
    public static string MessagesTopic(string network) => "/fil/msgs/" + network;

    /// <summary>
    /// Joins <paramref name="topic"/> (under gossipsub only Lotus's allowlisted topics, see
    /// <see cref="JsPeerOptions.Network"/>); returns every topic the peer is now subscribed to.
    /// </summary>
    public async Task<IReadOnlyList<string>> SubscribeAsync(string topic, CancellationToken cancellationToken = default) =>
        Strings(await SendAsync("subscribe", new { topic }, cancellationToken).ConfigureAwait(false), "topics");

    /// <summary>Leaves <paramref name="topic"/>; returns the topics left.</summary>
    public async Task<IReadOnlyList<string>> UnsubscribeAsync(string topic, CancellationToken cancellationToken = default) =>
        Strings(await SendAsync("unsubscribe", new { topic }, cancellationToken).ConfigureAwait(false), "topics");

    /// <summary>
    /// Publishes <paramref name="data"/> on <paramref name="topic"/>, signed with the peer's key. Succeeds with no
    /// recipients when nobody is subscribed (as go-libp2p-pubsub does); fails on data published before (same id).
    /// </summary>
    public async Task<JsPublishResult> PublishAsync(string topic, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        JsonElement reply = await SendAsync("publish", new { topic, data = Convert.ToHexStringLower(data.Span) }, cancellationToken).ConfigureAwait(false);
        return new JsPublishResult(reply.GetProperty("msgId").GetString() ?? "", Strings(reply, "recipients"));
    }

    /// <summary>
    /// Sets <paramref name="topic"/>'s validator, which runs on every message received on it before it is delivered
    /// or forwarded: accept all, or reject (the sender's score pays) or ignore (quietly dropped) the messages whose
    /// data starts with <paramref name="prefix"/>. Each verdict is an event (<see cref="WaitForValidationAsync"/>).
    /// </summary>
    public async Task SetValidatorAsync(string topic, JsValidatorMode mode, ReadOnlyMemory<byte> prefix = default, CancellationToken cancellationToken = default)
    {
        string wire = mode switch
        {
            JsValidatorMode.Accept => "accept",
            JsValidatorMode.RejectIfDataPrefix => "reject-if-data-prefix",
            JsValidatorMode.IgnoreIfDataPrefix => "ignore-if-data-prefix",
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
        };
        await SendAsync("validator", new { topic, mode = wire, prefix = Convert.ToHexStringLower(prefix.Span) }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Gossipsub's score of <paramref name="peer"/> (cached by js gossipsub for one heartbeat, 1 s) and the live
    /// counters under it. Counters decay every second, so compare them with a margin, never for equality.
    /// </summary>
    public async Task<JsPeerScore> ScoreAsync(string peer, CancellationToken cancellationToken = default) =>
        Read<JsPeerScore>(await SendAsync("score", new { peer }, cancellationToken).ConfigureAwait(false));

    /// <summary>The peers in the peer's gossipsub mesh for <paramref name="topic"/>.</summary>
    public async Task<IReadOnlyList<string>> MeshAsync(string topic, CancellationToken cancellationToken = default) =>
        Strings(await SendAsync("mesh", new { topic }, cancellationToken).ConfigureAwait(false), "peers");

    /// <summary>The peers known to be subscribed to <paramref name="topic"/> (pubsub's getSubscribers).</summary>
    public async Task<IReadOnlyList<string>> SubscribersAsync(string topic, CancellationToken cancellationToken = default) =>
        Strings(await SendAsync("peers", new { topic }, cancellationToken).ConfigureAwait(false), "peers");

    /// <summary>The first message delivered to the peer (seen so far or still to come) for which <paramref name="match"/> holds.</summary>
    public async Task<JsPubSubMessage> WaitForMessageAsync(Func<JsPubSubMessage, bool> match, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(match);
        JsonElement e = await FirstEventAsync("message", e => match(JsPubSubMessage.FromEvent(e)), cancellationToken).ConfigureAwait(false);
        return JsPubSubMessage.FromEvent(e);
    }

    /// <summary>Every message delivered to the peer so far, oldest first.</summary>
    public IReadOnlyList<JsPubSubMessage> MessagesSoFar() => [.. EventsSoFar("message").Select(JsPubSubMessage.FromEvent)];

    /// <summary>The first validator verdict (seen so far or still to come) for which <paramref name="match"/> holds.</summary>
    public async Task<JsValidation> WaitForValidationAsync(Func<JsValidation, bool> match, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(match);
        JsonElement e = await FirstEventAsync("validated", e => match(JsValidation.FromEvent(e)), cancellationToken).ConfigureAwait(false);
        return JsValidation.FromEvent(e);
    }

    /// <summary>Returns once <paramref name="peer"/> has told this peer it joined (or left) <paramref name="topic"/>.</summary>
    public Task WaitForSubscriptionAsync(string peer, string topic, bool subscribe = true, CancellationToken cancellationToken = default) =>
        FirstEventAsync(
            "subscription",
            e => e.GetProperty("peer").GetString() == peer && e.GetProperty("topic").GetString() == topic && e.GetProperty("subscribe").GetBoolean() == subscribe,
            cancellationToken);

    /// <summary>Returns once <paramref name="peer"/> is in this peer's gossipsub mesh for <paramref name="topic"/> (a GRAFT either way).</summary>
    public Task WaitForGraftAsync(string peer, string topic, CancellationToken cancellationToken = default) =>
        FirstEventAsync(
            "graft",
            e => e.GetProperty("peer").GetString() == peer && e.GetProperty("topic").GetString() == topic,
            cancellationToken);

    /// <summary>Returns once <paramref name="peer"/> has left this peer's gossipsub mesh for <paramref name="topic"/> (a PRUNE either way).</summary>
    public Task WaitForPruneAsync(string peer, string topic, CancellationToken cancellationToken = default) =>
        FirstEventAsync(
            "prune",
            e => e.GetProperty("peer").GetString() == peer && e.GetProperty("topic").GetString() == topic,
            cancellationToken);

    private static string[] Strings(JsonElement reply, string name) =>
        [.. reply.GetProperty(name).EnumerateArray().Select(s => s.GetString() ?? "")];
}

/// <summary>Which messages a topic validator lets through (<see cref="JsPeerProcess.SetValidatorAsync"/>).</summary>
public enum JsValidatorMode
{
    /// <summary>Accept every message (the validator a topic has from its subscription on).</summary>
    Accept,

    /// <summary>Reject the messages whose data starts with the prefix: not delivered, not forwarded, the sender penalised (P4).</summary>
    RejectIfDataPrefix,

    /// <summary>Ignore the messages whose data starts with the prefix: not delivered, not forwarded, nobody penalised.</summary>
    IgnoreIfDataPrefix,
}

/// <summary>A topic validator's verdict.</summary>
public enum JsVerdict
{
    /// <summary>Delivered and forwarded.</summary>
    Accept,

    /// <summary>Dropped, counted against the peer it came from.</summary>
    Reject,

    /// <summary>Dropped quietly.</summary>
    Ignore,
}

/// <summary>A publish: the message id (lower-case hex of blake2b-256 of the data) and the peers it was sent to.</summary>
public sealed record JsPublishResult(string MsgId, IReadOnlyList<string> Recipients);

/// <summary>
/// A message as the JS peer delivered it: <see cref="From"/> is its signed author, <see cref="ReceivedFrom"/> the
/// peer that handed it over; <see cref="MsgId"/> is lower-case hex of blake2b-256 of <see cref="Data"/>.
/// </summary>
public sealed record JsPubSubMessage(string Topic, ReadOnlyMemory<byte> Data, string? From, string? Seqno, string? ReceivedFrom, string MsgId)
{
    internal static JsPubSubMessage FromEvent(JsonElement e) => new(
        e.GetProperty("topic").GetString() ?? "",
        Convert.FromHexString(e.GetProperty("data").GetString() ?? ""),
        e.GetProperty("from").GetString(),
        e.GetProperty("seqno").GetString(),
        e.GetProperty("receivedFrom").GetString(),
        e.GetProperty("msgId").GetString() ?? "");
}

/// <summary>A verdict of the JS peer's topic validator on a message received from <see cref="ReceivedFrom"/>.</summary>
public sealed record JsValidation(string Topic, ReadOnlyMemory<byte> Data, string? From, string? ReceivedFrom, string MsgId, JsVerdict Verdict)
{
    internal static JsValidation FromEvent(JsonElement e) => new(
        e.GetProperty("topic").GetString() ?? "",
        Convert.FromHexString(e.GetProperty("data").GetString() ?? ""),
        e.GetProperty("from").GetString(),
        e.GetProperty("receivedFrom").GetString(),
        e.GetProperty("msgId").GetString() ?? "",
        e.GetProperty("verdict").GetString() switch
        {
            "accept" => JsVerdict.Accept,
            "reject" => JsVerdict.Reject,
            "ignore" => JsVerdict.Ignore,
            var other => throw new JsPeerCommandException($"unknown verdict {other}"),
        });
}

/// <summary>
/// Gossipsub's view of one peer: <see cref="Score"/> as js gossipsub routes by it, and the counters it is made of
/// (<see cref="Known"/> false: the router keeps no record of the peer).
/// </summary>
public sealed record JsPeerScore(double Score, bool Known, double BehaviourPenalty, IReadOnlyDictionary<string, JsTopicScoreCounters> Topics);

/// <summary>
/// One topic's score counters for a peer: P1 (<see cref="MeshTimeMs"/>), P2 (<see cref="FirstMessageDeliveries"/>),
/// P3 (<see cref="MeshMessageDeliveries"/>, weighted 0 as in Lotus), P4 (<see cref="InvalidMessageDeliveries"/>).
/// </summary>
public sealed record JsTopicScoreCounters(bool InMesh, double MeshTimeMs, double FirstMessageDeliveries, double MeshMessageDeliveries, double InvalidMessageDeliveries);
