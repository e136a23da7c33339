using System.Collections.Immutable;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Amt;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Cli.Inspect;

/// <summary>
/// Walks a set of blocks as a Filecoin chain from some roots and checks every object it reaches. Pure: no I/O,
/// no console, no clock; the blocks are in memory.
/// </summary>
/// <remarks>
/// <para>
/// What is followed: roots and each header's <c>Parents</c> are headers, except that a header at height 0 is
/// genesis and its parents (the "Filecoin genesis" block, which is not a header) are not followed. A header's
/// <c>Messages</c> is a <c>MsgMeta</c>; its two CIDs are AMT v0 roots, the first of unsigned (BLS) messages and
/// the second of signed (secp) messages; AMT nodes below a root are followed down to the leaves, whose values
/// are message CIDs. State roots and receipts are not followed.
/// </para>
/// <para>
/// Order: breadth first from the roots in header order, with a FIFO queue (no recursion). Within a header the
/// message meta is queued before the parents; within a message meta the BLS root before the secp root; within
/// an AMT node the slots in order. Each CID is reported once, under the kind it was first reached as.
/// </para>
/// <para>
/// Every reached block is checked in two steps: its bytes must hash to its CID, then it must be a DAG-CBOR
/// block that decodes strictly as the expected kind. A failure is a <see cref="FailedObject"/> and nothing
/// below it is followed. A CID the blocks do not hold ends that branch quietly; it is only counted.
/// </para>
/// </remarks>
internal sealed class ChainWalker
{
    private readonly IReadOnlyDictionary<Cid, ReadOnlyMemory<byte>> _blocks;

    // Message metas and AMT roots are checked once when a header counts its messages and again when the walk
    // reaches them; the first result is kept so the bytes are hashed and decoded once.
    private readonly Dictionary<(Cid Cid, ObjectKind Kind), InspectedObject?> _checked = [];

    private ChainWalker(IReadOnlyDictionary<Cid, ReadOnlyMemory<byte>> blocks) => _blocks = blocks;

