using System.IO.Pipelines;
using Venus.ChainSync.Libp2p.Multiplexing;

namespace Venus.ChainSync.Libp2p.Tests.Multiplexing;

/// <summary>Two Yamux sessions talking to each other: streams, flow control, half-close, reset, GoAway, ping.</summary>
public sealed class YamuxSessionTests
{
    [Fact]
    public async Task Opened_stream_is_accepted_by_the_peer_with_the_same_odd_id()
    {
        await using var pair = YamuxSessionPair.Start();

        (YamuxStream client, YamuxStream server) = await pair.OpenAsync();

        Assert.Equal(1u, client.Id);
        Assert.Equal(client.Id, server.Id);
        Assert.Equal(1, pair.Client.ActiveStreams);
        Assert.Equal(1, pair.Server.ActiveStreams);
    }

    [Fact]
    public async Task Server_opened_streams_have_even_ids()
    {
        await using var pair = YamuxSessionPair.Start();

        YamuxStream opened = await pair.Server.OpenStreamAsync(CancellationToken.None).AsTask().WaitAsync(YamuxTest.Guard);
        YamuxStream accepted = await pair.Client.AcceptStreamAsync(CancellationToken.None).AsTask().WaitAsync(YamuxTest.Guard);

        Assert.Equal(2u, opened.Id);
        Assert.Equal(2u, accepted.Id);
    }

    [Fact]
    public async Task Echo_returns_what_was_sent_and_ends_at_fin()
    {
        await using var pair = YamuxSessionPair.Start();
        (YamuxStream client, YamuxStream server) = await pair.OpenAsync();
        byte[] message = YamuxTest.Pattern(1000);

        await client.Output.WriteAsync(message).AsTask().WaitAsync(YamuxTest.Guard);
        await client.CompleteWritingAsync(CancellationToken.None).AsTask().WaitAsync(YamuxTest.Guard);
        byte[] received = await YamuxTest.ReadAllAsync(server.Input);
        await server.Output.WriteAsync(received).AsTask().WaitAsync(YamuxTest.Guard);
        await server.CompleteWritingAsync(CancellationToken.None).AsTask().WaitAsync(YamuxTest.Guard);
        byte[] echoed = await YamuxTest.ReadAllAsync(client.Input);

        Assert.Equal(message, echoed);
    }

    [Fact]
    public async Task Ten_MiB_each_way_at_once_passes_through_the_256_KiB_windows()
    {
        await using var pair = YamuxSessionPair.Start();
        (YamuxStream client, YamuxStream server) = await pair.OpenAsync();
        byte[] up = YamuxTest.Pattern(10 << 20, seed: 1);
        byte[] down = YamuxTest.Pattern(10 << 20, seed: 2);

        Task<byte[]> serverReads = YamuxTest.ReadAllAsync(server.Input);
        Task<byte[]> clientReads = YamuxTest.ReadAllAsync(client.Input);
        Task clientWrites = Task.Run(async () =>
        {
            await YamuxTest.WriteAllAsync(client.Output, up);
            await client.Output.CompleteAsync();
        });
        Task serverWrites = Task.Run(async () =>
        {
            await YamuxTest.WriteAllAsync(server.Output, down);
            await server.Output.CompleteAsync();
        });
        await Task.WhenAll(clientWrites, serverWrites).WaitAsync(YamuxTest.Guard);

        Assert.Equal(up, await serverReads.WaitAsync(YamuxTest.Guard));
        Assert.Equal(down, await clientReads.WaitAsync(YamuxTest.Guard));
    }

    [Fact]
    public async Task Hundred_concurrent_streams_each_echo_their_own_bytes()
    {
        await using var pair = YamuxSessionPair.Start();
        Task echoServer = Task.Run(async () =>
        {
            var echoes = new List<Task>();
            for (int i = 0; i < 100; i++)
            {
                YamuxStream stream = await pair.Server.AcceptStreamAsync(CancellationToken.None);
                echoes.Add(Task.Run(async () =>
                {
                    byte[] request = await YamuxTest.ReadAllAsync(stream.Input);
                    await stream.Output.WriteAsync(request);
                    await stream.DisposeAsync();
                }));
            }

            await Task.WhenAll(echoes);
        });

        Task<bool>[] clients = [.. Enumerable.Range(0, 100).Select(i => Task.Run(async () =>
        {
            await using YamuxStream stream = await pair.Client.OpenStreamAsync(CancellationToken.None);
            byte[] request = YamuxTest.Pattern(20_000 + i, seed: i);
            await stream.Output.WriteAsync(request);
            await stream.CompleteWritingAsync(CancellationToken.None);
            byte[] echoed = await YamuxTest.ReadAllAsync(stream.Input);
            return request.AsSpan().SequenceEqual(echoed);
        }))];

        bool[] results = await Task.WhenAll(clients).WaitAsync(YamuxTest.Guard);
        await echoServer.WaitAsync(YamuxTest.Guard);

        Assert.All(results, Assert.True);
    }

