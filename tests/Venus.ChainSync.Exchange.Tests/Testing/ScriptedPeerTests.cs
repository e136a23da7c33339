using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.Network;
using Venus.ChainSync.Testing;
using static Venus.ChainSync.Exchange.Tests.Testing.NetworkTestKit;

namespace Venus.ChainSync.Exchange.Tests.Testing;

public class ScriptedPeerTests
{
    [Fact]
    public async Task WriteThenHang_delivers_the_bytes_and_then_nothing_until_the_network_stops()
    {
        var network = new InMemoryNetwork();
        ScriptedPeer evil = network.CreateScriptedPeer("evil").WriteThenHang("/p", "partial"u8.ToArray());
        InMemoryHost client = network.CreateHost("client");

        INetworkStream stream = await client.OpenStreamAsync(evil.PeerId, "/p", Guard());

        Assert.Equal("partial"u8.ToArray(), await ReadExactlyAsync(stream.Input, 7));
        Assert.False(stream.Input.TryRead(out _));
        Assert.Equal(1, evil.StreamsAccepted);
        await network.DisposeAsync().AsTask().WaitAsync(Guard());
        await Assert.ThrowsAnyAsync<IOException>(async () => await stream.Input.ReadAsync(Guard()));
    }

    [Fact]
    public async Task WriteThenReset_delivers_exactly_the_bytes_then_the_read_fails()
    {
        await using var network = new InMemoryNetwork();
        ScriptedPeer evil = network.CreateScriptedPeer("evil").WriteThenReset("/p", Pattern(300));
        InMemoryHost client = network.CreateHost("client");

        INetworkStream stream = await client.OpenStreamAsync(evil.PeerId, "/p", Guard());
        (byte[] received, Exception? failure) = await ReadUntilFailureAsync(stream.Input);

        Assert.Equal(Pattern(300), received);
        Assert.IsAssignableFrom<IOException>(failure);
    }

    [Fact]
    public async Task WriteThenReset_behind_latency_arrives_as_one_after_the_latency()
    {
        var time = new FakeTimeProvider();
        await using var network = new InMemoryNetwork(time);
        ScriptedPeer evil = network.CreateScriptedPeer("evil").WriteThenReset("/p", Pattern(10));
        InMemoryHost client = network.CreateHost("client");
        network.Configure(client, evil.Host, new LinkFaults { Latency = TimeSpan.FromSeconds(1) });

        INetworkStream stream = await client.OpenStreamAsync(evil.PeerId, "/p", Guard());
        await network.WhenInFlightAsync(Guard());
        Assert.False(stream.Input.TryRead(out _));
        time.Advance(TimeSpan.FromSeconds(1));

        (byte[] received, Exception? failure) = await ReadUntilFailureAsync(stream.Input);
        Assert.Equal(Pattern(10), received);
        Assert.IsAssignableFrom<IOException>(failure);
    }

    [Fact]
    public async Task WriteThenReset_makes_a_bounded_read_fail_as_a_stream_error()
    {
        await using var network = new InMemoryNetwork();
        ScriptedPeer evil = network.CreateScriptedPeer("evil").WriteThenReset("/p", Pattern(50));
        InMemoryHost client = network.CreateHost("client");

        INetworkStream stream = await client.OpenStreamAsync(evil.PeerId, "/p", Guard());
        BoundedReadException failure = await Assert.ThrowsAsync<BoundedReadException>(async () => await BoundedReader.ReadMessageAsync(
            stream.Input, new ReadLimits(1024, TimeSpan.FromSeconds(10), 0, TimeSpan.FromSeconds(10)), TimeProvider.System, null, Guard()));

        Assert.Equal(ReadFailure.StreamError, failure.Failure);
    }

    [Fact]
    public async Task Drip_delivers_one_chunk_per_interval_on_the_fake_clock()
    {
        var time = new FakeTimeProvider();
        await using var network = new InMemoryNetwork(time);
        ScriptedPeer evil = network.CreateScriptedPeer("evil").Drip("/p", Pattern(30), chunkBytes: 10, interval: TimeSpan.FromSeconds(1));
        InMemoryHost client = network.CreateHost("client");
        INetworkStream stream = await client.OpenStreamAsync(evil.PeerId, "/p", Guard());

        Assert.Equal(Pattern(30)[..10], await ReadExactlyAsync(stream.Input, 10));
        Assert.False(stream.Input.TryRead(out _));

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(Pattern(30)[10..20], await ReadExactlyAsync(stream.Input, 10));
        Assert.False(stream.Input.TryRead(out _));

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(Pattern(30)[20..], await ReadToEndAsync(stream.Input));
    }

