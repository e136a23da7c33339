using System.Text;
using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.Libp2p.Protocols;
using Venus.ChainSync.Libp2p.Tests.Negotiation;
using Venus.ChainSync.Libp2p.Tests.Support;

namespace Venus.ChainSync.Libp2p.Tests.Protocols;

/// <summary>Identify messages: our round trip, a go-style message built by hand from the field numbers, merging,
/// push updates and hostile senders.</summary>
public sealed class IdentifyProtocolTests
{
    private static readonly TimeSpan Guard = PipeBytes.Guard;

    // /ip4/127.0.0.1/tcp/4001 and /ip4/1.2.3.4/tcp/1234, binary (multiaddr spec codes: ip4 0x04, tcp 0x06).
    private static readonly byte[] Local = Convert.FromHexString("047f000001060fa1");
    private static readonly byte[] Observed = Convert.FromHexString("0401020304" + "0604d2");

    // /ip4/1.2.3.4/udp/4001/quic-v1: udp is 273 (varint 91 02), quic-v1 is 0x01cc (cc 03); Multiaddr reads neither.
    private static readonly byte[] Quic = Convert.FromHexString("0401020304" + "91020fa1" + "cc03");

    [Fact]
    public async Task Written_info_reads_back_the_same()
    {
        var info = new IdentifyInfo(
            "ipfs/0.1.0",
            "venus-chainsync/1.0",
            (byte[])[8, 1, 18, 32, .. new byte[32]],
            [Multiaddr.FromBytes(Local)],
            Multiaddr.FromBytes(Observed),
            ["/ipfs/id/1.0.0", "/fil/sync/blk/0.0.1"],
            0);
        DuplexPipePair pair = DuplexPipePair.Create();

        await IdentifyProtocol.WriteAsync(pair.Left.Output, info, CancellationToken.None).AsTask().WaitAsync(Guard);
        await pair.Left.Output.CompleteAsync();
        IdentifyInfo read = await Read(pair);

        Assert.Equal(info.ProtocolVersion, read.ProtocolVersion);
        Assert.Equal(info.AgentVersion, read.AgentVersion);
        Assert.Equal(info.PublicKey.ToArray(), read.PublicKey.ToArray());
        Assert.Equal(info.ListenAddresses, read.ListenAddresses);
        Assert.Equal(info.ObservedAddress, read.ObservedAddress);
        Assert.Equal(info.Protocols, read.Protocols);
        Assert.Equal(0, read.SkippedAddresses);
    }

    [Fact]
    public async Task Go_style_message_built_by_hand_decodes()
    {
        byte[] key = [0x08, 0x01, 0x12, 0x20, .. Enumerable.Range(0, 32).Select(i => (byte)i)];
        // Field keys are (number << 3) | 2 for length-delimited fields: 1 → 0x0a, 2 → 0x12, 3 → 0x1a, 4 → 0x22,
        // 5 → 0x2a, 6 → 0x32, 8 → 0x42; natStatus (7, varint: 0x38) is an old go field we do not know.
        byte[] body =
        [
            0x2a, 10, .. "ipfs/0.1.0"u8,
            0x32, 12, .. "lotus-1.28.0"u8,
            0x0a, (byte)key.Length, .. key,
            0x12, (byte)Local.Length, .. Local,
            0x12, (byte)Quic.Length, .. Quic,
            0x22, (byte)Observed.Length, .. Observed,
            0x1a, 14, .. "/ipfs/id/1.0.0"u8,
            0x1a, 16, .. "/ipfs/ping/1.0.0"u8,
            0x38, 0x01,
            0x42, 3, 0xde, 0xad, 0x01,
        ];
        DuplexPipePair pair = DuplexPipePair.Create();

        Assert.True(body.Length is > 127 and < 16384);
        await WriteAndClose(pair, [(byte)(0x80 | (body.Length & 0x7f)), (byte)(body.Length >> 7), .. body]);
        IdentifyInfo info = await Read(pair);

        Assert.Equal("ipfs/0.1.0", info.ProtocolVersion);
        Assert.Equal("lotus-1.28.0", info.AgentVersion);
        Assert.Equal(key, info.PublicKey.ToArray());
        Assert.Equal([Multiaddr.Parse("/ip4/127.0.0.1/tcp/4001")], info.ListenAddresses);
        Assert.Equal(1, info.SkippedAddresses);
        Assert.Equal(Multiaddr.Parse("/ip4/1.2.3.4/tcp/1234"), info.ObservedAddress);
        Assert.Equal(["/ipfs/id/1.0.0", "/ipfs/ping/1.0.0"], info.Protocols);
    }

