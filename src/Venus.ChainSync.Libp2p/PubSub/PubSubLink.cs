using System.Threading.Channels;
using Venus.ChainSync.Libp2p.Protobuf;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p.PubSub;

/// <summary>
/// Our outbound pubsub stream to one peer: RPCs are queued without waiting (the router's loop never blocks on a
/// slow peer) and written, framed, by one writer task; a full queue drops the RPC, as go does.
/// </summary>
internal sealed class PubSubLink : IAsyncDisposable
{
    private readonly INetworkStream _stream;
    private readonly Channel<RPC> _queue;
    private readonly CancellationTokenSource _stop = new();
    private Task _writer = Task.CompletedTask;

    private PubSubLink(INetworkStream stream, PubSubProtocol protocol, bool outbound, int capacity)
    {
        _stream = stream;
        Protocol = protocol;
        Outbound = outbound;
        // Only TryWrite is used, which fails on a full queue: a peer that does not read loses RPCs instead of
        // holding up the router.
        _queue = Channel.CreateBounded<RPC>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    /// <summary>The peer.</summary>
    public PeerId Peer => _stream.RemotePeer;

    /// <summary>The protocol the stream negotiated.</summary>
    public PubSubProtocol Protocol { get; }

    /// <summary>Whether we dialled the connection.</summary>
    public bool Outbound { get; }

    /// <summary>Completes when the writer stops: the stream failed, or the link was disposed.</summary>
    public Task Completion => _writer;

    /// <summary>Opens the stream with the best protocol <paramref name="host"/> says the peer lists, and starts
    /// writing; null when the peer lists none of ours.</summary>
    public static async Task<PubSubLink?> OpenAsync(IStreamHost host, PeerId peer, bool outbound, int capacity, CancellationToken cancellationToken)
    {
        IReadOnlyCollection<string> listed = host.GetPeerProtocols(peer);
        string? protocol = GossipSub.Protocols.FirstOrDefault(listed.Contains);
        if (protocol is null)
        {
            return null;
        }

        INetworkStream stream = await host.OpenStreamAsync(peer, protocol, cancellationToken).ConfigureAwait(false);
        var link = new PubSubLink(stream, GossipSub.ProtocolOf(protocol), outbound, capacity);
        link._writer = link.WriteLoopAsync();
        return link;
    }

    /// <summary>Queues <paramref name="rpc"/>; false when the queue is full or the link is closed.</summary>
    public bool TrySend(RPC rpc) => _queue.Writer.TryWrite(rpc);

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        _stream.Abort();
        try
        {
            await _writer.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or Libp2pProtocolException)
        {
            // The stream's end is what disposing means.
        }

        await _stream.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task WriteLoopAsync()
    {
        await Task.Yield(); // the caller goes on while the first RPC is awaited
        CancellationToken stopping = _stop.Token;
        ChannelReader<RPC> reader = _queue.Reader;
        while (await reader.WaitToReadAsync(stopping).ConfigureAwait(false))
        {
            while (reader.TryRead(out RPC? rpc))
            {
                try
                {
                    RpcFraming.Write(_stream.Output, rpc);
                }
                catch (ArgumentException)
                {
                    // Over the RPC limit (a forwarded message at the very edge of it): not sent.
                }
            }

            // One flush per batch of queued RPCs.
            await _stream.Output.FlushAsync(stopping).ConfigureAwait(false);
        }
    }
}
