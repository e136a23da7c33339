using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.Libp2p.PubSub.Scoring;
using Venus.ChainSync.Network;
using static Venus.ChainSync.Libp2p.Tests.PubSub.Scoring.ScoringTestKit;

namespace Venus.ChainSync.Libp2p.Tests.PubSub.Scoring;

/// <summary>Which rejections count as invalid deliveries (P4) and for whom, as go's <c>RejectMessage</c> and
/// <c>DuplicateMessage</c> decide.</summary>
public sealed class RejectionTests
{
    private static readonly PeerId Sender = Peer(1);
    private static readonly PeerId EarlyCopy = Peer(2);
    private static readonly PeerId LateCopy = Peer(3);

    // P4 weight −1: the score is minus the square of the invalid deliveries.
    private static readonly PeerScoreParameters P4 = Parameters(QuietTopic with { InvalidMessageDeliveriesWeight = -1 });
    private readonly FakeTimeProvider _clock = new();

    [Theory]
    [InlineData(nameof(MessageRejection.ValidationFailed), -1)]
    [InlineData(nameof(MessageRejection.MissingSignature), -1)]
    [InlineData(nameof(MessageRejection.InvalidSignature), -1)]
    [InlineData(nameof(MessageRejection.UnexpectedSignature), -1)]
    [InlineData(nameof(MessageRejection.UnexpectedAuthInfo), -1)]
    [InlineData(nameof(MessageRejection.SelfOrigin), -1)]
    [InlineData(nameof(MessageRejection.ValidationIgnored), 0)]
    [InlineData(nameof(MessageRejection.ValidationThrottled), 0)]
    [InlineData(nameof(MessageRejection.ValidationQueueFull), 0)]
    [InlineData(nameof(MessageRejection.BlacklistedPeer), 0)]
    [InlineData(nameof(MessageRejection.BlacklistedSource), 0)]
    public void Only_the_reasons_go_counts_as_invalid_penalise_the_sender(string reason, double expected)
    {
        PeerScore scorer = Scorer(P4, _clock, Sender);
        scorer.ValidateMessage(Id(1), Topic);

        scorer.RejectMessage(Id(1), Sender, Topic, Enum.Parse<MessageRejection>(reason));

        Assert.Equal(expected, scorer.Score(Sender));
    }

    [Fact]
    public void A_failed_validation_penalises_every_peer_that_sent_a_copy_during_it_and_every_later_copy()
    {
        PeerScore scorer = Scorer(P4, _clock, Sender, EarlyCopy, LateCopy);
        byte[] id = Id(1);
        scorer.ValidateMessage(id, Topic);
        scorer.DuplicateMessage(id, EarlyCopy, Topic);

        scorer.RejectMessage(id, Sender, Topic, MessageRejection.ValidationFailed);
        scorer.DuplicateMessage(id, LateCopy, Topic);
        scorer.DuplicateMessage(id, LateCopy, Topic); // every copy of an invalid message counts

        Assert.Equal(-1, scorer.Score(Sender));
        Assert.Equal(-1, scorer.Score(EarlyCopy));
        Assert.Equal(-4, scorer.Score(LateCopy));
    }

    [Theory]
    [InlineData(nameof(MessageRejection.ValidationIgnored))]
    [InlineData(nameof(MessageRejection.ValidationThrottled))]
    public void Copies_of_an_ignored_or_throttled_message_move_nothing(string reason)
    {
        PeerScore scorer = Scorer(P4, _clock, Sender, EarlyCopy, LateCopy);
        byte[] id = Id(1);
        scorer.ValidateMessage(id, Topic);
        scorer.DuplicateMessage(id, EarlyCopy, Topic);

        scorer.RejectMessage(id, Sender, Topic, Enum.Parse<MessageRejection>(reason));
        scorer.DuplicateMessage(id, LateCopy, Topic);

        Assert.Equal(0, scorer.Score(EarlyCopy));
        Assert.Equal(0, scorer.Score(LateCopy));
    }

    [Fact]
    public void A_signature_failure_records_nothing_under_the_id()
    {
        // The id of a message whose signature fails is whatever the sender made it; a later honest message with the
        // same id must not be taken for invalid.
        PeerScore scorer = Scorer(P4, _clock, Sender, LateCopy);

        scorer.RejectMessage(Id(1), Sender, Topic, MessageRejection.InvalidSignature);
        scorer.DuplicateMessage(Id(1), LateCopy, Topic);

        Assert.Equal(0, scorer.DeliveryRecordCount);
        Assert.Equal(0, scorer.Score(LateCopy));
    }

    [Fact]
    public void A_second_outcome_for_one_id_is_ignored()
    {
        PeerScore scorer = Scorer(P4, _clock, Sender, LateCopy);
        scorer.Deliver(1, Sender);

        scorer.RejectMessage(Id(1), LateCopy, Topic, MessageRejection.ValidationFailed);

        Assert.Equal(0, scorer.Score(LateCopy));
    }

    [Fact]
    public void A_peer_that_disconnects_before_its_invalid_message_is_judged_is_still_penalised()
    {
        PeerScore scorer = Scorer(P4 with { RetainScore = TimeSpan.FromMinutes(1) }, _clock, Sender);
        scorer.ValidateMessage(Id(1), Topic);
        scorer.RemovePeer(Sender); // score 0: retained

        scorer.RejectMessage(Id(1), Sender, Topic, MessageRejection.ValidationFailed);

        Assert.Equal(-1, scorer.Score(Sender));
    }

    [Fact]
    public void Message_ids_must_be_non_empty_and_bounded()
    {
        PeerScore scorer = Scorer(P4, _clock, Sender);

        Assert.Throws<ArgumentException>(() => scorer.ValidateMessage([], Topic));
        Assert.Throws<ArgumentException>(() => scorer.DeliverMessage(new byte[257], Sender, Topic));
        scorer.DeliverMessage(new byte[256], Sender, Topic);
    }
}
