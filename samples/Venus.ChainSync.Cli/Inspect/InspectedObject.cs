using System.Collections.Immutable;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Amt;

namespace Venus.ChainSync.Cli.Inspect;

/// <summary>
/// One object the chain walk reached: either decoded as the kind expected where it was linked from, or a
/// <see cref="FailedObject"/> saying why it could not be.
/// </summary>
/// <param name="Cid">The CID it was reached by.</param>
/// <param name="Kind">The kind the walk expected at that CID (for a failure too).</param>
internal abstract record InspectedObject(Cid Cid, ObjectKind Kind)
{
    /// <summary>Whether the object failed its checks.</summary>
    public bool IsError => this is FailedObject;
}

/// <summary>A block header that hashed to its CID and decoded strictly.</summary>
/// <param name="BlsMessageCount">The <c>Count</c> of the BLS AMT root, when its MsgMeta and root are present and sound.</param>
/// <param name="SecpkMessageCount">The <c>Count</c> of the secp AMT root, when its MsgMeta and root are present and sound.</param>
internal sealed record HeaderObject(Cid Cid, BlockHeader Header, ulong? BlsMessageCount, ulong? SecpkMessageCount)
    : InspectedObject(Cid, ObjectKind.Header);

/// <summary>A message meta (a header's <c>Messages</c>).</summary>
internal sealed record MsgMetaObject(Cid Cid, MsgMeta Meta) : InspectedObject(Cid, ObjectKind.MsgMeta);

/// <summary>An AMT v0 root; <paramref name="ValueCids"/> are the message CIDs of a height-0 root, in slot order.</summary>
internal sealed record AmtRootObject(Cid Cid, AmtV0Root Root, ImmutableArray<Cid> ValueCids) : InspectedObject(Cid, ObjectKind.Amt);

/// <summary>An AMT v0 node below the root; <paramref name="ValueCids"/> are the message CIDs of a leaf, in slot order.</summary>
internal sealed record AmtNodeObject(Cid Cid, int Height, AmtV0Node Node, ImmutableArray<Cid> ValueCids) : InspectedObject(Cid, ObjectKind.AmtNode);

/// <summary>An unsigned message from a BLS list.</summary>
internal sealed record MessageObject(Cid Cid, Message Message) : InspectedObject(Cid, ObjectKind.Message);

/// <summary>A signed message from a secp list.</summary>
internal sealed record SignedMessageObject(Cid Cid, SignedMessage SignedMessage) : InspectedObject(Cid, ObjectKind.SignedMessage);

/// <summary>An object present in the archive that failed: its bytes do not hash to its CID, or do not decode as <see cref="InspectedObject.Kind"/>.</summary>
/// <param name="Error">Why, in the words of the check or the decoder (with the byte offset for a decode error).</param>
internal sealed record FailedObject(Cid Cid, ObjectKind Kind, string Error) : InspectedObject(Cid, Kind);
