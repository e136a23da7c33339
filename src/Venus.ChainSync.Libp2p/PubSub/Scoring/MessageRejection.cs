namespace Venus.ChainSync.Libp2p.PubSub.Scoring;

/// <summary>
/// Why the router did not deliver a message: go-libp2p-pubsub's <c>Reject*</c> reasons (tracer.go). What each does to
/// the score is what go's <c>peerScore.RejectMessage</c> (score.go) does with it, said on each member.
/// </summary>
internal enum MessageRejection
{
    /// <summary>The validator rejected the message: P4 for the sender and for every peer that sent a copy while it was
    /// being validated, and for anyone sending a copy later (go's <c>RejectValidationFailed</c>).</summary>
    ValidationFailed,

    /// <summary>The validator said Ignore: nobody is penalised and later copies are not counted either way (go's
    /// <c>RejectValidationIgnored</c>).</summary>
    ValidationIgnored,

    /// <summary>Validation was throttled, so whether the message is valid is unknown: nobody is penalised (go's
    /// <c>RejectValidationThrottled</c>).</summary>
    ValidationThrottled,

    /// <summary>The validation queue was full before the message entered it; even its signature, and so its id, is
    /// unchecked: ignored, nothing recorded (go's <c>RejectValidationQueueFull</c>).</summary>
    ValidationQueueFull,

    /// <summary>Strict signing and the message has no signature: P4 for the sender, nothing recorded under the id (go's
    /// <c>RejectMissingSignature</c>).</summary>
    MissingSignature,

    /// <summary>The signature does not verify: P4 for the sender (go's <c>RejectInvalidSignature</c>).</summary>
    InvalidSignature,

    /// <summary>A signature where the policy wants none: P4 for the sender (go's <c>RejectUnexpectedSignature</c>).</summary>
    UnexpectedSignature,

    /// <summary><c>from</c> or <c>seqno</c> where the policy wants none: P4 for the sender (go's
    /// <c>RejectUnexpectedAuthInfo</c>).</summary>
    UnexpectedAuthInfo,

    /// <summary>A message claiming to come from us that we did not send: P4 for the sender (go's
    /// <c>RejectSelfOrigin</c>).</summary>
    SelfOrigin,

    /// <summary>The forwarding peer is blacklisted: ignored (go's <c>RejectBlacklstedPeer</c>).</summary>
    BlacklistedPeer,

    /// <summary>The message's author is blacklisted: ignored (go's <c>RejectBlacklistedSource</c>).</summary>
    BlacklistedSource,
}
