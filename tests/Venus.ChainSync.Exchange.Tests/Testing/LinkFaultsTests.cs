using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.Network;
using Venus.ChainSync.Testing;
using static Venus.ChainSync.Exchange.Tests.Testing.NetworkTestKit;

namespace Venus.ChainSync.Exchange.Tests.Testing;

public class LinkFaultsTests
{
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);

    [Fact]
    public async Task Latency_holds_bytes_until_the_clock_reaches_it()
    {
        await using var hosts = new TwoHosts();
        (FakeTimeProvider time, InMemoryNetwork network, InMemoryHost a, InMemoryHost b) = hosts;
        network.Configure(a, b, new LinkFaults { Latency = 100 * Ms });
        (INetworkStream local, INetworkStream remote) = await OpenPairAsync(a, b);

        await local.Output.WriteAsync("ping"u8.ToArray(), Guard());

        Assert.Empty(TakeAvailable(remote.Input));
        time.Advance(99 * Ms);
        Assert.Empty(TakeAvailable(remote.Input));
        time.Advance(1 * Ms);
        Assert.Equal("ping"u8.ToArray(), TakeAvailable(remote.Input));
    }

    [Fact]
    public async Task Latency_counts_from_each_flush()
    {
        await using var hosts = new TwoHosts();
        (FakeTimeProvider time, InMemoryNetwork network, InMemoryHost a, InMemoryHost b) = hosts;
        network.Configure(a, b, new LinkFaults { Latency = 100 * Ms });
        (INetworkStream local, INetworkStream remote) = await OpenPairAsync(a, b);

        await local.Output.WriteAsync("first"u8.ToArray(), Guard());
        time.Advance(60 * Ms);
        await local.Output.WriteAsync("second"u8.ToArray(), Guard());

        time.Advance(40 * Ms);
        Assert.Equal("first"u8.ToArray(), TakeAvailable(remote.Input));
        time.Advance(59 * Ms);
        Assert.Empty(TakeAvailable(remote.Input));
        time.Advance(1 * Ms);
        Assert.Equal("second"u8.ToArray(), TakeAvailable(remote.Input));
    }

    [Fact]
    public async Task Latency_delays_the_half_close_with_the_bytes_before_it()
    {
        await using var hosts = new TwoHosts();
        (FakeTimeProvider time, InMemoryNetwork network, InMemoryHost a, InMemoryHost b) = hosts;
        network.Configure(a, b, new LinkFaults { Latency = TimeSpan.FromSeconds(1) });
        (INetworkStream local, INetworkStream remote) = await OpenPairAsync(a, b);

        await local.Output.WriteAsync("last"u8.ToArray(), Guard());
        await local.CompleteWritingAsync(Guard());
        Assert.False(remote.Input.TryRead(out _));

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(remote.Input.TryRead(out ReadResult result));
        Assert.True(result.IsCompleted);
        Assert.Equal("last"u8.ToArray(), result.Buffer.ToArray());
        remote.Input.AdvanceTo(result.Buffer.End);
    }

    [Fact]
    public async Task Symmetric_latency_applies_to_the_reply_as_well()
    {
        await using var hosts = new TwoHosts();
        (FakeTimeProvider time, InMemoryNetwork network, InMemoryHost a, InMemoryHost b) = hosts;
        network.Configure(a, b, new LinkFaults { Latency = 50 * Ms });
        (INetworkStream local, INetworkStream remote) = await OpenPairAsync(a, b);

        await remote.Output.WriteAsync("pong"u8.ToArray(), Guard());

        Assert.Empty(TakeAvailable(local.Input));
        time.Advance(50 * Ms);
        Assert.Equal("pong"u8.ToArray(), TakeAvailable(local.Input));
    }

    [Fact]
    public async Task One_way_latency_leaves_the_other_direction_immediate()
    {
        await using var hosts = new TwoHosts();
        (FakeTimeProvider time, InMemoryNetwork network, InMemoryHost a, InMemoryHost b) = hosts;
        network.ConfigureOneWay(a, b, new LinkFaults { Latency = 50 * Ms });
        (INetworkStream local, INetworkStream remote) = await OpenPairAsync(a, b);

        await remote.Output.WriteAsync("pong"u8.ToArray(), Guard());
        await local.Output.WriteAsync("ping"u8.ToArray(), Guard());

        Assert.Equal("pong"u8.ToArray(), TakeAvailable(local.Input));
        Assert.Empty(TakeAvailable(remote.Input));
        time.Advance(50 * Ms);
        Assert.Equal("ping"u8.ToArray(), TakeAvailable(remote.Input));
    }

    [Fact]
    public async Task Bandwidth_paces_ten_kilobytes_over_ten_seconds_with_partial_delivery_in_between()
    {
        await using var hosts = new TwoHosts();
        (FakeTimeProvider time, InMemoryNetwork network, InMemoryHost a, InMemoryHost b) = hosts;
        network.Configure(a, b, new LinkFaults { BytesPerSecond = 1024 });
        (INetworkStream local, INetworkStream remote) = await OpenPairAsync(a, b);
        byte[] payload = Pattern(10 * 1024);

        await local.Output.WriteAsync(payload, Guard());
        var received = new List<byte>(TakeAvailable(remote.Input));
        Assert.Empty(received);

        time.Advance(TimeSpan.FromSeconds(5));
        received.AddRange(TakeAvailable(remote.Input));
        Assert.Equal(5 * 1024, received.Count);

        time.Advance(TimeSpan.FromSeconds(5) - Ms);
        received.AddRange(TakeAvailable(remote.Input));
        Assert.InRange(received.Count, (9 * 1024) + 1, payload.Length - 1);

        time.Advance(Ms);
        received.AddRange(TakeAvailable(remote.Input));
        Assert.Equal(payload, received);
    }

    [Fact]
    public async Task Bandwidth_carries_successive_flushes_one_after_the_other()
    {
        await using var hosts = new TwoHosts();
        (FakeTimeProvider time, InMemoryNetwork network, InMemoryHost a, InMemoryHost b) = hosts;
        network.Configure(a, b, new LinkFaults { BytesPerSecond = 1000 });
        (INetworkStream local, INetworkStream remote) = await OpenPairAsync(a, b);

        await local.Output.WriteAsync(Pattern(1000), Guard());
        await local.Output.WriteAsync(Pattern(1000), Guard());

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1000, TakeAvailable(remote.Input).Length);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1000, TakeAvailable(remote.Input).Length);
    }

    [Fact]
    public async Task Bandwidth_and_latency_add_up()
    {
        await using var hosts = new TwoHosts();
        (FakeTimeProvider time, InMemoryNetwork network, InMemoryHost a, InMemoryHost b) = hosts;
        network.Configure(a, b, new LinkFaults { Latency = TimeSpan.FromSeconds(1), BytesPerSecond = 1000 });
        (INetworkStream local, INetworkStream remote) = await OpenPairAsync(a, b);

        await local.Output.WriteAsync(Pattern(1000), Guard());

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(TakeAvailable(remote.Input));
        time.Advance(500 * Ms);
        Assert.Equal(500, TakeAvailable(remote.Input).Length);
        time.Advance(500 * Ms);
        Assert.Equal(500, TakeAvailable(remote.Input).Length);
    }

    [Fact]
    public async Task Reset_after_bytes_delivers_exactly_that_many_then_fails_reads_and_writes()
    {
        await using var network = new InMemoryNetwork(new FakeTimeProvider());
        InMemoryHost a = network.CreateHost("a");
        InMemoryHost b = network.CreateHost("b");
        network.ConfigureOneWay(a, b, new LinkFaults { ResetAfterBytes = 100 });
        (INetworkStream local, INetworkStream remote) = await OpenPairAsync(a, b);

        await Assert.ThrowsAnyAsync<IOException>(async () => await local.Output.WriteAsync(Pattern(250), Guard()));

        (byte[] received, Exception? failure) = await ReadUntilFailureAsync(remote.Input);
        Assert.Equal(Pattern(100), received);
        Assert.IsAssignableFrom<IOException>(failure);
        await Assert.ThrowsAnyAsync<IOException>(async () => await remote.Output.WriteAsync(Pattern(1), Guard()));
        await Assert.ThrowsAnyAsync<IOException>(async () => await local.Input.ReadAsync(Guard()));
    }

    [Fact]
    public async Task Reset_after_bytes_spares_a_stream_that_stays_within_the_limit()
    {
        await using var network = new InMemoryNetwork(new FakeTimeProvider());
        InMemoryHost a = network.CreateHost("a");
        InMemoryHost b = network.CreateHost("b");
        network.Configure(a, b, new LinkFaults { ResetAfterBytes = 100 });
        (INetworkStream local, INetworkStream remote) = await OpenPairAsync(a, b);

        await local.Output.WriteAsync(Pattern(100), Guard());
        await local.CompleteWritingAsync(Guard());

        Assert.Equal(Pattern(100), await ReadToEndAsync(remote.Input));
    }

    [Fact]
    public async Task Reset_after_bytes_behind_latency_resets_when_the_excess_byte_arrives()
    {
        await using var hosts = new TwoHosts();
        (FakeTimeProvider time, InMemoryNetwork network, InMemoryHost a, InMemoryHost b) = hosts;
        network.ConfigureOneWay(a, b, new LinkFaults { Latency = TimeSpan.FromSeconds(1), ResetAfterBytes = 10 });
        (INetworkStream local, INetworkStream remote) = await OpenPairAsync(a, b);

        await local.Output.WriteAsync(Pattern(20), Guard());
        Assert.False(remote.Input.TryRead(out _));

        time.Advance(TimeSpan.FromSeconds(1));
        (byte[] received, Exception? failure) = await ReadUntilFailureAsync(remote.Input);
        Assert.Equal(Pattern(10), received);
        Assert.IsAssignableFrom<IOException>(failure);
        await Assert.ThrowsAnyAsync<IOException>(async () => await local.Output.WriteAsync(Pattern(1), Guard()));
    }

    [Fact]
    public async Task Reset_after_bytes_lets_a_reader_that_consumes_nothing_see_every_byte_before_failing()
    {
        await using var network = new InMemoryNetwork(new FakeTimeProvider());
        InMemoryHost a = network.CreateHost("a");
        InMemoryHost b = network.CreateHost("b");
        network.ConfigureOneWay(b, a, new LinkFaults { ResetAfterBytes = 64 });
        (INetworkStream local, INetworkStream remote) = await OpenPairAsync(a, b);

        await Assert.ThrowsAnyAsync<IOException>(async () => await remote.Output.WriteAsync(Pattern(1000), Guard()));

        // The bounded reader examines everything and consumes nothing until the message is whole.
        BoundedReadException failure = await Assert.ThrowsAsync<BoundedReadException>(async () => await BoundedReader.ReadMessageAsync(
            local.Input, new ReadLimits(4096, TimeSpan.FromSeconds(10), 0, TimeSpan.FromSeconds(10)), TimeProvider.System, null, Guard()));
        Assert.Equal(ReadFailure.StreamError, failure.Failure);
    }

    [Fact]
    public async Task Dropping_every_stream_fails_opens_one_way_with_IOException_before_connecting()
    {
        await using var network = new InMemoryNetwork();
        InMemoryHost a = network.CreateHost("a");
        InMemoryHost b = network.CreateHost("b");
        Task<INetworkStream> accepted = Accept(b, "/p");
        network.ConfigureOneWay(a, b, new LinkFaults { DropStreamProbability = 1 });

        await Assert.ThrowsAsync<IOException>(async () => await a.OpenStreamAsync(b.LocalPeer, "/p", Guard()));

        Assert.False(accepted.IsCompleted);
        Assert.Empty(a.ConnectedPeers);
        a.SetStreamHandler("/q", (_, _) => Task.CompletedTask);
        await using INetworkStream reverse = await b.OpenStreamAsync(a.LocalPeer, "/q", Guard());
    }

    [Fact]
    public async Task Dropping_with_a_probability_follows_the_seed()
    {
        bool[] first = await DropPatternAsync(seed: 7);
        bool[] again = await DropPatternAsync(seed: 7);
        bool[] other = await DropPatternAsync(seed: 8);

        Assert.Equal(first, again);
        Assert.Contains(true, first);
        Assert.Contains(false, first);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public async Task A_link_without_traffic_faults_keeps_the_plain_pipe_pair_and_one_with_them_is_relayed()
    {
        await using var network = new InMemoryNetwork(new FakeTimeProvider());
        InMemoryHost a = network.CreateHost("a");
        InMemoryHost b = network.CreateHost("b");
        InMemoryHost c = network.CreateHost("c");
        network.Configure(a, c, new LinkFaults { Latency = Ms });

        (INetworkStream plain, _) = await OpenPairAsync(a, b);
        (INetworkStream relayed, _) = await OpenPairAsync(a, c);

        Assert.IsType<InMemoryStream>(plain);
        Assert.IsNotType<InMemoryStream>(relayed);
    }

    [Fact]
    public async Task Configured_faults_are_reported_per_direction_and_None_clears_them()
    {
        await using var network = new InMemoryNetwork();
        InMemoryHost a = network.CreateHost("a");
        InMemoryHost b = network.CreateHost("b");
        var slow = new LinkFaults { Latency = 10 * Ms, BytesPerSecond = 100 };

        network.ConfigureOneWay(a, b, slow);
        Assert.Equal(slow, network.GetLinkFaults(a, b));
        Assert.Equal(LinkFaults.None, network.GetLinkFaults(b, a));

        network.Configure(a, b, LinkFaults.None);
        Assert.Equal(LinkFaults.None, network.GetLinkFaults(a, b));
    }

    [Fact]
    public void LinkFaults_cannot_be_built_invalid()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinkFaults { Latency = -Ms });
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinkFaults { Latency = LinkFaults.MaxLatency + Ms });
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinkFaults { BytesPerSecond = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinkFaults { DropStreamProbability = 1.5 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinkFaults { DropStreamProbability = double.NaN });
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinkFaults { ResetAfterBytes = -1 });
    }

    [Fact]
    public async Task Gossip_across_a_link_with_latency_arrives_after_the_latency()
    {
        await using var hosts = new TwoHosts();
        (FakeTimeProvider time, InMemoryNetwork network, InMemoryHost a, InMemoryHost b) = hosts;
        network.Configure(a, b, new LinkFaults { Latency = TimeSpan.FromSeconds(1) });
        network.Connect(a, b);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Guard());
        await using IAsyncEnumerator<PubSubMessage> subscription = b.SubscribeAsync("/t", null, cts.Token).GetAsyncEnumerator(cts.Token);
        ValueTask<bool> next = subscription.MoveNextAsync();

        await a.PublishAsync("/t", new byte[] { 7 }, Guard());
        Assert.False(next.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1) - Ms);
        Assert.False(next.IsCompleted);
        time.Advance(Ms);

        Assert.True(await next.AsTask().WaitAsync(Guard()));
        Assert.Equal(new byte[] { 7 }, subscription.Current.Data.ToArray());
        await cts.CancelAsync();
    }

    private static async Task<bool[]> DropPatternAsync(int seed)
    {
        await using var network = new InMemoryNetwork(seed: seed);
        InMemoryHost a = network.CreateHost("a");
        InMemoryHost b = network.CreateHost("b");
        b.SetStreamHandler("/p", (_, _) => Task.CompletedTask);
        network.Configure(a, b, new LinkFaults { DropStreamProbability = 0.5 });
        bool[] dropped = new bool[32];
        for (int i = 0; i < dropped.Length; i++)
        {
            try
            {
                INetworkStream stream = await a.OpenStreamAsync(b.LocalPeer, "/p", Guard());
                await stream.DisposeAsync();
            }
            catch (IOException)
            {
                dropped[i] = true;
            }
        }

        return dropped;
    }
}
