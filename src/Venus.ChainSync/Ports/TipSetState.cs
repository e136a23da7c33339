using Venus.ChainSync.Primitives;

namespace Venus.ChainSync;

/// <summary>
/// What executing a tipset produced: the state root after its messages and the root of their receipts. A child
/// tipset's blocks name these as <see cref="BlockHeader.ParentStateRoot"/> and <see cref="BlockHeader.ParentMessageReceipts"/>.
/// </summary>
/// <param name="StateRoot">The state tree root after the tipset's messages.</param>
/// <param name="ReceiptsRoot">The root of the AMT of the tipset's message receipts.</param>
public readonly record struct TipSetState(Cid StateRoot, Cid ReceiptsRoot);
