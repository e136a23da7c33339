using System.IO.Pipelines;
using Google.Protobuf;
using Venus.ChainSync.Libp2p.Protobuf;
using Venus.ChainSync.Libp2p.PubSub;
using Venus.ChainSync.Libp2p.Tests.Negotiation;

namespace Venus.ChainSync.Libp2p.Tests.PubSub;

/// <summary>The RPC framing: round trips, bounds decided from the prefix, truncation, garbage, and bodies larger
/// than a pipe (or a Yamux window) holds.</summary>
public sealed class RpcFramingTests
{
    private static readonly TimeSpan Guard = PipeBytes.Guard;

    [Fact]
    public async Task An_rpc_with_every_part_reads_back_the_same()
    {
        RPC rpc = SampleRpc();
        var pipe = new Pipe();

        await RpcFraming.WriteAsync(pipe.Writer, rpc).AsTask().WaitAsync(Guard);
        RPC? read = await RpcFraming.ReadAsync(pipe.Reader).AsTask().WaitAsync(Guard);

        Assert.Equal(rpc, read);
    }

    [Fact]
    public async Task Rpcs_back_to_back_read_one_at_a_time_skipping_empty_ones_then_a_clean_end_reads_as_null()
    {
        var pipe = new Pipe();
        RPC first = SampleRpc();
        var second = new RPC { Subscriptions = { new RPC.Types.SubOpts { Subscribe = false, Topicid = "/fil/msgs/testnetnet" } } };
        var empty = new RPC();

        RpcFraming.Write(pipe.Writer, first);
        RpcFraming.Write(pipe.Writer, empty); // says nothing: skipped, not parsed
        RpcFraming.Write(pipe.Writer, empty);
        RpcFraming.Write(pipe.Writer, second);
        await pipe.Writer.CompleteAsync();

        Assert.Equal(first, await RpcFraming.ReadAsync(pipe.Reader).AsTask().WaitAsync(Guard));
        Assert.Equal(second, await RpcFraming.ReadAsync(pipe.Reader).AsTask().WaitAsync(Guard));
        Assert.Null(await RpcFraming.ReadAsync(pipe.Reader).AsTask().WaitAsync(Guard));
    }

    [Theory]
    [InlineData((ulong)RpcFraming.DefaultMaxRpcBytes + 1)]
    [InlineData(1UL << 40)]
    [InlineData(ulong.MaxValue)]
    public async Task A_length_past_the_bound_is_refused_from_the_prefix_alone(ulong length)
    {
        var pipe = new Pipe();
        byte[] prefix = new byte[10];
        int written = Primitives.Varint.Write(length, prefix);

        // Only the prefix is sent and the stream stays open: the refusal cannot have waited for (or buffered) a body.
        await PipeBytes.WriteAsync(pipe.Writer, prefix[..written]);

        await Assert.ThrowsAsync<Libp2pProtocolException>(() => RpcFraming.ReadAsync(pipe.Reader).AsTask().WaitAsync(Guard));
    }

    [Fact]
    public async Task The_bound_is_the_callers_and_a_body_of_exactly_the_bound_is_accepted()
    {
        var rpc = new RPC { Publish = { new Message { Data = ByteString.CopyFrom(new byte[90]) } } };
        int size = rpc.CalculateSize();
        var pipe = new Pipe();

        RpcFraming.Write(pipe.Writer, rpc, maxRpcBytes: size);
        RpcFraming.Write(pipe.Writer, rpc, maxRpcBytes: size);
        await pipe.Writer.FlushAsync();

        Assert.Equal(rpc, await RpcFraming.ReadAsync(pipe.Reader, maxRpcBytes: size).AsTask().WaitAsync(Guard));
        await Assert.ThrowsAsync<Libp2pProtocolException>(() => RpcFraming.ReadAsync(pipe.Reader, maxRpcBytes: size - 1).AsTask().WaitAsync(Guard));
    }

    [Fact]
    public async Task A_peer_announcing_the_largest_rpc_and_sending_little_costs_little()
    {
        var pipe = new Pipe();
        await PipeBytes.WriteAsync(pipe.Writer, [0x80, 0x80, 0x40, .. new byte[10]]); // 1 MiB announced, 10 bytes sent

        // The read runs synchronously up to its wait for more bytes, on this thread: what it allocated is measurable.
        long before = GC.GetAllocatedBytesForCurrentThread();
        Task<RPC?> read = RpcFraming.ReadAsync(pipe.Reader).AsTask();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.False(read.IsCompleted);
        Assert.InRange(allocated, 0, 64 * 1024);
        await pipe.Writer.CompleteAsync();
        await Assert.ThrowsAsync<Libp2pProtocolException>(() => read.WaitAsync(Guard));
    }

