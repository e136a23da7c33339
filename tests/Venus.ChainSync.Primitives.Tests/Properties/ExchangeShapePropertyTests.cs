using System.Runtime.InteropServices;
using CsCheck;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Primitives.Tests.Properties;

public class ExchangeShapePropertyTests
{
    private static readonly Gen<CompactedMessages> MessagesGen =
        from bls in ChainGen.Message.Array[0, 3]
        from secpk in Gen.Select(ChainGen.Message, ChainGen.AnySignature).Array[0, 3]
        from blsIncludes in Gen.ULong[0, 3].Array[0, 3].Array[1, 3]
        from secpkIncludes in Gen.ULong[0, 3].Array[0, 3].Array[1, 3]
        select new CompactedMessages(
            [.. bls.Select(m => m.Create())],
            blsIncludes,
            [.. secpk.Select(s => SignedMessage.Create(s.Item1.Create(), s.Item2))],
            secpkIncludes);

    private static readonly Gen<CompactedMessages?> OptionalMessagesGen = Gen.Frequency<CompactedMessages?>(
        (1, Gen.Const((CompactedMessages?)null)),
        (3, MessagesGen.Select(m => (CompactedMessages?)m)));

    private static readonly Gen<Response> ResponseGen =
        from status in ChainGen.AnyULong
        from error in CborTree.AnyText
        from chain in Gen.Select(ChainGen.Header.Array[1, 3], OptionalMessagesGen).Array[0, 3]
        select new Response(status, error, [.. chain.Select(t => new BsTipSet([.. t.Item1.Select(h => h.Create())], t.Item2))]);

    [Fact]
    public void Random_nested_value_is_valid_dag_cbor_and_canonical_to_an_independent_decoder()
    {
        CborTree.Tree().Sample(node =>
        {
            byte[] bytes = CborTree.Encode(node);

            DagCbor.Validate(bytes);
            IndependentCbor.AssertCanonical(bytes);
            Assert.InRange(CborTree.DepthOf(node), 0, CborTree.MaxDepth);
        }, iter: 2_000);
    }

    [Fact]
    public void Random_nested_value_parsed_and_rewritten_gives_the_same_bytes()
    {
        CborTree.Tree().Sample(node =>
        {
            byte[] bytes = CborTree.Encode(node);
            var reader = new DagCborReader(bytes);

            CborNode parsed = CborTree.Parse(ref reader);

            reader.ExpectEnd();
            Assert.Equal(bytes, CborTree.Encode(parsed));
        }, iter: 2_000);
    }

    [Fact]
    public void Random_exchange_response_reads_back_headers_and_messages_as_slices_of_the_exact_bytes()
    {
        ResponseGen.Sample(response =>
        {
            byte[] bytes = DagCbor.Encode(response, static (w, r) => r.Write(w));

            DagCbor.Validate(bytes);
            IndependentCbor.AssertCanonical(bytes);
            ReadBack(bytes, response);
        }, iter: 150);
    }

