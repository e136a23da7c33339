namespace Venus.ChainSync.Exchange;

/// <summary>Constants of <c>/fil/chain/xchg/0.0.1</c> (Lotus <c>chain/exchange/protocol.go</c>).</summary>
public static class ExchangeProtocol
{
    /// <summary>The libp2p protocol id.</summary>
    public const string Id = "/fil/chain/xchg/0.0.1";

    /// <summary>Most tipsets one request may ask for: chain finality, 900 epochs (Lotus <c>MaxRequestLength</c>).</summary>
    public const int MaxRequestLength = 900;

    /// <summary>Most messages in one list of a tipset's compacted messages (Lotus's cbor-gen bound).</summary>
    public const int MaxMessagesPerList = 150_000;

    /// <summary>Most messages one block may include (Lotus <c>BlockMessageLimit</c>).</summary>
    public const int BlockMessageLimit = 10_000;
}

/// <summary>What a request asks for (a bit set; unknown bits are kept, and ignored).</summary>
[Flags]
public enum ExchangeOptions : ulong
{
    /// <summary>Nothing: a server answers <see cref="ExchangeStatus.BadRequest"/>.</summary>
    None = 0,

    /// <summary>Block headers.</summary>
    Headers = 1,

    /// <summary>The tipsets' messages, compacted.</summary>
    Messages = 2,
}

/// <summary>
/// A response status. Codes this library does not know are kept as they are (an enum holds any value) and
/// treated as errors.
/// </summary>
public enum ExchangeStatus : ulong
{
    /// <summary>Everything asked for.</summary>
    Ok = 0,

    /// <summary>Fewer tipsets than asked for, head included: the server's chain ends early.</summary>
    Partial = 101,

    /// <summary>The server does not have the head.</summary>
    NotFound = 201,

    /// <summary>The server is shedding load; try another peer.</summary>
    GoAway = 202,

    /// <summary>The server failed.</summary>
    InternalError = 203,

    /// <summary>The request was malformed.</summary>
    BadRequest = 204,
}
