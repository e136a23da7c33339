using System.IO.Pipelines;
using Venus.ChainSync.Network;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Exchange.Tests.Testing;

public class InMemoryNetworkTests
{
    private static CancellationToken Guard() => TestGuard.Token();

    [Fact]
    public async Task Stream_carries_bytes_both_ways_with_half_close()
    {
        await using var network = new InMemoryNetwork();
        InMemoryHost client = network.CreateHost("client");
        InMemoryHost server = network.CreateHost("server");
        server.SetStreamHandler("/echo", async (stream, ct) =>
        {
            ReadResult read;
            do
            {
                read = await stream.Input.ReadAsync(ct);
                foreach (ReadOnlyMemory<byte> segment in read.Buffer)
                {
                    await stream.Output.WriteAsync(segment, ct);
                }

                stream.Input.AdvanceTo(read.Buffer.End);
            }
            while (!read.IsCompleted);

            await stream.CompleteWritingAsync(ct);
        });

        await using INetworkStream s = await client.OpenStreamAsync(server.LocalPeer, "/echo", Guard());
        await s.Output.WriteAsync("hello"u8.ToArray(), Guard());
        await s.CompleteWritingAsync(Guard());
        byte[] echoed = await BoundedReader.ReadMessageAsync(s.Input, new ReadLimits(1024, TimeSpan.FromSeconds(10), 0, TimeSpan.FromSeconds(10)), TimeProvider.System, null, Guard());

        Assert.Equal("hello"u8.ToArray(), echoed);
        Assert.Equal(server.LocalPeer, s.RemotePeer);
        Assert.Contains(server.LocalPeer, client.ConnectedPeers);
    }

    [Fact]
    public async Task Opening_a_stream_for_an_unknown_protocol_fails_with_IOException()
    {
        await using var network = new InMemoryNetwork();
        InMemoryHost a = network.CreateHost("a");
        InMemoryHost b = network.CreateHost("b");
        await Assert.ThrowsAsync<IOException>(() => a.OpenStreamAsync(b.LocalPeer, "/nothing", Guard()).AsTask());
    }

    [Fact]
    public async Task Gossip_reaches_other_subscribers_with_its_source()
    {
        await using var network = new InMemoryNetwork();
        InMemoryHost a = network.CreateHost("a");
        InMemoryHost b = network.CreateHost("b");
        network.Connect(a, b);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Guard());
        IAsyncEnumerator<PubSubMessage> subscription = b.SubscribeAsync("/fil/blocks/test", null, cts.Token).GetAsyncEnumerator(cts.Token);
        ValueTask<bool> next = subscription.MoveNextAsync();

        await a.PublishAsync("/fil/blocks/test", new byte[] { 1, 2, 3 }, Guard());

        Assert.True(await next);
        Assert.Equal(a.LocalPeer, subscription.Current.Source);
        Assert.Equal(new byte[] { 1, 2, 3 }, subscription.Current.Data.ToArray());
        await cts.CancelAsync();
        await subscription.DisposeAsync();
    }
}
