using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.Network;
using Venus.ChainSync.Testing;
using static Venus.ChainSync.Exchange.Tests.Testing.NetworkTestKit;

namespace Venus.ChainSync.Exchange.Tests.Testing;

public class InMemoryNetworkLifetimeTests
{
    [Fact]
    public async Task Dispose_ends_a_handler_that_ignores_its_token_and_waits_for_it()
    {
        var network = new InMemoryNetwork();
        InMemoryHost a = network.CreateHost("a");
        InMemoryHost b = network.CreateHost("b");
        var ended = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        b.SetStreamHandler("/p", async (stream, _) =>
        {
            try
            {
                while (!(await stream.Input.ReadAsync(CancellationToken.None)).IsCompleted)
                {
                }

                ended.SetResult(null);
            }
            catch (Exception ex)
            {
                ended.SetResult(ex);
                throw;
            }
        });
        _ = await a.OpenStreamAsync(b.LocalPeer, "/p", Guard());

        await network.DisposeAsync().AsTask().WaitAsync(Guard());

        Assert.True(ended.Task.IsCompleted);
        Assert.IsAssignableFrom<IOException>(await ended.Task);
    }

    [Fact]
    public async Task Dispose_resets_relayed_streams_with_bytes_in_flight_and_later_clock_ticks_deliver_nothing()
    {
        var time = new FakeTimeProvider();
        var network = new InMemoryNetwork(time);
        InMemoryHost a = network.CreateHost("a");
        InMemoryHost b = network.CreateHost("b");
        network.Configure(a, b, new LinkFaults { Latency = TimeSpan.FromSeconds(1) });
        (INetworkStream local, INetworkStream remote) = await OpenPairAsync(a, b);
        await local.Output.WriteAsync("late"u8.ToArray(), Guard());
        await remote.Output.WriteAsync("late too"u8.ToArray(), Guard());

        // The handler's end is disposed with its handler; the opener's end is reset.
        await network.DisposeAsync().AsTask().WaitAsync(Guard());
        time.Advance(TimeSpan.FromSeconds(2));

        await Assert.ThrowsAnyAsync<IOException>(async () => await local.Input.ReadAsync(Guard()));
        await Assert.ThrowsAnyAsync<IOException>(async () => await local.Output.WriteAsync("more"u8.ToArray(), Guard()));
    }

    [Fact]
    public async Task Opening_a_stream_after_dispose_fails_with_IOException()
    {
        var network = new InMemoryNetwork();
        InMemoryHost a = network.CreateHost("a");
        InMemoryHost b = network.CreateHost("b");
        b.SetStreamHandler("/p", (_, _) => Task.CompletedTask);

        await network.DisposeAsync();
        await network.DisposeAsync();

        await Assert.ThrowsAsync<IOException>(async () => await a.OpenStreamAsync(b.LocalPeer, "/p", Guard()));
    }

    [Fact]
    public async Task WhenInFlightAsync_lets_a_test_step_a_request_and_its_reply_across_latency()
    {
        var time = new FakeTimeProvider();
        await using var network = new InMemoryNetwork(time);
        InMemoryHost client = network.CreateHost("client");
        InMemoryHost server = network.CreateHost("server");
        network.Configure(client, server, new LinkFaults { Latency = TimeSpan.FromMilliseconds(100) });
        server.SetStreamHandler("/echo", async (stream, _) =>
        {
            byte[] request = await ReadToEndAsync(stream.Input);
            stream.Output.Write(request);
            await stream.Output.CompleteAsync();
        });

        INetworkStream stream = await client.OpenStreamAsync(server.LocalPeer, "/echo", Guard());
        await stream.Output.WriteAsync("hello"u8.ToArray(), Guard());
        await stream.CompleteWritingAsync(Guard());
        await network.WhenInFlightAsync(Guard());
        time.Advance(TimeSpan.FromMilliseconds(100));

        await network.WhenInFlightAsync(Guard());
        Assert.False(stream.Input.TryRead(out _));
        time.Advance(TimeSpan.FromMilliseconds(100));

        Assert.Equal("hello"u8.ToArray(), await ReadToEndAsync(stream.Input));
    }

    [Fact]
    public async Task WhenInFlightAsync_also_covers_gossip_behind_latency()
    {
        await using var hosts = new TwoHosts();
        (FakeTimeProvider time, InMemoryNetwork network, InMemoryHost a, InMemoryHost b) = hosts;
        network.Configure(a, b, new LinkFaults { Latency = TimeSpan.FromSeconds(1) });
        network.Connect(a, b);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Guard());
        await using IAsyncEnumerator<PubSubMessage> atB = b.SubscribeAsync("/t", null, cts.Token).GetAsyncEnumerator(cts.Token);
        Task<bool> first = atB.MoveNextAsync().AsTask();
        Task inFlight = network.WhenInFlightAsync(Guard());
        Assert.False(inFlight.IsCompleted);

        await a.PublishAsync("/t", new byte[] { 1 }, Guard());

        await inFlight.WaitAsync(Guard());
        Assert.False(first.IsCompleted);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
    }
}
