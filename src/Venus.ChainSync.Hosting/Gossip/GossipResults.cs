namespace Venus.ChainSync.Hosting;

/// <summary>The closed set of <c>result</c> tags of <c>venus.chainsync.gossip.blocks</c>: what became of each gossiped block.</summary>
public static class GossipResults
{
    /// <summary>Handed to the dispatcher.</summary>
    public const string Accepted = "accepted";

    /// <summary>Published by this node; ignored.</summary>
    public const string Own = "own";

    /// <summary>Too large, not a <c>BlockMsg</c>, or without a header.</summary>
    public const string Malformed = "malformed";

    /// <summary>Has no block signature (Lotus: "block had nil signature").</summary>
    public const string MissingSignature = "missing_signature";

    /// <summary>Has no election proof with at least one win (Lotus: "block is not claiming to be a winner").</summary>
    public const string NoWin = "no_win";

    /// <summary>Names a message by a CID that is not a chain CID (v1, dag-cbor, blake2b-256).</summary>
    public const string BadMessageCid = "bad_message_cid";

    /// <summary>Lists more messages than a block may hold.</summary>
    public const string TooManyMessages = "too_many_messages";

    /// <summary>Too far below the head or after the wall clock.</summary>
    public const string OutOfWindow = "out_of_window";

    /// <summary>Already seen.</summary>
    public const string Duplicate = "duplicate";

    /// <summary>A second, different block by the same miner at the same height.</summary>
    public const string DoubleMining = "double_mining";

    /// <summary>Pushed out of the full queue by newer blocks.</summary>
    public const string Dropped = "dropped";

    /// <summary>Its messages were neither stored here nor obtainable from the peers that sent it.</summary>
    public const string MessagesUnavailable = "messages_unavailable";

    /// <summary>Its messages do not hash to its message root.</summary>
    public const string MessageRootMismatch = "message_root_mismatch";

    /// <summary>The dispatcher did not queue it.</summary>
    public const string Refused = "refused";

    /// <summary>A local fault (the store failed) while handling it.</summary>
    public const string Failed = "failed";
}
