using System.Collections.Immutable;

namespace Venus.ChainSync.Primitives;

/// <summary>
/// A block header with its messages: BLS messages unsigned, secp messages signed, each in block order. Pairing is not
/// checked here (<see cref="MessagesMatchHeader"/> does that); a <see cref="FullTipSet"/> holds only blocks that match.
/// </summary>
public sealed class FullBlock
{
    /// <summary>Pairs a header with its messages without checking them; see <see cref="MessagesMatchHeader"/>.</summary>
    public FullBlock(BlockHeader header, IEnumerable<Message> blsMessages, IEnumerable<SignedMessage> secpkMessages)
    {
        ArgumentNullException.ThrowIfNull(header);
        Header = header;
        BlsMessages = [.. blsMessages];
        SecpkMessages = [.. secpkMessages];
    }

    /// <summary>Pairs a header with its messages (the arrays are taken as they are, not copied); not checked.</summary>
    public FullBlock(BlockHeader header, ImmutableArray<Message> blsMessages, ImmutableArray<SignedMessage> secpkMessages)
    {
        ArgumentNullException.ThrowIfNull(header);
        Header = header;
        BlsMessages = blsMessages.IsDefault ? [] : blsMessages;
        SecpkMessages = secpkMessages.IsDefault ? [] : secpkMessages;
    }

    /// <summary>The header.</summary>
    public BlockHeader Header { get; }

    /// <summary>BLS messages, in block order.</summary>
    public ImmutableArray<Message> BlsMessages { get; }

    /// <summary>secp256k1 (and delegated) signed messages, in block order.</summary>
    public ImmutableArray<SignedMessage> SecpkMessages { get; }

    /// <summary>The block CID.</summary>
    public Cid Cid => Header.Cid;

    /// <summary>The message meta these messages hash to.</summary>
    public MsgMeta ComputeMessageMeta() =>
        MessageRoot.Compute(BlsMessages.Select(m => m.Cid).ToArray(), SecpkMessages.Select(m => m.Cid).ToArray());

    /// <summary>Whether the messages hash to the header's <see cref="BlockHeader.Messages"/>.</summary>
    public bool MessagesMatchHeader() =>
        MessageRoot.Matches(Header, [.. BlsMessages.Select(m => m.Cid)], [.. SecpkMessages.Select(m => m.Cid)]);
}