    [Fact]
    public async Task Drip_catches_up_when_the_clock_jumps_several_intervals()
    {
        var time = new FakeTimeProvider();
        await using var network = new InMemoryNetwork(time);
        ScriptedPeer evil = network.CreateScriptedPeer("evil").Drip("/p", Pattern(50), chunkBytes: 10, interval: TimeSpan.FromSeconds(1));
        InMemoryHost client = network.CreateHost("client");
        INetworkStream stream = await client.OpenStreamAsync(evil.PeerId, "/p", Guard());
        byte[] first = await ReadExactlyAsync(stream.Input, 10);

        time.Advance(TimeSpan.FromSeconds(10));

        byte[] rest = await ReadToEndAsync(stream.Input);
        Assert.Equal(Pattern(50), first.Concat(rest).ToArray());
    }

    [Fact]
    public async Task NeverRead_makes_the_senders_flush_wait_once_the_buffer_is_full()
    {
        var network = new InMemoryNetwork();
        ScriptedPeer evil = network.CreateScriptedPeer("evil").NeverRead("/p");
        InMemoryHost client = network.CreateHost("client");
        INetworkStream stream = await client.OpenStreamAsync(evil.PeerId, "/p", Guard());

        await stream.Output.WriteAsync(new byte[InMemoryNetwork.StreamBufferBytes / 2], Guard());
        Task<FlushResult> blocked = stream.Output.WriteAsync(new byte[InMemoryNetwork.StreamBufferBytes / 2], Guard()).AsTask();

        Assert.False(blocked.IsCompleted);
        await network.DisposeAsync().AsTask().WaitAsync(Guard());
        await Assert.ThrowsAnyAsync<IOException>(() => blocked.WaitAsync(Guard()));
    }

    [Fact]
    public async Task CloseImmediately_gives_the_opener_an_empty_finished_stream()
    {
        await using var network = new InMemoryNetwork();
        ScriptedPeer evil = network.CreateScriptedPeer("evil").CloseImmediately("/p");
        InMemoryHost client = network.CreateHost("client");

        INetworkStream stream = await client.OpenStreamAsync(evil.PeerId, "/p", Guard());

        Assert.Empty(await ReadToEndAsync(stream.Input));
    }

    [Fact]
    public async Task OnStream_runs_any_script_once_per_stream_and_counts_them()
    {
        await using var network = new InMemoryNetwork();
        ScriptedPeer echo = network.CreateScriptedPeer("echo").OnStream("/upper", async (stream, ct) =>
        {
            byte[] request = await ReadToEndAsync(stream.Input);
            await stream.Output.WriteAsync(System.Text.Encoding.ASCII.GetBytes(System.Text.Encoding.ASCII.GetString(request).ToUpperInvariant()), ct);
            await stream.CompleteWritingAsync(ct);
        });
        InMemoryHost client = network.CreateHost("client");

        foreach (string word in new[] { "one", "two" })
        {
            await using INetworkStream stream = await client.OpenStreamAsync(echo.PeerId, "/upper", Guard());
            await stream.Output.WriteAsync(System.Text.Encoding.ASCII.GetBytes(word), Guard());
            await stream.CompleteWritingAsync(Guard());
            Assert.Equal(word.ToUpperInvariant(), System.Text.Encoding.ASCII.GetString(await ReadToEndAsync(stream.Input)));
        }

        Assert.Equal(2, echo.StreamsAccepted);
    }

    [Fact]
    public void Drip_rejects_a_chunk_or_interval_that_is_not_positive()
    {
        var network = new InMemoryNetwork();
        ScriptedPeer evil = network.CreateScriptedPeer("evil");

        Assert.Throws<ArgumentOutOfRangeException>(() => evil.Drip("/p", Pattern(1), 0, TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => evil.Drip("/p", Pattern(1), 1, TimeSpan.Zero));
    }
}
