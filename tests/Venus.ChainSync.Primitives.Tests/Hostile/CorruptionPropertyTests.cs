using CsCheck;
using Venus.ChainSync.Primitives.Amt;
using Venus.ChainSync.Primitives.Cbor;
using Venus.ChainSync.Primitives.Tests.Properties;

namespace Venus.ChainSync.Primitives.Tests.Hostile;

/// <summary>
/// Randomly damaged encodings of valid objects: each decoder either refuses them with <see cref="DagCborException"/>
/// (at an offset inside the input) or accepts bytes that an independent decoder also finds canonical.
/// </summary>
public class CorruptionPropertyTests
{
    private const int Iterations = 2_000;

    /// <summary>One edit: overwrite, insert or delete a byte at a position given as a fraction of the length, or cut the input there.</summary>
    private static readonly Gen<(int Kind, double Where, byte Value)> Edit = Gen.Select(Gen.Int[0, 3], Gen.Double.Unit, Gen.Byte);

    private static readonly Gen<(int Kind, double Where, byte Value)[]> Edits = Edit.Array[1, 4];

    [Fact]
    public void Damaged_header_is_refused_with_DagCborException_or_accepted_as_canonical()
    {
        Gen.Select(ChainGen.Header, Edits).Sample((fields, edits) =>
            AssertRefusedOrCanonical(Damage(fields.Create().RawData.ToArray(), edits), static b => BlockHeader.Decode(b)), iter: Iterations);
    }

    [Fact]
    public void Damaged_signed_message_is_refused_with_DagCborException_or_accepted_as_canonical()
    {
        Gen.Select(ChainGen.Message, ChainGen.AnySignature, Edits).Sample((fields, signature, edits) =>
        {
            SignedMessage signed = SignedMessage.Create(fields.Create(), signature);
            AssertRefusedOrCanonical(Damage(signed.RawData.ToArray(), edits), static b => SignedMessage.Decode(b));
            AssertRefusedOrCanonical(Damage(signed.Message.RawData.ToArray(), edits), static b => Message.Decode(b));
        }, iter: Iterations);
    }

    [Fact]
    public void Damaged_gossip_block_and_msgmeta_are_refused_with_DagCborException_or_accepted_as_canonical()
    {
        Gen.Select(ChainGen.Header, ChainGen.ChainCid.Array[0, 4], Edits).Sample((fields, cids, edits) =>
        {
            BlockMsg block = BlockMsg.Create(fields.Create(), cids, [.. cids.Reverse()]);
            AssertRefusedOrCanonical(Damage(block.RawData.ToArray(), edits), static b => BlockMsg.Decode(b));
            MsgMeta meta = MessageRoot.Compute(cids, cids);
            AssertRefusedOrCanonical(Damage(meta.RawData.ToArray(), edits), static b => MsgMeta.Decode(b));
        }, iter: Iterations / 2);
    }

    [Fact]
    public void Damaged_amt_node_is_refused_with_DagCborException_or_accepted_as_canonical()
    {
        Gen.Select(ChainGen.ChainCid.Array[0, 80], Edits).Sample((cids, edits) =>
        {
            var nodes = new List<AmtNodeBlock>();
            Cid root = AmtV0.ComputeRoot(cids, nodes.Add);
            foreach (AmtNodeBlock node in nodes)
            {
                byte[] damaged = Damage(node.Data.ToArray(), edits);
                if (node.Cid == root)
                {
                    AssertRefusedOrCanonical(damaged, static b => AmtV0Root.Decode(b));
                }
                else
                {
                    AssertRefusedOrCanonical(damaged, static b => AmtV0Node.Decode(b, 0));
                    AssertRefusedOrCanonical(damaged, static b => AmtV0Node.Decode(b, 1));
                }
            }
        }, iter: Iterations / 4);
    }

    [Fact]
    public void Damaged_receipt_is_refused_with_DagCborException_or_accepted_as_canonical()
    {
        Gen.Select(ChainGen.AnyLong, Gen.Byte.Array[0, 40], ChainGen.Optional(ChainGen.AnyCid), Edits).Sample((code, ret, events, edits) =>
        {
            MessageReceipt receipt = MessageReceipt.Create(code, ret, code, withEventsField: true, events);
            AssertRefusedOrCanonical(Damage(receipt.RawData.ToArray(), edits), static b => MessageReceipt.Decode(b));
        }, iter: Iterations);
    }

    private static byte[] Damage(byte[] bytes, (int Kind, double Where, byte Value)[] edits)
    {
        var damaged = new List<byte>(bytes);
        foreach ((int kind, double where, byte value) in edits)
        {
            int at = (int)(where * damaged.Count);
            switch (kind)
            {
                case 0 when at < damaged.Count:
                    damaged[at] = damaged[at] == value ? (byte)~value : value;
                    break;
                case 1:
                    damaged.Insert(at, value);
                    break;
                case 2 when at < damaged.Count:
                    damaged.RemoveAt(at);
                    break;
                default:
                    damaged.RemoveRange(at, damaged.Count - at);
                    break;
            }
        }

        return [.. damaged];
    }

    private static void AssertRefusedOrCanonical(byte[] input, Action<byte[]> decode)
    {
        try
        {
            decode(input);
        }
        catch (DagCborException error)
        {
            Assert.InRange(error.Offset, 0, input.Length);
            return;
        }

        // Whatever a typed decoder accepts is one strict DAG-CBOR item, to this library and to another decoder.
        DagCbor.Validate(input);
        IndependentCbor.AssertCanonical(input);
    }
}
