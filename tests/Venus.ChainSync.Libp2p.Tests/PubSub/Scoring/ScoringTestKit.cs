using System.Net;
using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.Libp2p.PubSub.Scoring;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p.Tests.PubSub.Scoring;

/// <summary>Peers, ids and parameter sets for the scoring tests: one topic, every term off unless a test turns it on.</summary>
internal static class ScoringTestKit
{
    public const string Topic = "/test/topic";

    /// <summary>Exact to the last bit for sums of small binary fractions; a little slack for products of decays.</summary>
    public const double Tolerance = 1e-9;

    public static PeerId Peer(int n) => PeerId.FromBytes([0x00, 0x05, (byte)(n >> 24), (byte)(n >> 16), (byte)(n >> 8), (byte)n, 0x51]);

    /// <summary>A 32-byte message id, as Filecoin's are.</summary>
    public static byte[] Id(int n)
    {
        byte[] id = new byte[32];
        BitConverter.TryWriteBytes(id, n);
        id[31] = 0xA5;
        return id;
    }

    public static IPAddress[] NoAddresses { get; } = [];

    /// <summary>A topic with every term off: weight 1, and the two values go's validation wants set whatever the weights.</summary>
    public static TopicScoreParameters QuietTopic { get; } = new()
    {
        TopicWeight = 1,
        TimeInMeshQuantum = TimeSpan.FromSeconds(1),
        InvalidMessageDeliveriesDecay = 0.5,
    };

    /// <summary>Scoring of <see cref="Topic"/> with <paramref name="topic"/>, every peer-wide term off, decay each second.</summary>
    public static PeerScoreParameters Parameters(TopicScoreParameters? topic = null) => new()
    {
        Topics = new Dictionary<string, TopicScoreParameters> { [Topic] = topic ?? QuietTopic },
        AppSpecificScore = _ => 0,
        DecayInterval = TimeSpan.FromSeconds(1),
        DecayToZero = 0.01,
    };

    /// <summary>A scorer on a fake clock with <paramref name="peers"/> connected (no addresses).</summary>
    public static PeerScore Scorer(PeerScoreParameters parameters, FakeTimeProvider clock, params PeerId[] peers) =>
        Scorer(parameters, clock, PeerScoreLimits.Default, peers);

    /// <summary>As the other overload, within <paramref name="limits"/>.</summary>
    public static PeerScore Scorer(PeerScoreParameters parameters, FakeTimeProvider clock, PeerScoreLimits limits, params PeerId[] peers)
    {
        var scorer = new PeerScore(parameters, clock, limits);
        foreach (PeerId peer in peers)
        {
            scorer.AddPeer(peer, NoAddresses);
        }

        return scorer;
    }

    /// <summary>Moves the clock on and runs the heartbeat's refresh once.</summary>
    public static void Tick(this PeerScore scorer, FakeTimeProvider clock, TimeSpan by)
    {
        clock.Advance(by);
        scorer.RefreshScores();
    }

    /// <summary>A message first received from <paramref name="from"/>, validated and accepted at once.</summary>
    public static void Deliver(this PeerScore scorer, int message, PeerId from, string topic = Topic)
    {
        scorer.ValidateMessage(Id(message), topic);
        scorer.DeliverMessage(Id(message), from, topic);
    }

    /// <summary>A message first received from <paramref name="from"/>, rejected by the validator.</summary>
    public static void DeliverInvalid(this PeerScore scorer, int message, PeerId from, string topic = Topic)
    {
        scorer.ValidateMessage(Id(message), topic);
        scorer.RejectMessage(Id(message), from, topic, MessageRejection.ValidationFailed);
    }
}
