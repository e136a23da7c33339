using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p.PubSub;

/// <summary>Why a received message passes or fails StrictSign (<see cref="MessageSigning.Verify"/>).</summary>
/// <remarks>Every failure is a Reject of the message as it arrived (the sender forwarded something no honest author
/// produced), never of its id: see <see cref="MessageIdentity"/> for why a failed copy must not make the id seen.</remarks>
internal enum SignatureStatus
{
    /// <summary>Signed by the key of its <c>from</c>.</summary>
    Valid,

    /// <summary>No <c>from</c>, or an empty one.</summary>
    MissingFrom,

    /// <summary><c>from</c> is not a multihash, or is longer than any peer id.</summary>
    InvalidFrom,

    /// <summary>No <c>seqno</c>.</summary>
    MissingSeqno,

    /// <summary>A <c>seqno</c> of other than 8 bytes (the spec's 64-bit big-endian number; js-libp2p refuses other
    /// lengths too, and go and js only produce 8).</summary>
    InvalidSeqno,

    /// <summary>No <c>signature</c>.</summary>
    MissingSignature,

    /// <summary>A <c>key</c> that is not a libp2p <c>PublicKey</c> protobuf.</summary>
    InvalidKey,

    /// <summary>A <c>key</c> whose peer id is not <c>from</c>.</summary>
    KeyMismatch,

    /// <summary>No <c>key</c>, and <c>from</c> does not inline one (a hashed peer id, as RSA keys have).</summary>
    MissingKey,

    /// <summary>A key type whose signatures this host does not check (RSA, ECDSA; see <see cref="Libp2pPublicKey"/>).</summary>
    UnsupportedKeyType,

    /// <summary>The signature is not the key's over the message.</summary>
    InvalidSignature,
}

/// <summary>The outcome of <see cref="MessageSigning.Verify"/>.</summary>
/// <param name="Status">Whether the message passed, and if not, the first rule it broke.</param>
/// <param name="Author">The peer the message's <c>from</c> names, when <paramref name="Status"/> is
/// <see cref="SignatureStatus.Valid"/>; <c>default</c> otherwise.</param>
internal readonly record struct SignatureCheck(SignatureStatus Status, PeerId Author)
{
    /// <summary>Whether the message is validly signed.</summary>
    public bool IsValid => Status == SignatureStatus.Valid;

    /// <summary>A failure for <paramref name="status"/>.</summary>
    public static SignatureCheck Failed(SignatureStatus status) => new(status, default);
}