    private static void ReadBack(byte[] bytes, Response expected)
    {
        var reader = new DagCborReader(bytes);
        reader.ReadArrayHeader(3, "Response");
        Assert.Equal(expected.Status, reader.ReadUInt64());
        Assert.Equal(expected.ErrorMessage, reader.ReadTextString());
        Assert.Equal(expected.Chain.Length, reader.ReadArrayHeader());
        foreach (BsTipSet tipSet in expected.Chain)
        {
            reader.ReadArrayHeader(2, "BSTipSet");
            Assert.Equal(tipSet.Blocks.Length, reader.ReadArrayHeader());
            foreach (BlockHeader original in tipSet.Blocks)
            {
                BlockHeader header = BlockHeader.Read(ref reader, bytes);
                AssertSliceOf(bytes, original.RawData, header.RawData);
                Assert.Equal(original.Cid, header.Cid);
            }

            if (tipSet.Messages is not { } messages)
            {
                reader.ReadNull();
                continue;
            }

            reader.ReadArrayHeader(4, "CompactedMessages");
            Assert.Equal(messages.Bls.Length, reader.ReadArrayHeader());
            foreach (Message original in messages.Bls)
            {
                Message message = Message.Read(ref reader, bytes);
                AssertSliceOf(bytes, original.RawData, message.RawData);
                Assert.Equal(original.Cid, message.Cid);
            }

            AssertIncludes(ref reader, messages.BlsIncludes);
            Assert.Equal(messages.Secpk.Length, reader.ReadArrayHeader());
            foreach (SignedMessage original in messages.Secpk)
            {
                SignedMessage message = SignedMessage.Read(ref reader, bytes);
                AssertSliceOf(bytes, original.RawData, message.RawData);
                AssertSliceOf(bytes, original.Message.RawData, message.Message.RawData);
                Assert.Equal(original.Cid, message.Cid);
            }

            AssertIncludes(ref reader, messages.SecpkIncludes);
        }

        reader.ExpectEnd();
    }

    private static void AssertIncludes(ref DagCborReader reader, ulong[][] expected)
    {
        Assert.Equal(expected.Length, reader.ReadArrayHeader());
        foreach (ulong[] block in expected)
        {
            Assert.Equal(block.Length, reader.ReadArrayHeader());
            foreach (ulong index in block)
            {
                Assert.Equal(index, reader.ReadUInt64());
            }
        }
    }

    /// <summary>The decoded object holds a view into the response buffer, with the bytes it was built from.</summary>
    private static void AssertSliceOf(byte[] buffer, ReadOnlyMemory<byte> original, ReadOnlyMemory<byte> decoded)
    {
        Assert.True(decoded.Span.SequenceEqual(original.Span));
        Assert.True(MemoryMarshal.TryGetArray(decoded, out ArraySegment<byte> segment));
        Assert.Same(buffer, segment.Array);
    }

    private sealed record CompactedMessages(Message[] Bls, ulong[][] BlsIncludes, SignedMessage[] Secpk, ulong[][] SecpkIncludes);

    private sealed record BsTipSet(BlockHeader[] Blocks, CompactedMessages? Messages);

    /// <summary>The exchange protocol's response, written the way Lotus's cbor-gen writes it.</summary>
    private sealed record Response(ulong Status, string ErrorMessage, BsTipSet[] Chain)
    {
        public void Write(DagCborWriter w)
        {
            w.WriteArrayHeader(3);
            w.WriteUInt64(Status);
            w.WriteTextString(ErrorMessage);
            w.WriteArrayHeader(Chain.Length);
            foreach (BsTipSet tipSet in Chain)
            {
                w.WriteArrayHeader(2);
                w.WriteArrayHeader(tipSet.Blocks.Length);
                foreach (BlockHeader header in tipSet.Blocks)
                {
                    header.WriteTo(w);
                }

                if (tipSet.Messages is not { } messages)
                {
                    w.WriteNull();
                    continue;
                }

                w.WriteArrayHeader(4);
                w.WriteArrayHeader(messages.Bls.Length);
                foreach (Message message in messages.Bls)
                {
                    message.WriteTo(w);
                }

                WriteIncludes(w, messages.BlsIncludes);
                w.WriteArrayHeader(messages.Secpk.Length);
                foreach (SignedMessage message in messages.Secpk)
                {
                    message.WriteTo(w);
                }

                WriteIncludes(w, messages.SecpkIncludes);
            }
        }

        private static void WriteIncludes(DagCborWriter w, ulong[][] includes)
        {
            w.WriteArrayHeader(includes.Length);
            foreach (ulong[] block in includes)
            {
                w.WriteArrayHeader(block.Length);
                foreach (ulong index in block)
                {
                    w.WriteUInt64(index);
                }
            }
        }
    }
}
