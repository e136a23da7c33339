using Microsoft.Extensions.Logging;
using Venus.ChainSync.Libp2p.Protobuf;
using Venus.ChainSync.Libp2p.PubSub.Scoring;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p.PubSub;

/// <summary>The router loop: every change to the router's state happens here, one event at a time.</summary>
public sealed partial class GossipSub
{
    // Loop-owned: our outbound links and what each connected peer announced.
    private readonly Dictionary<PeerId, PubSubLink> _links = [];
    private readonly Dictionary<PeerId, HashSet<string>> _peerTopics = [];
    private int _heartbeats;

    private async Task RouterLoopAsync(CancellationToken stopping)
    {
        // One pending wait per queue, kept across turns until it completes: a wait started afresh each turn would
        // leave the other queue's wait registered on the stop token until that queue saw traffic (a leak on a node
        // that only publishes, found by the gossip benchmark's heap dumps).
        Task<bool>? localReady = null;
        Task<bool>? inboundReady = null;
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                // Our own events first (publishes, joins, validation results, heartbeats): they are few and bounded
                // by us, and a peer's flood must not starve them.
                while (_local.Reader.TryRead(out RouterEvent? local))
                {
                    Handle(local);
                }

                if (_inbound.Reader.TryRead(out InboundRpc? received))
                {
                    HandleRpc(received.Peer, received.Rpc);
                    continue;
                }

                localReady ??= _local.Reader.WaitToReadAsync(stopping).AsTask();
                inboundReady ??= _inbound.Reader.WaitToReadAsync(stopping).AsTask();
                await Task.WhenAny(localReady, inboundReady).ConfigureAwait(false);
                if (localReady.IsCompleted)
                {
                    if (!await localReady.ConfigureAwait(false))
                    {
                        return; // completed: stopping
                    }

                    localReady = null;
                }

                if (inboundReady.IsCompleted)
                {
                    if (!await inboundReady.ConfigureAwait(false))
                    {
                        return;
                    }

                    inboundReady = null;
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopped.
        }
        catch (Exception ex)
        {
            GossipSubLog.LoopFailed(_logger, ex);
            throw;
        }
    }

    private void Handle(RouterEvent routerEvent)
    {
        switch (routerEvent)
        {
            case RouterEvent.LinkUp up:
                OnLinkUp(up.Link);
                break;
            case RouterEvent.PeerGone gone:
                OnPeerGone(gone.Peer, gone.Link);
                break;
            case RouterEvent.Join join:
                OnJoin(join.Topic);
                break;
            case RouterEvent.Leave leave:
                OnLeave(leave.Topic);
                break;
            case RouterEvent.Publish publish:
                OnPublish(publish);
                break;
            case RouterEvent.Validated validated:
                OnValidated(validated.Item, validated.Verdict);
                break;
            case RouterEvent.Heartbeat:
                OnHeartbeat();
                break;
            case RouterEvent.Inspect inspect:
                inspect.Action();
                break;
        }
    }

    private void OnLinkUp(PubSubLink link)
    {
        PeerId peer = link.Peer;
        if (_links.TryGetValue(peer, out PubSubLink? old))
        {
            if (!old.Completion.IsCompleted)
            {
                // One stream per peer: a second identify (a push) opened another; keep the first.
                _work.Run(() => link.DisposeAsync().AsTask());
                return;
            }

            _work.Run(() => old.DisposeAsync().AsTask());
        }

        _links[peer] = link;
        GossipSubLog.PeerUp(_logger, peer, link.Protocol);
        ScorePeer(peer);
        var meshPeer = new MeshPeer(peer, link.Protocol, link.Outbound);
        _mesh.AddPeer(meshPeer);
        foreach (string topic in TopicsOf(peer))
        {
            _mesh.Subscribed(peer, topic);
        }

        // Hello: our subscriptions, as the first RPC.
        var hello = new RPC();
        foreach (string topic in _mesh.Joined)
        {
            hello.Subscriptions.Add(new RPC.Types.SubOpts { Subscribe = true, Topicid = topic });
        }

        if (hello.Subscriptions.Count > 0)
        {
            Send(link, hello);
        }

        _work.Run(() => WatchLinkAsync(link));
    }

    private void OnPeerGone(PeerId peer, PubSubLink? link)
    {
        if (link is not null && (!_links.TryGetValue(peer, out PubSubLink? current) || current != link))
        {
            return; // an older link of a peer that has a newer one
        }

        if (_links.Remove(peer, out PubSubLink? removed))
        {
            _work.Run(() => removed.DisposeAsync().AsTask());
            GossipSubLog.PeerDown(_logger, peer);
        }

        if (link is null)
        {
            _peerTopics.Remove(peer); // disconnected: what it announced goes too
        }

        _mesh.RemovePeer(peer);
        _score.RemovePeer(peer);
    }

    private void OnJoin(string topic)
    {
        TopicScoresFor(topic);
        var plan = new ControlPlan();
        _mesh.Join(topic, plan);
        AnnounceSubscription(topic, subscribe: true);
        SendPlan(plan);
    }

    private void OnLeave(string topic)
    {
        lock (_subscriptionsGate)
        {
            if (_subscriptions.ContainsKey(topic))
            {
                return; // subscribed again since
            }
        }

        var plan = new ControlPlan();
        _mesh.Leave(topic, plan);
        AnnounceSubscription(topic, subscribe: false);
        SendPlan(plan);
    }

