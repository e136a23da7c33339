namespace Venus.ChainSync.Testing;

/// <summary>Settings that hold for a whole chain built by <see cref="ChainBuilder"/>.</summary>
public sealed class ChainBuilderOptions
{
    /// <summary>Unix time of genesis, in seconds (default: Filecoin mainnet's genesis, 2020-08-24 22:00 UTC).</summary>
    public ulong GenesisTimestamp { get; init; } = 1_598_306_400;

    /// <summary>Seconds between epochs (default 30, the Filecoin block delay); block timestamps are genesis + delay × height.</summary>
    public ulong BlockDelaySeconds { get; init; } = 30;

    /// <summary>
    /// Bytes of random <c>Params</c> in every message (default 0). Raise it to build responses of megabytes
    /// without building thousands of messages.
    /// </summary>
    public int MessageParamsBytes { get; init; }

    /// <summary>Weight each block adds to the chain (default 10): a tipset's weight is its parent weight plus this per block.</summary>
    public int WeightPerBlock { get; init; } = ParentWeightWeigher.DefaultWeightPerBlock;

    /// <summary>
    /// The state genesis names as its parent state and produces (default <c>null</c>: roots derived from the genesis
    /// parent). Every later state root follows from it by <see cref="TestTipSetExecutor.Compute"/>.
    /// </summary>
    public TipSetState? GenesisState { get; init; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(MessageParamsBytes, nameof(MessageParamsBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(WeightPerBlock, 1, nameof(WeightPerBlock));
    }
}