    [Fact]
    public async Task After_fin_the_peer_still_writes_and_the_stream_then_leaves_both_sessions()
    {
        await using var pair = YamuxSessionPair.Start();
        (YamuxStream client, YamuxStream server) = await pair.OpenAsync();

        await client.CompleteWritingAsync(CancellationToken.None).AsTask().WaitAsync(YamuxTest.Guard);
        Assert.Empty(await YamuxTest.ReadAllAsync(server.Input));
        await server.Output.WriteAsync("late reply"u8.ToArray()).AsTask().WaitAsync(YamuxTest.Guard);
        await server.CompleteWritingAsync(CancellationToken.None).AsTask().WaitAsync(YamuxTest.Guard);

        Assert.Equal("late reply"u8.ToArray(), await YamuxTest.ReadAllAsync(client.Input));
        await pair.Client.PingAsync(CancellationToken.None).AsTask().WaitAsync(YamuxTest.Guard);
        Assert.Equal(0, pair.Client.ActiveStreams);
        Assert.Equal(0, pair.Server.ActiveStreams);
    }

    [Fact]
    public async Task Reset_fails_reads_and_writes_on_both_sides()
    {
        await using var pair = YamuxSessionPair.Start();
        (YamuxStream client, YamuxStream server) = await pair.OpenAsync();
        await server.Output.WriteAsync(new byte[10]).AsTask().WaitAsync(YamuxTest.Guard);

        client.Abort(new InvalidOperationException("test"));

        await Assert.ThrowsAsync<IOException>(() => client.Input.ReadAsync().AsTask().WaitAsync(YamuxTest.Guard));
        await Assert.ThrowsAsync<IOException>(() => client.Output.WriteAsync(new byte[1]).AsTask().WaitAsync(YamuxTest.Guard));
        await Assert.ThrowsAsync<IOException>(() => YamuxTest.ReadAllAsync(server.Input));
        await Assert.ThrowsAsync<IOException>(() => server.Output.WriteAsync(new byte[1]).AsTask().WaitAsync(YamuxTest.Guard));
        Assert.Equal(0, pair.Client.ActiveStreams);
        Assert.Equal(0, pair.Server.ActiveStreams);
    }

    [Fact]
    public async Task GoAway_refuses_new_streams_both_ways_while_open_ones_finish_and_then_the_sessions_end()
    {
        await using var pair = YamuxSessionPair.Start();
        (YamuxStream client, YamuxStream server) = await pair.OpenAsync();

        await pair.Client.GoAwayAsync(CancellationToken.None).AsTask().WaitAsync(YamuxTest.Guard);
        await pair.Client.PingAsync(CancellationToken.None).AsTask().WaitAsync(YamuxTest.Guard); // GoAway has arrived

        await Assert.ThrowsAsync<IOException>(() => pair.Client.OpenStreamAsync(CancellationToken.None).AsTask());
        await Assert.ThrowsAsync<IOException>(() => pair.Server.OpenStreamAsync(CancellationToken.None).AsTask());
        await client.Output.WriteAsync("still here"u8.ToArray()).AsTask().WaitAsync(YamuxTest.Guard);
        await client.CompleteWritingAsync(CancellationToken.None).AsTask().WaitAsync(YamuxTest.Guard);
        Assert.Equal("still here"u8.ToArray(), await YamuxTest.ReadAllAsync(server.Input));
        await server.CompleteWritingAsync(CancellationToken.None).AsTask().WaitAsync(YamuxTest.Guard);
        Assert.Empty(await YamuxTest.ReadAllAsync(client.Input));

        await pair.Client.Completion.WaitAsync(YamuxTest.Guard);
        await pair.Server.Completion.WaitAsync(YamuxTest.Guard);
        Assert.True(pair.Client.IsClosed);
        Assert.True(pair.Server.IsClosed);
    }

    [Fact]
    public async Task Ping_is_answered_by_the_peer()
    {
        await using var pair = YamuxSessionPair.Start();

        TimeSpan rtt = await pair.Client.PingAsync(CancellationToken.None).AsTask().WaitAsync(YamuxTest.Guard);
        TimeSpan back = await pair.Server.PingAsync(CancellationToken.None).AsTask().WaitAsync(YamuxTest.Guard);

        // The fake clock does not move, so the round trip measures zero: the answers came, which is the point.
        Assert.Equal(TimeSpan.Zero, rtt);
        Assert.Equal(TimeSpan.Zero, back);
    }

