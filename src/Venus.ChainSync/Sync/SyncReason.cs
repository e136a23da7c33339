namespace Venus.ChainSync;

/// <summary>
/// Why a sync ended as it did, as a code a host can branch on (the <see cref="SyncResult.Reason"/> beside it is for
/// people). Each belongs to one <see cref="SyncOutcomeKind"/>, named in its summary.
/// </summary>
public enum SyncReason
{
    /// <summary>Completed: no reason needed.</summary>
    None,

    /// <summary>Refused: the target is already validated.</summary>
    AlreadyValidated,

    /// <summary>Refused: the target is lighter than the head (by parent weight, as Lotus compares before execution).</summary>
    LighterThanHead,

    /// <summary>Refused: the target is already in the head's chain.</summary>
    InHeadChain,

    /// <summary>Invalid: the target or its chain holds a block cached as bad.</summary>
    BadBlock,

    /// <summary>Invalid: a tipset holds two blocks of one miner.</summary>
    DoubleMining,

    /// <summary>Invalid: the fork from the head is longer than the fork-length threshold (on either side).</summary>
    ForkTooLong,

    /// <summary>Invalid: the chain forks below the checkpoint.</summary>
    ForkBelowCheckpoint,

    /// <summary>Invalid: the chain reaches another genesis.</summary>
    OtherGenesis,

    /// <summary>Invalid: a block holds more messages than a block may.</summary>
    TooManyMessages,

    /// <summary>Invalid: a block's timestamp is not its parent's plus the block delay per epoch.</summary>
    WrongTimestamp,

    /// <summary>Invalid: a block names a parent state or receipts root other than its parent produced.</summary>
    ParentStateMismatch,

    /// <summary>Invalid: the host's block validator refused a block for good.</summary>
    InvalidBlock,

    /// <summary>Invalid: the host's executor found a tipset invalid.</summary>
    InvalidExecution,

    /// <summary>Failed: a block is from the future (beyond the allowed clock drift); it may be valid later.</summary>
    FutureBlock,

    /// <summary>Failed: the host's block validator could not judge a block now.</summary>
    ValidationUnavailable,

    /// <summary>Failed: no peer could answer the exchange requests (or none returned the checkpoint).</summary>
    ExchangeFailed,

    /// <summary>Failed: peers returned headers that do not link to the chain.</summary>
    UnlinkedHeaders,

    /// <summary>Failed: the forward walk ended short of the target.</summary>
    WalkEndedShort,

    /// <summary>Failed: the base of the walk has no state, and what is needed to compute it is not stored.</summary>
    StateUnavailable,

    /// <summary>Failed: a host port (store, executor) or the syncer itself failed.</summary>
    LocalFault,

    /// <summary>Cancelled: by stop, or by the dispatcher lowering its concurrency.</summary>
    Cancelled,
}