    private void OnHeartbeat()
    {
        _heartbeats++;
        _score.RefreshScores();
        var plan = new ControlPlan();
        _mesh.Heartbeat(plan, _cache);
        SendPlan(plan);
        _ihaveBudget.Clear();
        foreach (PeerId peer in _links.Keys)
        {
            _metrics.Score(_score.Score(peer));
        }

        _metrics.MeshSizes(MeshSize("blocks"), MeshSize("msgs"), MeshSize("other"));
    }

    /// <summary>Peers in the meshes of our topics of one kind (<see cref="GossipSubMetrics.KindOf"/>).</summary>
    private int MeshSize(string kind) =>
        _mesh.Joined.Where(topic => GossipSubMetrics.KindOf(topic) == kind).Sum(topic => _mesh.MeshOf(topic).Count);

    /// <summary>
    /// Lotus's score parameters for a Filecoin topic (the blocks and messages topics of any network name), added as we
    /// join it; other topics are not scored. The score takes its topics when made, so it is made again with the new
    /// one and the connected peers: a join happens as the node starts, when there is little score to lose.
    /// </summary>
    private void TopicScoresFor(string topic)
    {
        TopicScoreParameters? parameters =
            topic.StartsWith("/fil/blocks/", StringComparison.Ordinal) ? FilecoinScoring.BlocksTopic
            : topic.StartsWith("/fil/msgs/", StringComparison.Ordinal) ? FilecoinScoring.MessagesTopic
            : null;
        if (parameters is null || !_topicScores.TryAdd(topic, parameters))
        {
            return;
        }

        Volatile.Write(ref _score, NewScore()); // read by the host's trimmer on its own thread
        foreach (PeerId peer in _links.Keys)
        {
            ScorePeer(peer);
        }
    }

    /// <summary>Tells the score of a peer and the address its connection comes from (for IP colocation).</summary>
    private void ScorePeer(PeerId peer)
    {
        System.Net.IPAddress? ip = _host.RemoteIpOf(peer);
        _score.AddPeer(peer, ip is null ? [] : [ip]);
    }

    private void AnnounceSubscription(string topic, bool subscribe)
    {
        foreach (PubSubLink link in _links.Values)
        {
            var rpc = new RPC();
            rpc.Subscriptions.Add(new RPC.Types.SubOpts { Subscribe = subscribe, Topicid = topic });
            Send(link, rpc);
        }
    }

    /// <summary>Sends each peer its share of <paramref name="plan"/> as one control RPC, and tells the score of
    /// the grafts and prunes. Floodsub peers get no control.</summary>
    private void SendPlan(ControlPlan plan)
    {
        foreach ((PeerId peer, PeerControl control) in plan.ByPeer)
        {
            foreach (string topic in control.Grafts)
            {
                _score.Graft(peer, topic);
            }

            foreach ((string topic, _) in control.Prunes)
            {
                _score.Prune(peer, topic);
            }

            if (!_links.TryGetValue(peer, out PubSubLink? link) || link.Protocol == PubSubProtocol.FloodSub)
            {
                continue;
            }

            var message = new ControlMessage();
            foreach (string topic in control.Grafts)
            {
                message.Graft.Add(new ControlGraft { TopicID = topic });
            }

            foreach ((string topic, TimeSpan backoff) in control.Prunes)
            {
                var prune = new ControlPrune { TopicID = topic };
                if (link.Protocol == PubSubProtocol.MeshSub11)
                {
                    prune.Backoff = (ulong)backoff.TotalSeconds;
                }

                message.Prune.Add(prune);
            }

            foreach ((string topic, IReadOnlyList<MessageId> ids) in control.IHaves)
            {
                var ihave = new ControlIHave { TopicID = topic };
                foreach (MessageId id in ids)
                {
                    ihave.MessageIDs.Add(Google.Protobuf.ByteString.CopyFrom(id.ToArray()));
                }

                message.Ihave.Add(ihave);
            }

            _metrics.Control("graft", "out", control.Grafts.Count);
            _metrics.Control("prune", "out", control.Prunes.Count);
            _metrics.Control("ihave", "out", control.IHaves.Count);
            Send(link, new RPC { Control = message });
        }
    }

    private void Send(PubSubLink link, RPC rpc)
    {
        if (!link.TrySend(rpc))
        {
            GossipSubLog.OutboundDropped(_logger, link.Peer);
        }
    }

    private HashSet<string> TopicsOf(PeerId peer) => _peerTopics.TryGetValue(peer, out HashSet<string>? topics) ? topics : [];

    private async Task WatchLinkAsync(PubSubLink link)
    {
        try
        {
            await link.Completion.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or Libp2pProtocolException)
        {
            if (!_stop.IsCancellationRequested)
            {
                GossipSubLog.StreamFailed(_logger, link.Peer, ex);
            }
        }

        Post(new RouterEvent.PeerGone(link.Peer, link));
    }

    private async Task CloseLinksAsync()
    {
        // The loop has ended, so the links are ours to close, with any that came up too late for it.
        while (_local.Reader.TryRead(out RouterEvent? late))
        {
            if (late is RouterEvent.LinkUp up)
            {
                await up.Link.DisposeAsync().ConfigureAwait(false);
            }
        }

        foreach (PubSubLink link in _links.Values)
        {
            await link.DisposeAsync().ConfigureAwait(false);
        }

        _links.Clear();
    }
}
