using Venus.ChainSync.Libp2p.Protobuf;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p.PubSub;

/// <summary>Peers coming and going: our outbound stream to each identified peer that lists a pubsub protocol, and
/// the reader of each peer's inbound stream.</summary>
public sealed partial class GossipSub
{
    private async Task ConnectionLoopAsync(CancellationToken stopping)
    {
        try
        {
            IAsyncEnumerator<ConnectionEvent> events = _host.ConnectionEvents(stopping).GetAsyncEnumerator(stopping);
            await using (events.ConfigureAwait(false))
            {
                ValueTask<bool> next = events.MoveNextAsync(); // subscribed: no identify is missed from here on

                // Peers identified before we started.
                foreach (PeerId peer in _host.ConnectedPeers)
                {
                    if (_host.GetPeerProtocols(peer).Count > 0)
                    {
                        OpenLink(peer, outbound: false, stopping);
                    }
                }

                while (await next.ConfigureAwait(false))
                {
                    ConnectionEvent change = events.Current;
                    if (change.Change == ConnectionChange.Identified)
                    {
                        OpenLink(change.Peer, change.IsOutbound, stopping);
                    }
                    else if (change.Change == ConnectionChange.Disconnected)
                    {
                        Post(new RouterEvent.PeerGone(change.Peer, null));
                    }

                    next = events.MoveNextAsync();
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopped.
        }
    }

    private void OpenLink(PeerId peer, bool outbound, CancellationToken stopping) => _work.Run(async () =>
    {
        try
        {
            PubSubLink? link = await PubSubLink.OpenAsync(_host, peer, outbound, _options.OutboundQueueCapacity, stopping).ConfigureAwait(false);
            if (link is not null && !_local.Writer.TryWrite(new RouterEvent.LinkUp(link)))
            {
                await link.DisposeAsync().ConfigureAwait(false); // stopped meanwhile
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or Libp2pProtocolException)
        {
            if (!stopping.IsCancellationRequested)
            {
                GossipSubLog.StreamFailed(_logger, peer, ex);
            }
        }
    });

    /// <summary>A peer's stream to us: every RPC it carries goes to the loop, until it ends or breaks the framing.</summary>
    private async Task HandleInboundStreamAsync(INetworkStream stream, CancellationToken cancellationToken)
    {
        PeerId peer = stream.RemotePeer;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        try
        {
            while (true)
            {
                RPC? rpc = await RpcFraming.ReadAsync(stream.Input, _parameters.MaxMessageSize, linked.Token).ConfigureAwait(false);
                if (rpc is null)
                {
                    return;
                }

                // Waits while the loop is behind: back-pressure on the peer, not memory.
                await _inbound.Writer.WriteAsync(new InboundRpc(peer, rpc), linked.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or Libp2pProtocolException or System.Threading.Channels.ChannelClosedException)
        {
            GossipSubLog.StreamFailed(_logger, peer, ex);
            stream.Abort(ex);
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            stream.Abort();
        }
    }
}