    [Fact]
    public async Task A_run_of_continuation_bytes_is_refused_without_waiting_for_its_end()
    {
        var pipe = new Pipe();

        // 1 MiB takes a 3-byte prefix; a fourth continuation byte can only start a longer length.
        await PipeBytes.WriteAsync(pipe.Writer, 0xFF, 0xFF, 0xFF, 0xFF);

        await Assert.ThrowsAsync<Libp2pProtocolException>(() => RpcFraming.ReadAsync(pipe.Reader).AsTask().WaitAsync(Guard));
    }

    [Fact]
    public async Task A_non_minimal_length_prefix_is_refused()
    {
        var pipe = new Pipe();

        await PipeBytes.WriteAsync(pipe.Writer, 0x81, 0x00, 0x08);

        await Assert.ThrowsAsync<Libp2pProtocolException>(() => RpcFraming.ReadAsync(pipe.Reader).AsTask().WaitAsync(Guard));
    }

    [Theory]
    [InlineData(new byte[] { 0x80 })]
    [InlineData(new byte[] { 0x05, 0x0a, 0x02 })]
    public async Task An_end_of_stream_inside_an_rpc_is_refused(byte[] bytes)
    {
        var pipe = new Pipe();

        await PipeBytes.WriteAsync(pipe.Writer, bytes);
        await pipe.Writer.CompleteAsync();

        await Assert.ThrowsAsync<Libp2pProtocolException>(() => RpcFraming.ReadAsync(pipe.Reader).AsTask().WaitAsync(Guard));
    }

    [Fact]
    public async Task An_end_of_stream_inside_a_body_that_had_to_be_copied_is_refused()
    {
        var pipe = new Pipe();

        await PipeBytes.WriteAsync(pipe.Writer, [0x80, 0x80, 0x04, .. new byte[1_000]]); // announces 65 536 bytes
        Task<RPC?> read = RpcFraming.ReadAsync(pipe.Reader).AsTask();
        await PipeBytes.WriteAsync(pipe.Writer, new byte[10]);
        await pipe.Writer.CompleteAsync();

        await Assert.ThrowsAsync<Libp2pProtocolException>(() => read.WaitAsync(Guard));
    }

    [Theory]
    [InlineData(new byte[] { 0x03, 0xFF, 0xFF, 0xFF })] // a key with field number 0 and a bad varint
    [InlineData(new byte[] { 0x02, 0x12, 0x05 })] // publish claims 5 bytes, the frame holds none
    [InlineData(new byte[] { 0x02, 0x0f, 0x00 })] // wire type 7 does not exist
    public async Task A_body_that_is_not_an_rpc_protobuf_is_refused(byte[] bytes)
    {
        var pipe = new Pipe();

        await PipeBytes.WriteAsync(pipe.Writer, bytes);

        await Assert.ThrowsAsync<Libp2pProtocolException>(() => RpcFraming.ReadAsync(pipe.Reader).AsTask().WaitAsync(Guard));
    }

    [Fact]
    public async Task A_topic_in_invalid_utf8_makes_the_whole_rpc_a_violation()
    {
        // subscriptions { topicid: "t\xff" }: Google.Protobuf checks UTF-8 in string fields.
        byte[] body = [0x0a, 0x04, 0x12, 0x02, (byte)'t', 0xff];
        var pipe = new Pipe();

        await PipeBytes.WriteAsync(pipe.Writer, [(byte)body.Length, .. body]);

        await Assert.ThrowsAsync<Libp2pProtocolException>(() => RpcFraming.ReadAsync(pipe.Reader).AsTask().WaitAsync(Guard));
    }

    [Fact]
    public async Task Unknown_groups_nested_past_the_protobuf_input_limit_are_refused()
    {
        // Field 15 as a group (start 0x7b, end 0x7c), twenty deep: unknown to RPC, and deeper than ProtobufInput allows.
        byte[] body = [.. Enumerable.Repeat((byte)0x7b, 20), .. Enumerable.Repeat((byte)0x7c, 20)];
        var pipe = new Pipe();

        await PipeBytes.WriteAsync(pipe.Writer, [(byte)body.Length, .. body]);

        await Assert.ThrowsAsync<Libp2pProtocolException>(() => RpcFraming.ReadAsync(pipe.Reader).AsTask().WaitAsync(Guard));
    }