    [Fact]
    public async Task Writer_waits_at_exactly_the_window_until_the_reader_consumes()
    {
        await using var pair = YamuxSessionPair.Start();
        (YamuxStream client, YamuxStream server) = await pair.OpenAsync();

        // Exactly the 256 KiB window: every byte may go.
        await client.Output.WriteAsync(new byte[(int)YamuxOptions.SpecInitialWindow]).AsTask().WaitAsync(YamuxTest.Guard);
        // One byte more must wait for a window update.
        ValueTask<FlushResult> blocked = client.Output.WriteAsync(new byte[1]);
        await pair.Client.PingAsync(CancellationToken.None).AsTask().WaitAsync(YamuxTest.Guard);
        await pair.Server.PingAsync(CancellationToken.None).AsTask().WaitAsync(YamuxTest.Guard);
        Assert.False(blocked.IsCompleted);

        // Consuming half the window grants it again (go-yamux: update once half is consumed).
        await YamuxTest.ReadExactlyAsync(server.Input, (int)YamuxOptions.SpecInitialWindow / 2);
        await blocked.AsTask().WaitAsync(YamuxTest.Guard);
        await YamuxTest.ReadExactlyAsync(server.Input, ((int)YamuxOptions.SpecInitialWindow / 2) + 1);
    }

    [Fact]
    public async Task Unread_bytes_stay_within_the_window_granted()
    {
        await using var pair = YamuxSessionPair.Start();
        (YamuxStream client, YamuxStream server) = await pair.OpenAsync();

        await client.Output.WriteAsync(new byte[YamuxOptions.SpecInitialWindow]).AsTask().WaitAsync(YamuxTest.Guard);
        Task writes = YamuxTest.WriteAllAsync(client.Output, new byte[1 << 20]);
        // The client answers this ping after its data is on the connection, so the server has read all of it.
        await pair.Server.PingAsync(CancellationToken.None).AsTask().WaitAsync(YamuxTest.Guard);

        Assert.False(writes.IsCompleted);
        Assert.True(server.Input.TryRead(out ReadResult buffered));
        Assert.Equal(YamuxOptions.SpecInitialWindow, buffered.Buffer.Length);
        server.Input.AdvanceTo(buffered.Buffer.Start);
        server.Abort(null);
        await Assert.ThrowsAsync<IOException>(() => writes.WaitAsync(YamuxTest.Guard));
    }

    [Fact]
    public async Task Disposed_stream_leaves_the_session_and_the_peer_reads_its_end()
    {
        await using var pair = YamuxSessionPair.Start();
        (YamuxStream client, YamuxStream server) = await pair.OpenAsync();

        await client.Output.WriteAsync("bye"u8.ToArray()).AsTask().WaitAsync(YamuxTest.Guard);
        await client.DisposeAsync().AsTask().WaitAsync(YamuxTest.Guard);

        Assert.Equal(0, pair.Client.ActiveStreams);
        Assert.Equal("bye"u8.ToArray(), await YamuxTest.ReadAllAsync(server.Input));
    }

    [Fact]
    public async Task Disposing_the_session_fails_its_streams_and_ends_the_peer()
    {
        var pair = YamuxSessionPair.Start();
        (YamuxStream client, YamuxStream server) = await pair.OpenAsync();

        await pair.Client.DisposeAsync().AsTask().WaitAsync(YamuxTest.Guard);

        Assert.True(pair.Client.IsClosed);
        await Assert.ThrowsAsync<IOException>(() => client.Input.ReadAsync().AsTask().WaitAsync(YamuxTest.Guard));
        await Assert.ThrowsAsync<IOException>(() => YamuxTest.ReadAllAsync(server.Input));
        await pair.Server.Completion.WaitAsync(YamuxTest.Guard);
        await Assert.ThrowsAsync<IOException>(() => pair.Server.AcceptStreamAsync(CancellationToken.None).AsTask().WaitAsync(YamuxTest.Guard));
        await pair.DisposeAsync();
    }

    [Fact]
    public void Options_out_of_range_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new YamuxOptions { InitialWindow = 1024 }.Validate());
        Assert.Throws<ArgumentException>(() => new YamuxOptions { MaxStreamWindow = 1024 }.Validate());
        Assert.Throws<ArgumentException>(() => new YamuxOptions { MaxStreams = 0 }.Validate());
        Assert.Throws<ArgumentException>(() => new YamuxOptions { KeepAliveInterval = TimeSpan.Zero }.Validate());
    }
}
