using System.IO.Pipelines;
using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.Libp2p.Negotiation;
using Venus.ChainSync.Libp2p.Tests.Support;

namespace Venus.ChainSync.Libp2p.Tests.Negotiation;

/// <summary>multistream-select 1.0 between our two ends, against wire bytes built by hand from the spec, and
/// against hostile peers.</summary>
public sealed class MultistreamSelectTests
{
    private static readonly TimeSpan Guard = PipeBytes.Guard;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly string[] Supported = ["/yamux/1.0.0", "/ipfs/ping/1.0.0"];

    [Fact]
    public async Task Dialler_and_listener_agree_on_the_first_supported_protocol()
    {
        DuplexPipePair pair = DuplexPipePair.Create();

        Task<string?> listening = Listen(pair.Right, TimeProvider.System).AsTask();
        string chosen = await Select(pair.Left, ["/ipfs/ping/1.0.0"]).AsTask().WaitAsync(Guard);

        Assert.Equal("/ipfs/ping/1.0.0", chosen);
        Assert.Equal("/ipfs/ping/1.0.0", await listening.WaitAsync(Guard));
    }

    [Fact]
    public async Task Refused_first_choice_is_followed_by_the_second()
    {
        DuplexPipePair pair = DuplexPipePair.Create();

        Task<string?> listening = Listen(pair.Right, TimeProvider.System).AsTask();
        string chosen = await Select(pair.Left, ["/mplex/6.7.0", "/yamux/1.0.0"]).AsTask().WaitAsync(Guard);

        Assert.Equal("/yamux/1.0.0", chosen);
        Assert.Equal("/yamux/1.0.0", await listening.WaitAsync(Guard));
    }

    [Fact]
    public async Task Every_choice_refused_throws_not_supported_with_the_protocols_tried()
    {
        DuplexPipePair pair = DuplexPipePair.Create();

        Task<string?> listening = Listen(pair.Right, TimeProvider.System).AsTask();
        var error = await Assert.ThrowsAsync<ProtocolNotSupportedException>(
            () => Select(pair.Left, ["/a/1", "/b/1"]).AsTask().WaitAsync(Guard));
        await pair.Left.Output.CompleteAsync();

        Assert.Equal(["/a/1", "/b/1"], error.Protocols);
        Assert.Null(await listening.WaitAsync(Guard));
    }

    [Fact]
    public async Task Dialler_sends_header_and_first_proposal_before_any_answer()
    {
        DuplexPipePair pair = DuplexPipePair.Create();
        byte[] expected = [.. PipeBytes.Message("/multistream/1.0.0"), .. PipeBytes.Message("/yamux/1.0.0")];

        Task<string> selecting = Select(pair.Left, ["/yamux/1.0.0"]).AsTask();
        byte[] sent = await PipeBytes.ReadExactlyAsync(pair.Right.Input, expected.Length);

        Assert.Equal(expected, sent);
        Assert.False(selecting.IsCompleted);
        await PipeBytes.WriteAsync(pair.Right.Output, [.. PipeBytes.Message("/multistream/1.0.0"), .. PipeBytes.Message("/yamux/1.0.0")]);
        Assert.Equal("/yamux/1.0.0", await selecting.WaitAsync(Guard));
    }