    [Fact]
    public async Task Unknown_fields_are_ignored()
    {
        // Field 99 (key 0x9a 0x06, length-delimited) and field 20 (key 0xa0 0x01, varint) around a protocol.
        byte[] body = [0x9a, 0x06, 2, 0xff, 0xff, 0x1a, 4, .. "/a/1"u8, 0xa0, 0x01, 0x7f];
        DuplexPipePair pair = DuplexPipePair.Create();

        await WriteAndClose(pair, [(byte)body.Length, .. body]);
        IdentifyInfo info = await Read(pair);

        Assert.Equal(["/a/1"], info.Protocols);
        Assert.Null(info.AgentVersion);
    }

    [Fact]
    public async Task Several_messages_merge_with_lists_appended_and_later_scalars_winning()
    {
        // go splits a large message, sending the signed peer record alone after the rest; its reader merges them.
        byte[] first = [0x32, 2, .. "v1"u8, 0x1a, 4, .. "/a/1"u8, 0x12, (byte)Local.Length, .. Local];
        byte[] second = [0x32, 2, .. "v2"u8, 0x1a, 4, .. "/b/1"u8, 0x42, 1, 0x00];
        DuplexPipePair pair = DuplexPipePair.Create();

        await WriteAndClose(pair, [(byte)first.Length, .. first, (byte)second.Length, .. second]);
        IdentifyInfo info = await Read(pair);

        Assert.Equal("v2", info.AgentVersion);
        Assert.Equal(["/a/1", "/b/1"], info.Protocols);
        Assert.Equal([Multiaddr.FromBytes(Local)], info.ListenAddresses);
    }

    [Fact]
    public async Task Stream_closed_without_a_message_reads_empty()
    {
        DuplexPipePair pair = DuplexPipePair.Create();

        await pair.Left.Output.CompleteAsync();
        IdentifyInfo info = await Read(pair);

        Assert.Empty(info.Protocols);
        Assert.Null(info.ProtocolVersion);
    }

    [Fact]
    public async Task Nine_messages_are_accepted_and_a_tenth_refused_as_go_does()
    {
        DuplexPipePair accepted = DuplexPipePair.Create();
        DuplexPipePair refused = DuplexPipePair.Create();

        await WriteAndClose(accepted, new byte[9]); // nine empty messages: length 0 each
        await WriteAndClose(refused, new byte[10]);

        Assert.Empty((await Read(accepted)).Protocols);
        await Assert.ThrowsAsync<Libp2pProtocolException>(() => Read(refused));
    }

    [Fact]
    public async Task Push_replaces_the_fields_it_carries_and_keeps_the_rest()
    {
        var before = new IdentifyInfo("ipfs/0.1.0", "old", new byte[] { 1 }, [Multiaddr.FromBytes(Local)], null, ["/a/1"], 0);
        var push = IdentifyInfo.Empty with { AgentVersion = "new", ListenAddresses = [Multiaddr.FromBytes(Observed)] };

        IdentifyInfo after = before.WithPush(push);

        Assert.Equal("ipfs/0.1.0", after.ProtocolVersion);
        Assert.Equal("new", after.AgentVersion);
        Assert.Equal([1], after.PublicKey.ToArray());
        Assert.Equal([Multiaddr.FromBytes(Observed)], after.ListenAddresses);
        Assert.Equal(["/a/1"], after.Protocols);
    }

    [Fact]
    public void Push_of_only_unreadable_addresses_replaces_the_addresses()
    {
        var before = IdentifyInfo.Empty with { ListenAddresses = [Multiaddr.FromBytes(Local)] };
        var push = IdentifyInfo.Empty with { SkippedAddresses = 2 };

        IdentifyInfo after = before.WithPush(push);

        Assert.Empty(after.ListenAddresses);
        Assert.Equal(2, after.SkippedAddresses);
    }

