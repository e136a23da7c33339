using System.IO.Pipelines;
using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.Network;
using Venus.ChainSync.Testing;
using static Venus.ChainSync.Exchange.Tests.Testing.NetworkTestKit;

namespace Venus.ChainSync.Exchange.Tests.Testing;

/// <summary>Stream semantics that plain and relayed streams share: reset, half-close, flow control.</summary>
public class InMemoryStreamResetTests
{
    [Fact]
    public async Task Aborting_a_plain_pair_fails_pending_and_later_reads_and_writes_at_both_ends_with_IOException()
    {
        (InMemoryStream atA, InMemoryStream atB) = InMemoryStream.CreatePair(PeerId.ForName("a"), PeerId.ForName("b"), "/p");
        await atB.Output.WriteAsync("unread"u8.ToArray(), Guard());
        Task<ReadResult> pending = atB.Input.ReadAsync(Guard()).AsTask();

        atA.Abort();

        await Assert.ThrowsAnyAsync<IOException>(() => pending.WaitAsync(Guard()));
        await Assert.ThrowsAnyAsync<IOException>(async () => await atA.Input.ReadAsync(Guard()));
        await Assert.ThrowsAnyAsync<IOException>(async () => await atB.Input.ReadAsync(Guard()));
        await Assert.ThrowsAnyAsync<IOException>(async () => await atA.Output.WriteAsync("x"u8.ToArray(), Guard()));
        await Assert.ThrowsAnyAsync<IOException>(async () => await atB.Output.WriteAsync("x"u8.ToArray(), Guard()));
        await atA.DisposeAsync();
        await atB.DisposeAsync();
    }

    [Fact]
    public async Task Aborting_a_relayed_stream_fails_both_ends_at_once_even_with_bytes_buffered()
    {
        await using var hosts = new TwoHosts();
        (FakeTimeProvider time, InMemoryNetwork network, InMemoryHost a, InMemoryHost b) = hosts;
        network.Configure(a, b, new LinkFaults { Latency = TimeSpan.FromMilliseconds(10) });
        (INetworkStream local, INetworkStream remote) = await OpenPairAsync(a, b);
        await remote.Output.WriteAsync("buffered"u8.ToArray(), Guard());
        time.Advance(TimeSpan.FromMilliseconds(10));

        local.Abort();

        await Assert.ThrowsAnyAsync<IOException>(async () => await local.Input.ReadAsync(Guard()));
        await Assert.ThrowsAnyAsync<IOException>(async () => await remote.Input.ReadAsync(Guard()));
        await Assert.ThrowsAnyAsync<IOException>(async () => await remote.Output.WriteAsync("x"u8.ToArray(), Guard()));
    }

    [Fact]
    public async Task A_relayed_stream_half_closes_each_way_on_its_own()
    {
        await using var hosts = new TwoHosts();
        (FakeTimeProvider time, InMemoryNetwork network, InMemoryHost a, InMemoryHost b) = hosts;
        network.Configure(a, b, new LinkFaults { Latency = TimeSpan.FromMilliseconds(10) });
        (INetworkStream local, INetworkStream remote) = await OpenPairAsync(a, b);

        await local.Output.WriteAsync("request"u8.ToArray(), Guard());
        await local.CompleteWritingAsync(Guard());
        time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.Equal("request"u8.ToArray(), await ReadToEndAsync(remote.Input));

        await remote.Output.WriteAsync("reply"u8.ToArray(), Guard());
        await remote.CompleteWritingAsync(Guard());
        time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.Equal("reply"u8.ToArray(), await ReadToEndAsync(local.Input));
    }

    [Fact]
    public async Task A_relayed_flush_waits_for_the_reader_to_consume_a_full_window()
    {
        await using var network = new InMemoryNetwork(new FakeTimeProvider());
        InMemoryHost a = network.CreateHost("a");
        InMemoryHost b = network.CreateHost("b");
        network.Configure(a, b, new LinkFaults { ResetAfterBytes = long.MaxValue });
        (INetworkStream local, INetworkStream remote) = await OpenPairAsync(a, b);
        int size = (int)InMemoryNetwork.StreamBufferBytes;

        Task<FlushResult> flush = local.Output.WriteAsync(Pattern(size), Guard()).AsTask();
        Assert.False(flush.IsCompleted);

        Assert.Equal(Pattern(size), await ReadExactlyAsync(remote.Input, size));
        FlushResult result = await flush.WaitAsync(Guard());
        Assert.False(result.IsCanceled);
        Assert.False(result.IsCompleted);
    }

    [Fact]
    public async Task CancelPendingFlush_cancels_a_relayed_flush_waiting_for_the_window()
    {
        await using var network = new InMemoryNetwork(new FakeTimeProvider());
        InMemoryHost a = network.CreateHost("a");
        InMemoryHost b = network.CreateHost("b");
        network.Configure(a, b, new LinkFaults { ResetAfterBytes = long.MaxValue });
        (INetworkStream local, _) = await OpenPairAsync(a, b);

        Task<FlushResult> flush = local.Output.WriteAsync(new byte[InMemoryNetwork.StreamBufferBytes], Guard()).AsTask();
        local.Output.CancelPendingFlush();

        Assert.True((await flush.WaitAsync(Guard())).IsCanceled);
    }

    [Fact]
    public async Task A_relayed_sender_sees_completion_once_the_receiver_stopped_reading()
    {
        await using var network = new InMemoryNetwork(new FakeTimeProvider());
        InMemoryHost a = network.CreateHost("a");
        InMemoryHost b = network.CreateHost("b");
        network.Configure(a, b, new LinkFaults { ResetAfterBytes = long.MaxValue });
        (INetworkStream local, INetworkStream remote) = await OpenPairAsync(a, b);

        await remote.Input.CompleteAsync();

        FlushResult result = await local.Output.WriteAsync("anyone?"u8.ToArray(), Guard());
        Assert.True(result.IsCompleted);
    }

    [Fact]
    public async Task A_handler_that_throws_resets_its_relayed_stream()
    {
        await using var network = new InMemoryNetwork(new FakeTimeProvider());
        InMemoryHost a = network.CreateHost("a");
        InMemoryHost b = network.CreateHost("b");
        network.Configure(a, b, new LinkFaults { ResetAfterBytes = long.MaxValue });
        b.SetStreamHandler("/p", (_, _) => throw new InvalidOperationException("handler bug"));

        INetworkStream stream = await a.OpenStreamAsync(b.LocalPeer, "/p", Guard());

        (_, Exception? failure) = await ReadUntilFailureAsync(stream.Input);
        Assert.IsAssignableFrom<IOException>(failure);
    }
}