    /// <summary>Walks <paramref name="blocks"/> from <paramref name="roots"/>; see the type's remarks.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static WalkResult Walk(IReadOnlyDictionary<Cid, ReadOnlyMemory<byte>> blocks, IReadOnlyList<Cid> roots, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(roots);
        return new ChainWalker(blocks).Run(roots, cancellationToken);
    }

    private WalkResult Run(IReadOnlyList<Cid> roots, CancellationToken cancellationToken)
    {
        var objects = new List<InspectedObject>();
        var queue = new Queue<Pending>();
        var seen = new HashSet<Cid>();
        int missing = 0;

        void Enqueue(Pending pending)
        {
            if (seen.Add(pending.Cid))
            {
                queue.Enqueue(pending);
            }
        }

        foreach (Cid root in roots)
        {
            Enqueue(new Pending(root, ObjectKind.Header));
        }

        while (queue.TryDequeue(out Pending pending))
        {
            cancellationToken.ThrowIfCancellationRequested();
            InspectedObject? inspected = Inspect(pending);
            if (inspected is null)
            {
                missing++;
                continue;
            }

            objects.Add(inspected);
            foreach (Pending child in Children(inspected, pending))
            {
                Enqueue(child);
            }
        }

        return new WalkResult(objects, new WalkSummary(objects, _blocks.Count, roots.Count, missing));
    }

    /// <summary>The links the walk follows out of a sound object, in walk order.</summary>
    private static IEnumerable<Pending> Children(InspectedObject inspected, Pending from)
    {
        switch (inspected)
        {
            case HeaderObject header:
                yield return new Pending(header.Header.Messages, ObjectKind.MsgMeta);
                if (header.Header.Height != 0)
                {
                    foreach (Cid parent in header.Header.Parents.Cids)
                    {
                        yield return new Pending(parent, ObjectKind.Header);
                    }
                }

                break;
            case MsgMetaObject meta:
                yield return new Pending(meta.Meta.BlsMessages, ObjectKind.Amt, Leaf: ObjectKind.Message);
                yield return new Pending(meta.Meta.SecpkMessages, ObjectKind.Amt, Leaf: ObjectKind.SignedMessage);
                break;
            case AmtRootObject root:
                foreach (Pending child in AmtChildren(root.Root.Node, root.Root.Height, root.ValueCids, from.Leaf))
                {
                    yield return child;
                }

                break;
            case AmtNodeObject node:
                foreach (Pending child in AmtChildren(node.Node, node.Height, node.ValueCids, from.Leaf))
                {
                    yield return child;
                }

                break;
        }
    }

    private static IEnumerable<Pending> AmtChildren(AmtV0Node node, int height, ImmutableArray<Cid> valueCids, ObjectKind leaf) =>
        height > 0
            ? node.Links.Select(link => new Pending(link, ObjectKind.AmtNode, height - 1, leaf))
            : valueCids.Select(cid => new Pending(cid, leaf));

    /// <summary>Checks one block as the expected kind; null when the blocks do not hold it.</summary>
    private InspectedObject? Inspect(Pending pending)
    {
        bool memoised = pending.Kind is ObjectKind.MsgMeta or ObjectKind.Amt;
        if (memoised && _checked.TryGetValue((pending.Cid, pending.Kind), out InspectedObject? known))
        {
            return known;
        }

        InspectedObject? inspected = Check(pending);
        if (memoised)
        {
            _checked[(pending.Cid, pending.Kind)] = inspected;
        }

        return inspected;
    }

    private InspectedObject? Check(Pending pending)
    {
        Cid cid = pending.Cid;
        if (!_blocks.TryGetValue(cid, out ReadOnlyMemory<byte> data))
        {
            return null;
        }

        if (!cid.CanVerify)
        {
            return new FailedObject(cid, pending.Kind, "unsupported multihash");
        }

        if (!cid.Matches(data.Span))
        {
            return new FailedObject(cid, pending.Kind, "bytes do not hash to the CID");
        }

        // Every chain object is DAG-CBOR; bytes under another codec must not be read as one even if they parse.
        if (cid.Codec != Multicodec.DagCbor)
        {
            return new FailedObject(cid, pending.Kind, $"codec 0x{cid.Codec:x} is not dag-cbor");
        }

        try
        {
            return pending.Kind switch
            {
                ObjectKind.Header => DecodeHeader(cid, data),
                ObjectKind.MsgMeta => new MsgMetaObject(cid, MsgMeta.Decode(data)),
                ObjectKind.Amt => DecodeAmtRoot(cid, data),
                ObjectKind.AmtNode => DecodeAmtNode(cid, data, pending.AmtHeight),
                ObjectKind.Message => new MessageObject(cid, Message.Decode(data)),
                ObjectKind.SignedMessage => new SignedMessageObject(cid, SignedMessage.Decode(data)),
                _ => throw new ArgumentOutOfRangeException(nameof(pending), pending.Kind, null),
            };
        }
        catch (DagCborException ex)
        {
            // The message is the decoder's reason with the byte offset, e.g. "BlockHeader: expected 16 fields, found 10 (at byte 0)".
            return new FailedObject(cid, pending.Kind, ex.Message);
        }
    }

    private HeaderObject DecodeHeader(Cid cid, ReadOnlyMemory<byte> data)
    {
        BlockHeader header = BlockHeader.Decode(data);
        ulong? bls = null;
        ulong? secpk = null;
        if (Inspect(new Pending(header.Messages, ObjectKind.MsgMeta)) is MsgMetaObject meta)
        {
            bls = (Inspect(new Pending(meta.Meta.BlsMessages, ObjectKind.Amt)) as AmtRootObject)?.Root.Count;
            secpk = (Inspect(new Pending(meta.Meta.SecpkMessages, ObjectKind.Amt)) as AmtRootObject)?.Root.Count;
        }

        return new HeaderObject(cid, header, bls, secpk);
    }

    private static AmtRootObject DecodeAmtRoot(Cid cid, ReadOnlyMemory<byte> data)
    {
        AmtV0Root root = AmtV0Root.Decode(data);
        return new AmtRootObject(cid, root, ValueCids(root.Node));
    }

    private static AmtNodeObject DecodeAmtNode(Cid cid, ReadOnlyMemory<byte> data, int height)
    {
        AmtV0Node node = AmtV0Node.Decode(data, height);
        return new AmtNodeObject(cid, height, node, ValueCids(node));
    }

    /// <summary>Reads each leaf value as one encoded CID; a value that is not is an error of the node holding it.</summary>
    private static ImmutableArray<Cid> ValueCids(AmtV0Node node)
    {
        if (node.Values.IsEmpty)
        {
            return [];
        }

        var cids = new Cid[node.Values.Length];
        for (int i = 0; i < cids.Length; i++)
        {
            var reader = new DagCborReader(node.Values[i].Span);
            try
            {
                cids[i] = reader.ReadCid();
                reader.ExpectEnd();
            }
            catch (DagCborException ex)
            {
                throw new DagCborException($"AMT value {i} is not a CID: {ex.Reason} (at byte {ex.Offset} of the value)", ex);
            }
        }

        return [.. cids];
    }

    /// <summary>A CID waiting in the queue, with what it is expected to be.</summary>
    /// <param name="AmtHeight">For an AMT node: the height it must sit at.</param>
    /// <param name="Leaf">For an AMT root or node: the kind of the messages its values name.</param>
    private readonly record struct Pending(Cid Cid, ObjectKind Kind, int AmtHeight = 0, ObjectKind Leaf = ObjectKind.Message);
}