    [Fact]
    public async Task Wire_transcript_is_the_specs_bytes()
    {
        // Built by hand from the spec: varint length (text + newline), text, 0x0a. "/multistream/1.0.0" is 18 bytes
        // (length 0x13), "/ipfs/ping/1.0.0" 16 (0x11), "na" 2 (0x03, the spec's own example 0x036e610a).
        byte[] header = [0x13, .. "/multistream/1.0.0"u8, 0x0a];
        byte[] ping = [0x11, .. "/ipfs/ping/1.0.0"u8, 0x0a];
        byte[] na = [0x03, 0x6e, 0x61, 0x0a];
        byte[] mplex = [0x0d, .. "/mplex/6.7.0"u8, 0x0a];
        DuplexPipePair pair = DuplexPipePair.Create();

        Task<string?> listening = Listen(pair.Right, TimeProvider.System).AsTask();
        Assert.Equal(header, await PipeBytes.ReadExactlyAsync(pair.Left.Input, header.Length));
        await PipeBytes.WriteAsync(pair.Left.Output, [.. header, .. mplex]);
        Assert.Equal(na, await PipeBytes.ReadExactlyAsync(pair.Left.Input, na.Length));
        await PipeBytes.WriteAsync(pair.Left.Output, ping);
        Assert.Equal(ping, await PipeBytes.ReadExactlyAsync(pair.Left.Input, ping.Length));

        Assert.Equal("/ipfs/ping/1.0.0", await listening.WaitAsync(Guard));
    }

    [Fact]
    public async Task Ls_is_answered_with_gos_nested_list()
    {
        DuplexPipePair pair = DuplexPipePair.Create();
        // go-multistream's Ls (before ec4e518): one message whose body is each protocol framed as a message.
        byte[] body = [.. PipeBytes.Message("/yamux/1.0.0"), .. PipeBytes.Message("/ipfs/ping/1.0.0")];
        byte[] expected = [(byte)(body.Length + 1), .. body, 0x0a];

        Task<string?> listening = Listen(pair.Right, TimeProvider.System).AsTask();
        await PipeBytes.WriteAsync(pair.Left.Output, [.. PipeBytes.Message("/multistream/1.0.0"), .. PipeBytes.Message("ls")]);
        byte[] answer = await PipeBytes.ReadExactlyAsync(pair.Left.Input, PipeBytes.Message("/multistream/1.0.0").Length + expected.Length);

        Assert.Equal(expected, answer[PipeBytes.Message("/multistream/1.0.0").Length..]);
        await pair.Left.Output.CompleteAsync();
        Assert.Null(await listening.WaitAsync(Guard));
    }

    [Fact]
    public async Task Bytes_after_the_proposal_stay_for_the_next_protocol()
    {
        DuplexPipePair pair = DuplexPipePair.Create();
        byte[] data = [1, 2, 3, 4, 5];

        Task<string?> listening = Listen(pair.Right, TimeProvider.System).AsTask();
        await PipeBytes.WriteAsync(
            pair.Left.Output, [.. PipeBytes.Message("/multistream/1.0.0"), .. PipeBytes.Message("/yamux/1.0.0"), .. data]);

        Assert.Equal("/yamux/1.0.0", await listening.WaitAsync(Guard));
        Assert.Equal(data, await PipeBytes.ReadExactlyAsync(pair.Right.Input, data.Length));
    }

    [Fact]
    public async Task Bytes_after_the_echo_stay_for_the_dialler()
    {
        DuplexPipePair pair = DuplexPipePair.Create();
        byte[] data = [9, 8, 7];

        Task<string> selecting = Select(pair.Left, ["/yamux/1.0.0"]).AsTask();
        await PipeBytes.WriteAsync(
            pair.Right.Output, [.. PipeBytes.Message("/multistream/1.0.0"), .. PipeBytes.Message("/yamux/1.0.0"), .. data]);

        Assert.Equal("/yamux/1.0.0", await selecting.WaitAsync(Guard));
        Assert.Equal(data, await PipeBytes.ReadExactlyAsync(pair.Left.Input, data.Length));
    }

    [Fact]
    public async Task Dialler_closing_without_choosing_gives_null()
    {
        DuplexPipePair pair = DuplexPipePair.Create();

        Task<string?> listening = Listen(pair.Right, TimeProvider.System).AsTask();
        await PipeBytes.WriteMessageAsync(pair.Left.Output, "/multistream/1.0.0");
        await pair.Left.Output.CompleteAsync();

        Assert.Null(await listening.WaitAsync(Guard));
    }

