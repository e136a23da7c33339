using System.Collections.Immutable;
using Venus.ChainSync.Primitives.Amt;

namespace Venus.ChainSync.Primitives;

/// <summary>
/// Computes a block's message root: the <see cref="MsgMeta"/> over the AMT v0 roots of its BLS and secp message
/// CIDs. Nothing is written anywhere unless a node sink is given.
/// </summary>
public static class MessageRoot
{
    /// <summary>Computes the message meta of a block holding these message CIDs, in block order.</summary>
    public static MsgMeta Compute(IReadOnlyList<Cid> blsMessages, IReadOnlyList<Cid> secpkMessages, Action<AmtNodeBlock>? nodeSink = null)
    {
        Cid bls = AmtV0.ComputeRoot(blsMessages, nodeSink);
        Cid secpk = AmtV0.ComputeRoot(secpkMessages, nodeSink);
        MsgMeta meta = MsgMeta.Create(bls, secpk);
        nodeSink?.Invoke(new AmtNodeBlock(meta.Cid, meta.RawData));
        return meta;
    }

    /// <summary>
    /// Checks message CIDs (a <see cref="BlockMsg"/>'s lists) against <paramref name="header"/>'s root, as
    /// <see cref="Matches"/> does, and returns the proof of it, or null when they do not match.
    /// </summary>
    public static CheckedMessageCids? Check(BlockHeader header, ImmutableArray<Cid> blsMessages, ImmutableArray<Cid> secpkMessages) =>
        Matches(header, blsMessages, secpkMessages) ? new CheckedMessageCids(header, blsMessages, secpkMessages) : null;

    /// <summary>
    /// Whether the messages hash to <paramref name="header"/>'s <see cref="BlockHeader.Messages"/>. This is the
    /// check every received block goes through, so it builds nothing it does not need: the two AMT roots are
    /// computed in reused buffers and the message meta is encoded on the stack.
    /// </summary>
    public static bool Matches(BlockHeader header, IReadOnlyList<Cid> blsMessages, IReadOnlyList<Cid> secpkMessages)
    {
        ArgumentNullException.ThrowIfNull(header);
        Cid bls = AmtV0.ComputeRoot(blsMessages);
        Cid secpk = AmtV0.ComputeRoot(secpkMessages);
        Span<byte> meta = stackalloc byte[1 + (2 * (Cid.MaxLength + 5))];
        meta[0] = 0x82; // A two-item array: [BlsMessages, SecpkMessages].
        int length = 1;
        length += WriteLink(meta[length..], bls);
        length += WriteLink(meta[length..], secpk);
        // Lotus compares against the blake2b dag-cbor CID it computes, so any other kind of CID never matches.
        return header.Messages.IsChainCid && header.Messages.Matches(meta[..length]);
    }

    // Tag 42 over a byte string of 0x00 and the binary CID, with the shortest length head (CIDs are under 256 bytes).
    private static int WriteLink(Span<byte> destination, Cid cid)
    {
        ReadOnlySpan<byte> bytes = cid.Bytes;
        int contentLength = bytes.Length + 1;
        destination[0] = 0xd8;
        destination[1] = 42;
        int head;
        if (contentLength < 24)
        {
            destination[2] = (byte)(0x40 | contentLength);
            head = 3;
        }
        else
        {
            destination[2] = 0x58;
            destination[3] = (byte)contentLength;
            head = 4;
        }

        destination[head] = 0x00;
        bytes.CopyTo(destination[(head + 1)..]);
        return head + contentLength;
    }
}
