using CsCheck;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Primitives.Tests.Properties;

/// <summary>A generic DAG-CBOR value of the kinds the exchange protocol nests: integers, strings, arrays, CIDs, null and booleans.</summary>
internal abstract record CborNode
{
    public abstract void Write(DagCborWriter writer);
}

internal sealed record UIntNode(ulong Value) : CborNode
{
    public override void Write(DagCborWriter writer) => writer.WriteUInt64(Value);
}

internal sealed record IntNode(long Value) : CborNode
{
    public override void Write(DagCborWriter writer) => writer.WriteInt64(Value);
}

internal sealed record BytesNode(byte[] Value) : CborNode
{
    public override void Write(DagCborWriter writer) => writer.WriteByteString(Value);
}

internal sealed record TextNode(string Value) : CborNode
{
    public override void Write(DagCborWriter writer) => writer.WriteTextString(Value);
}

internal sealed record ArrayNode(CborNode[] Items) : CborNode
{
    public override void Write(DagCborWriter writer)
    {
        writer.WriteArrayHeader(Items.Length);
        foreach (CborNode item in Items)
        {
            item.Write(writer);
        }
    }
}

internal sealed record CidNode(Cid Value) : CborNode
{
    public override void Write(DagCborWriter writer) => writer.WriteCid(Value);
}

internal sealed record NullNode : CborNode
{
    public override void Write(DagCborWriter writer) => writer.WriteNull();
}

internal sealed record BoolNode(bool Value) : CborNode
{
    public override void Write(DagCborWriter writer) => writer.WriteBoolean(Value);
}

/// <summary>Generates, encodes and parses <see cref="CborNode"/> trees.</summary>
internal static class CborTree
{
    /// <summary>Deepest array nesting generated.</summary>
    public const int MaxDepth = 6;

    /// <summary>Text of any Unicode scalar values, mostly ASCII (surrogate code points are not scalar values).</summary>
    public static readonly Gen<string> AnyText = Gen.Frequency<int>(
            (3, Gen.Int[0x20, 0x7e]),
            (1, Gen.Int[0x80, 0xd7ff]),
            (1, Gen.Int[0xe000, 0x10ffff]))
        .Select(char.ConvertFromUtf32)
        .Array[0, 12]
        .Select(string.Concat);

    public static readonly Gen<CborNode> Leaf = Gen.Frequency<CborNode>(
        (3, ChainGen.AnyULong.Select(v => (CborNode)new UIntNode(v))),
        (3, ChainGen.AnyLong.Where(v => v < 0).Select(v => (CborNode)new IntNode(v))),
        (3, Gen.Byte.Array[0, 40].Select(v => (CborNode)new BytesNode(v))),
        (3, AnyText.Select(v => (CborNode)new TextNode(v))),
        (2, ChainGen.AnyCid.Select(v => (CborNode)new CidNode(v))),
        (1, Gen.Const<CborNode>(new NullNode())),
        (1, Gen.Bool.Select(v => (CborNode)new BoolNode(v))));

    /// <summary>Trees whose arrays nest at most <paramref name="depth"/> deep.</summary>
    public static Gen<CborNode> Tree(int depth = MaxDepth)
    {
        if (depth == 0)
        {
            return Leaf;
        }

        Gen<CborNode> inner = Tree(depth - 1);
        return Gen.Frequency<CborNode>(
            (2, Leaf),
            (1, inner.Array[0, 4].Select(items => (CborNode)new ArrayNode(items))));
    }

    public static byte[] Encode(CborNode node) => DagCbor.Encode(node, static (w, n) => n.Write(w));

    /// <summary>Parses one item with <see cref="DagCborReader"/>'s typed reads.</summary>
    public static CborNode Parse(ref DagCborReader reader)
    {
        switch (reader.PeekMajorType())
        {
            case CborMajorType.UnsignedInteger:
                return new UIntNode(reader.ReadUInt64());
            case CborMajorType.NegativeInteger:
                return new IntNode(reader.ReadInt64());
            case CborMajorType.ByteString:
                return new BytesNode(reader.ReadByteString().ToArray());
            case CborMajorType.TextString:
                return new TextNode(reader.ReadTextString());
            case CborMajorType.Array:
                {
                    var items = new CborNode[reader.ReadArrayHeader()];
                    for (int i = 0; i < items.Length; i++)
                    {
                        items[i] = Parse(ref reader);
                    }

                    return new ArrayNode(items);
                }

            case CborMajorType.Tag:
                return new CidNode(reader.ReadCid());
            default:
                return reader.TryReadNull() ? new NullNode() : new BoolNode(reader.ReadBoolean());
        }
    }

    /// <summary>Deepest array nesting of a tree (0 for a leaf).</summary>
    public static int DepthOf(CborNode node) => node is ArrayNode array ? 1 + array.Items.Select(DepthOf).DefaultIfEmpty(0).Max() : 0;
}
