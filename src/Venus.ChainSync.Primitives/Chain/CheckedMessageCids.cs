using System.Collections.Immutable;

namespace Venus.ChainSync.Primitives;

/// <summary>
/// A block header with the CIDs of its messages, known to hash to its message root: made only by
/// <see cref="MessageRoot.Check"/>. Pairing it with messages whose CIDs are these
/// (<see cref="FullTipSet.TryCreate(CheckedMessageCids, IReadOnlyList{Message}, IReadOnlyList{SignedMessage}, out FullTipSet?)"/>)
/// gives a <see cref="FullTipSet"/> without hashing the root a second time: what gossip does, which checks the CIDs
/// a <see cref="BlockMsg"/> lists before it loads or fetches anything.
/// </summary>
public sealed class CheckedMessageCids
{
    internal CheckedMessageCids(BlockHeader header, ImmutableArray<Cid> blsMessages, ImmutableArray<Cid> secpkMessages)
    {
        Header = header;
        BlsMessages = blsMessages;
        SecpkMessages = secpkMessages;
    }

    /// <summary>The header whose root the CIDs match.</summary>
    public BlockHeader Header { get; }

    /// <summary>The BLS message CIDs, in block order.</summary>
    public ImmutableArray<Cid> BlsMessages { get; }

    /// <summary>The secp message CIDs, in block order.</summary>
    public ImmutableArray<Cid> SecpkMessages { get; }
}