    [Fact]
    public async Task Lazy_select_sends_proposal_with_data_and_reads_through_after_the_echo()
    {
        DuplexPipePair pair = DuplexPipePair.Create();

        IDuplexPipe lazy = MultistreamSelect.SelectLazily(pair.Left, "/ipfs/ping/1.0.0");
        await lazy.Output.WriteAsync(new byte[] { 42 }).AsTask().WaitAsync(Guard);
        Assert.Equal("/ipfs/ping/1.0.0", await Listen(pair.Right, TimeProvider.System).AsTask().WaitAsync(Guard));
        Assert.Equal([42], await PipeBytes.ReadExactlyAsync(pair.Right.Input, 1));
        await PipeBytes.WriteAsync(pair.Right.Output, 43);

        Assert.Equal([43], await PipeBytes.ReadExactlyAsync(lazy.Input, 1));
    }

    [Fact]
    public async Task Lazy_select_by_a_reader_only_works_once_the_proposal_is_flushed_and_reads_while_writing()
    {
        DuplexPipePair pair = DuplexPipePair.Create();

        IDuplexPipe lazy = MultistreamSelect.SelectLazily(pair.Left, "/ipfs/id/1.0.0");
        await pair.Left.Output.FlushAsync().AsTask().WaitAsync(Guard);
        Task<byte[]> reading = PipeBytes.ReadExactlyAsync(lazy.Input, 2);
        Assert.Equal("/ipfs/id/1.0.0", await ListenAny(pair.Right).AsTask().WaitAsync(Guard));
        await PipeBytes.WriteAsync(pair.Right.Output, 7, 8);

        Assert.Equal([7, 8], await reading.WaitAsync(Guard));
    }

    [Fact]
    public async Task Lazy_select_refused_fails_every_read_with_not_supported()
    {
        DuplexPipePair pair = DuplexPipePair.Create();

        IDuplexPipe lazy = MultistreamSelect.SelectLazily(pair.Left, "/unknown/1.0.0");
        await PipeBytes.WriteAsync(pair.Right.Output, [.. PipeBytes.Message("/multistream/1.0.0"), .. PipeBytes.Message("na")]);

        var first = await Assert.ThrowsAsync<ProtocolNotSupportedException>(() => lazy.Input.ReadAsync().AsTask().WaitAsync(Guard));
        await Assert.ThrowsAsync<ProtocolNotSupportedException>(() => lazy.Input.ReadAsync().AsTask().WaitAsync(Guard));
        Assert.Equal(["/unknown/1.0.0"], first.Protocols);
    }

    [Fact]
    public async Task Lazy_select_with_a_wrong_echo_is_a_protocol_violation()
    {
        DuplexPipePair pair = DuplexPipePair.Create();

        IDuplexPipe lazy = MultistreamSelect.SelectLazily(pair.Left, "/a/1");
        await PipeBytes.WriteAsync(pair.Right.Output, [.. PipeBytes.Message("/multistream/1.0.0"), .. PipeBytes.Message("/b/1")]);

        await Assert.ThrowsAsync<Libp2pProtocolException>(() => lazy.Input.ReadAsync().AsTask().WaitAsync(Guard));
    }

    [Theory]
    [InlineData("/multistream/2.0.0")]
    [InlineData("/yamux/1.0.0")]
    public async Task Wrong_or_missing_header_is_a_protocol_violation(string first)
    {
        DuplexPipePair pair = DuplexPipePair.Create();

        Task<string?> listening = Listen(pair.Right, TimeProvider.System).AsTask();
        await PipeBytes.WriteMessageAsync(pair.Left.Output, first);

        await Assert.ThrowsAsync<Libp2pProtocolException>(() => listening.WaitAsync(Guard));
    }

