namespace Venus.ChainSync;

/// <summary>How the syncer learns the state each tipset produces.</summary>
public enum ExecutionMode
{
    /// <summary>
    /// Executes every tipset with the host's <see cref="ITipSetExecutor"/> and checks that each child names the
    /// state and receipts its parent produced. A tipset becomes the head as soon as it is valid (its blocks pass
    /// validation and its parent's execution matches what they claim), before its own execution, which follows at once.
    /// </summary>
    Full,

    /// <summary>
    /// Executes nothing: a tipset's state is the one its children's headers claim, taken on trust; messages are still
    /// fetched, checked against their roots and stored, and blocks are still validated. The head is the tip. What a
    /// relay, bootstrap or archive node runs (Forest's "stateless" mode), or a host without an FVM.
    /// </summary>
    None,
}