    [Fact]
    public async Task Fields_of_newer_versions_are_skipped()
    {
        // RPC.partial (field 10) and ControlMessage.extensions (field 6) of go's v1.3 pb, and go's test extension
        // (field 6492434, a four-byte key), around a subscription we know.
        byte[] body =
        [
            0x52, 0x02, 0x0a, 0x00,                  // partial { topicID: "" }
            0x0a, 0x05, 0x08, 0x01, 0x12, 0x01, 0x74, // subscriptions { subscribe: true, topicid: "t" }
            0x1a, 0x02, 0x32, 0x00,                  // control { extensions {} }
            0x92, 0x91, 0xe2, 0x18, 0x00,            // testExtension {}
        ];
        var pipe = new Pipe();

        await PipeBytes.WriteAsync(pipe.Writer, [(byte)body.Length, .. body]);
        RPC? rpc = await RpcFraming.ReadAsync(pipe.Reader).AsTask().WaitAsync(Guard);

        RPC.Types.SubOpts subscription = Assert.Single(rpc!.Subscriptions);
        Assert.True(subscription.Subscribe);
        Assert.Equal("t", subscription.Topicid);
        Assert.NotNull(rpc.Control);
        Assert.Equal(new ControlMessage(), rpc.Control);
    }

    [Fact]
    public async Task A_body_larger_than_the_pipe_holds_is_consumed_as_it_arrives()
    {
        // A pipe that pauses its writer at 64 KiB stands for a Yamux window: a reader that waited for the whole
        // 900 KB body before consuming would never see it.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 64 * 1024, resumeWriterThreshold: 32 * 1024, useSynchronizationContext: false));
        var rpc = new RPC { Publish = { new Message { Topic = "t", Data = ByteString.CopyFrom(Enumerable.Range(0, 900_000).Select(i => (byte)i).ToArray()) } } };
        byte[] framed = Framed(rpc);

        Task<RPC?> read = RpcFraming.ReadAsync(pipe.Reader).AsTask();
        for (int offset = 0; offset < framed.Length; offset += 10_000)
        {
            await pipe.Writer.WriteAsync(framed.AsMemory(offset, Math.Min(10_000, framed.Length - offset))).AsTask().WaitAsync(Guard);
        }

        Assert.Equal(rpc, await read.WaitAsync(Guard));
    }

    [Fact]
    public void Writing_an_rpc_over_the_bound_is_the_callers_mistake()
    {
        var rpc = new RPC { Publish = { new Message { Data = ByteString.CopyFrom(new byte[RpcFraming.DefaultMaxRpcBytes]) } } };

        Assert.Throws<ArgumentException>(() => RpcFraming.Write(new Pipe().Writer, rpc));
    }

    [Fact]
    public async Task The_length_prefix_is_a_minimal_uvarint_of_the_body()
    {
        var rpc = new RPC { Publish = { new Message { Data = ByteString.CopyFrom(new byte[300]) } } };
        var pipe = new Pipe();

        RpcFraming.Write(pipe.Writer, rpc);
        await pipe.Writer.CompleteAsync();
        byte[] bytes = await PipeBytes.ReadToEndAsync(pipe.Reader);

        int size = rpc.CalculateSize();
        Assert.Equal([(byte)(0x80 | (size & 0x7f)), (byte)(size >> 7), .. rpc.ToByteArray()], bytes);
    }

    internal static RPC SampleRpc() => new()
    {
        Subscriptions = { new RPC.Types.SubOpts { Subscribe = true, Topicid = "/fil/blocks/testnetnet" } },
        Publish =
        {
            new Message
            {
                From = ByteString.CopyFrom(1, 2, 3),
                Data = ByteString.CopyFromUtf8("block"),
                Seqno = ByteString.CopyFrom(0, 0, 0, 0, 0, 0, 0, 1),
                Topic = "/fil/blocks/testnetnet",
                Signature = ByteString.CopyFrom(9, 9),
            },
        },
        Control = new ControlMessage
        {
            Ihave = { new ControlIHave { TopicID = "/fil/blocks/testnetnet", MessageIDs = { ByteString.CopyFrom(new byte[32]) } } },
            Iwant = { new ControlIWant { MessageIDs = { ByteString.CopyFrom(Enumerable.Repeat((byte)0xff, 32).ToArray()) } } },
            Graft = { new ControlGraft { TopicID = "/fil/msgs/testnetnet" } },
            Prune =
            {
                new ControlPrune
                {
                    TopicID = "/fil/msgs/testnetnet",
                    Backoff = 60,
                    Peers = { new PeerInfo { PeerID = ByteString.CopyFrom(0, 2, 1, 1), SignedPeerRecord = ByteString.CopyFrom(7) } },
                },
            },
            Idontwant = { new ControlIDontWant { MessageIDs = { ByteString.CopyFrom(new byte[32]) } } },
        },
    };

    private static byte[] Framed(RPC rpc)
    {
        byte[] body = rpc.ToByteArray();
        byte[] prefix = new byte[10];
        int length = Primitives.Varint.Write((ulong)body.Length, prefix);
        return [.. prefix[..length], .. body];
    }
}