    [Fact]
    public async Task Message_past_the_size_bound_is_refused_from_its_length()
    {
        DuplexPipePair pair = DuplexPipePair.Create();

        await PipeBytes.WriteAsync(pair.Left.Output, 0x81, 0x40); // 8193, one past go's signedIDSize

        await Assert.ThrowsAsync<Libp2pProtocolException>(() => Read(pair));
    }

    [Fact]
    public async Task Too_many_protocols_over_several_messages_are_refused()
    {
        var limits = IdentifyLimits.Default with { MaxProtocols = 2 };
        byte[] one = [0x1a, 4, .. "/a/1"u8, 0x1a, 4, .. "/b/1"u8];
        byte[] two = [0x1a, 4, .. "/c/1"u8];
        DuplexPipePair pair = DuplexPipePair.Create();

        await WriteAndClose(pair, [(byte)one.Length, .. one, (byte)two.Length, .. two]);

        await Assert.ThrowsAsync<Libp2pProtocolException>(() => Read(pair, limits));
    }

    [Fact]
    public async Task Too_many_addresses_are_refused()
    {
        var limits = IdentifyLimits.Default with { MaxAddresses = 1 };
        byte[] body = [0x12, (byte)Local.Length, .. Local, 0x12, (byte)Quic.Length, .. Quic];
        DuplexPipePair pair = DuplexPipePair.Create();

        await WriteAndClose(pair, [(byte)body.Length, .. body]);

        await Assert.ThrowsAsync<Libp2pProtocolException>(() => Read(pair, limits));
    }

    [Fact]
    public async Task Overlong_protocol_id_is_refused()
    {
        string id = "/" + new string('x', 1023);
        byte[] body = [0x1a, 0x80, 0x08, .. Encoding.ASCII.GetBytes(id)];
        DuplexPipePair pair = DuplexPipePair.Create();

        await WriteAndClose(pair, [0x83, 0x08, .. body]);

        await Assert.ThrowsAsync<Libp2pProtocolException>(() => Read(pair));
    }

    [Theory]
    [InlineData("0a1a04")] // a message of 10 bytes cut after 3
    [InlineData("03ffffff")] // not a protobuf: wire type 7
    [InlineData("021a05")] // a field longer than its message
    [InlineData("ffffffffffffffffffff01")] // a length prefix past 64 bits
    [InlineData("80")] // the stream ends inside the length
    public async Task Truncated_or_garbage_input_is_refused(string hex)
    {
        DuplexPipePair pair = DuplexPipePair.Create();

        await WriteAndClose(pair, Convert.FromHexString(hex));

        await Assert.ThrowsAsync<Libp2pProtocolException>(() => Read(pair));
    }

    [Fact]
    public async Task Sender_that_never_closes_times_out()
    {
        var time = new FakeTimeProvider();
        DuplexPipePair pair = DuplexPipePair.Create();

        Task<IdentifyInfo> reading = IdentifyProtocol.ReadAsync(pair.Right.Input, IdentifyLimits.Default, time, CancellationToken.None).AsTask();
        await PipeBytes.WriteAsync(pair.Left.Output, 0);
        time.Advance(IdentifyLimits.Default.Timeout);

        await Assert.ThrowsAsync<Libp2pProtocolException>(() => reading.WaitAsync(Guard));
    }

    [Fact]
    public async Task Own_message_past_four_kib_is_a_caller_error()
    {
        var info = IdentifyInfo.Empty with { AgentVersion = new string('a', IdentifyProtocol.MaxOwnMessageBytes) };
        DuplexPipePair pair = DuplexPipePair.Create();

        await Assert.ThrowsAsync<ArgumentException>(
            () => IdentifyProtocol.WriteAsync(pair.Left.Output, info, CancellationToken.None).AsTask().WaitAsync(Guard));
    }

    private static async Task WriteAndClose(DuplexPipePair pair, byte[] bytes)
    {
        await PipeBytes.WriteAsync(pair.Left.Output, bytes);
        await pair.Left.Output.CompleteAsync();
    }

    private static Task<IdentifyInfo> Read(DuplexPipePair pair, IdentifyLimits? limits = null) =>
        IdentifyProtocol.ReadAsync(pair.Right.Input, limits ?? IdentifyLimits.Default, TimeProvider.System, CancellationToken.None)
            .AsTask().WaitAsync(Guard);
}