    [Theory]
    [InlineData("ffffffffffffffffffff01")] // a huge varint
    [InlineData("8108")] // 1025: one past go's cap
    [InlineData("8380")] // an unterminated prefix already past the cap
    [InlineData("8300")] // not minimal
    [InlineData("00")] // empty: no newline
    [InlineData("03616263")] // "abc" with no newline
    [InlineData("03ff0a")] // not UTF-8
    [InlineData("13")] // the stream ends inside a message
    public async Task Malformed_first_message_is_a_protocol_violation(string hex)
    {
        DuplexPipePair pair = DuplexPipePair.Create();

        Task<string?> listening = Listen(pair.Right, TimeProvider.System).AsTask();
        await PipeBytes.WriteAsync(pair.Left.Output, Convert.FromHexString(hex));
        await pair.Left.Output.CompleteAsync();

        await Assert.ThrowsAsync<Libp2pProtocolException>(() => listening.WaitAsync(Guard));
    }

    [Fact]
    public async Task Message_of_exactly_the_cap_is_accepted()
    {
        DuplexPipePair pair = DuplexPipePair.Create();
        string longest = "/" + new string('x', MultistreamMessage.MaxLength - 2);

        Task<string?> listening = MultistreamSelect.ListenAsync(
            pair.Right, p => p == longest, () => [], TimeProvider.System, Timeout, CancellationToken.None).AsTask();
        string chosen = await Select(pair.Left, [longest]).AsTask().WaitAsync(Guard);

        Assert.Equal(longest, chosen);
        Assert.Equal(longest, await listening.WaitAsync(Guard));
    }

    [Fact]
    public async Task Proposal_flood_is_cut_off()
    {
        DuplexPipePair pair = DuplexPipePair.Create(pauseWriterThreshold: 0);

        Task<string?> listening = Listen(pair.Right, TimeProvider.System).AsTask();
        byte[] flood = [.. PipeBytes.Message("/multistream/1.0.0"), .. Enumerable.Repeat(PipeBytes.Message("/no/1"), MultistreamSelect.MaxProposals + 1).SelectMany(m => m)];
        await PipeBytes.WriteAsync(pair.Left.Output, flood);

        await Assert.ThrowsAsync<Libp2pProtocolException>(() => listening.WaitAsync(Guard));
    }

    [Fact]
    public async Task Listener_stalled_dialler_times_out()
    {
        var time = new FakeTimeProvider();
        DuplexPipePair pair = DuplexPipePair.Create();

        Task<string?> listening = Listen(pair.Right, time).AsTask();
        await PipeBytes.WriteMessageAsync(pair.Left.Output, "/multistream/1.0.0");
        time.Advance(Timeout);

        await Assert.ThrowsAsync<Libp2pProtocolException>(() => listening.WaitAsync(Guard));
    }

    [Fact]
    public async Task Dialler_facing_a_silent_listener_times_out()
    {
        var time = new FakeTimeProvider();
        DuplexPipePair pair = DuplexPipePair.Create();

        Task<string> selecting = MultistreamSelect.SelectAsync(pair.Left, ["/a/1"], time, Timeout, CancellationToken.None).AsTask();
        time.Advance(Timeout);

        await Assert.ThrowsAsync<Libp2pProtocolException>(() => selecting.WaitAsync(Guard));
    }

    [Fact]
    public async Task Caller_cancellation_stays_a_cancellation()
    {
        using var cts = new CancellationTokenSource();
        DuplexPipePair pair = DuplexPipePair.Create();

        Task<string> selecting = MultistreamSelect.SelectAsync(pair.Left, ["/a/1"], TimeProvider.System, Timeout, cts.Token).AsTask();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => selecting.WaitAsync(Guard));
    }

    private static ValueTask<string> Select(IDuplexPipe pipe, IReadOnlyList<string> protocols) =>
        MultistreamSelect.SelectAsync(pipe, protocols, TimeProvider.System, Timeout, CancellationToken.None);

    private static ValueTask<string?> Listen(IDuplexPipe pipe, TimeProvider time) =>
        MultistreamSelect.ListenAsync(pipe, Supported.Contains, () => Supported, time, Timeout, CancellationToken.None);

    private static ValueTask<string?> ListenAny(IDuplexPipe pipe) =>
        MultistreamSelect.ListenAsync(pipe, _ => true, () => [], TimeProvider.System, Timeout, CancellationToken.None);
}
