using Google.Protobuf;
using Venus.ChainSync.Libp2p.Protobuf;
using Venus.ChainSync.Libp2p.PubSub.Scoring;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p.PubSub;

/// <summary>One received RPC: subscriptions, then messages, then control (as go handles them).</summary>
public sealed partial class GossipSub
{
    // IHAVEs taken from each peer since the last heartbeat: RPCs and ids asked for (go's peerhave and iasked).
    private readonly Dictionary<PeerId, (int Rpcs, int Asked)> _ihaveBudget = [];

    private void HandleRpc(PeerId peer, RPC rpc)
    {
        if (_score.Score(peer) < _thresholds.GraylistThreshold && !_options.DirectPeers.Contains(peer))
        {
            // Graylisted: nothing it says is heard (its messages are counted, not read).
            foreach (Message message in rpc.Publish)
            {
                _metrics.Message(message.Topic, "graylisted");
            }

            return;
        }

        HandleSubscriptions(peer, rpc);
        foreach (Message message in rpc.Publish)
        {
            HandleMessage(peer, message);
        }

        if (rpc.Control is { } control && _links.TryGetValue(peer, out PubSubLink? link) && link.Protocol != PubSubProtocol.FloodSub)
        {
            HandleControl(peer, link, control);
        }
    }

    private void HandleSubscriptions(PeerId peer, RPC rpc)
    {
        if (rpc.Subscriptions.Count == 0)
        {
            return;
        }

        if (rpc.Subscriptions.Count > _options.MaxTopicsPerPeer)
        {
            GossipSubLog.SubscriptionsIgnored(_logger, peer, rpc.Subscriptions.Count);
            return;
        }

        if (!_peerTopics.TryGetValue(peer, out HashSet<string>? topics))
        {
            if (!_host.ConnectedPeers.Contains(peer))
            {
                return; // gone already: no entry that nothing would remove
            }

            topics = new HashSet<string>(StringComparer.Ordinal);
            _peerTopics.Add(peer, topics);
        }

        foreach (RPC.Types.SubOpts subscription in rpc.Subscriptions)
        {
            string topic = subscription.Topicid;
            if (subscription.Subscribe)
            {
                if (Allowed(topic) && topics.Count < _options.MaxTopicsPerPeer && topics.Add(topic))
                {
                    _mesh.Subscribed(peer, topic);
                }
            }
            else if (topics.Remove(topic))
            {
                _mesh.Unsubscribed(peer, topic);
            }
        }
    }

    private bool Allowed(string topic) => _options.TopicAllowlist.Count == 0 || _options.TopicAllowlist.Contains(topic);

    private void HandleMessage(PeerId peer, Message message)
    {
        string topic = message.Topic;
        if (!IsSubscribed(topic))
        {
            _metrics.Message(topic, "unsubscribed");
            return; // not a topic we take part in
        }

        MessageId id = MessageIdentity.Of(message);
        Span<byte> idBytes = stackalloc byte[MessageId.Length]; // the score takes ids as bytes: copied once, not allocated
        id.CopyTo(idBytes);
        if (_seen.Contains(id))
        {
            _score.DuplicateMessage(idBytes, peer, topic);
            _metrics.Message(topic, "duplicate");
            return;
        }

        SignatureCheck check = MessageSigning.Verify(message);
        if (check.Status != SignatureStatus.Valid)
        {
            // Not marked seen: the id ignores the signature, so the genuine message may still come from others.
            MessageRejection reason = check.Status == SignatureStatus.MissingSignature ? MessageRejection.MissingSignature : MessageRejection.InvalidSignature;
            _score.RejectMessage(idBytes, peer, topic, reason);
            _metrics.Message(topic, "invalid_signature");
            GossipSubLog.SignatureRejected(_logger, peer, topic, check.Status);
            return;
        }

        if (check.Author == _host.LocalPeer)
        {
            _score.RejectMessage(idBytes, peer, topic, MessageRejection.SelfOrigin);
            return; // our own, come back
        }

        _seen.TryAdd(id);
        _score.ValidateMessage(idBytes, topic);
        var delivered = new PubSubMessage(topic, message.Data.Memory, check.Author, peer);
        if (!_validation.Writer.TryWrite(new PendingValidation(id, message, peer, delivered)))
        {
            _score.RejectMessage(idBytes, peer, topic, MessageRejection.ValidationQueueFull);
            _metrics.Message(topic, "throttled");
        }
    }

    private void OnValidated(PendingValidation item, MessageVerdict verdict)
    {
        string topic = item.Delivered.Topic;
        Span<byte> idBytes = stackalloc byte[MessageId.Length];
        item.Id.CopyTo(idBytes);
        switch (verdict)
        {
            case MessageVerdict.Accept:
                _score.DeliverMessage(idBytes, item.ReceivedFrom, topic);
                _cache.Put(item.Id, item.Message);
                Deliver(item.Delivered);
                Forward(item.Message, topic, new HashSet<PeerId> { item.ReceivedFrom, item.Delivered.Source }, ownMessage: false);
                _metrics.Message(topic, "accepted");
                break;
            case MessageVerdict.Reject:
                _score.RejectMessage(idBytes, item.ReceivedFrom, topic, MessageRejection.ValidationFailed);
                _metrics.Message(topic, "rejected");
                GossipSubLog.MessageRejected(_logger, item.ReceivedFrom, topic, "validator rejected it");
                break;
            default:
                _score.RejectMessage(idBytes, item.ReceivedFrom, topic, MessageRejection.ValidationIgnored);
                _metrics.Message(topic, "ignored");
                break;
        }
    }

    private void Forward(Message message, string topic, IReadOnlySet<PeerId> exclude, bool ownMessage)
    {
        List<PeerId> targets = _mesh.Targets(topic, ownMessage, _options.FloodPublish, exclude);
        if (targets.Count == 0)
        {
            return;
        }

        var rpc = new RPC();
        rpc.Publish.Add(message);
        foreach (PeerId target in targets)
        {
            if (_links.TryGetValue(target, out PubSubLink? link))
            {
                Send(link, rpc); // the same RPC object for every peer: it is only read from here on
            }
        }
    }

    private void HandleControl(PeerId peer, PubSubLink link, ControlMessage control)
    {
        var answer = new RPC();
        if (_score.Score(peer) >= _thresholds.GossipThreshold)
        {
            AskForWhatWeLack(peer, control, answer);
            ServeWhatIsWanted(peer, link, control);
        }

        var plan = new ControlPlan();
        foreach (ControlGraft graft in control.Graft)
        {
            if (_mesh.HandleGraft(peer, graft.TopicID, plan))
            {
                _score.Graft(peer, graft.TopicID);
            }
        }

        foreach (ControlPrune prune in control.Prune)
        {
            _mesh.HandlePrune(peer, prune.TopicID, prune.HasBackoff ? TimeSpan.FromSeconds(Math.Min(prune.Backoff, 3600)) : null);
            _score.Prune(peer, prune.TopicID);
        }

        _metrics.Control("graft", "in", control.Graft.Count);
        _metrics.Control("prune", "in", control.Prune.Count);
        if (answer.Control is not null)
        {
            Send(link, answer);
        }

        SendPlan(plan);
    }

    /// <summary>IHAVE: asks (IWANT) for the advertised ids we have not seen, of topics we joined, within go's
    /// per-heartbeat budget (<c>MaxIHaveMessages</c> RPCs and <c>MaxIHaveLength</c> ids per peer).</summary>
    private void AskForWhatWeLack(PeerId peer, ControlMessage control, RPC answer)
    {
        if (control.Ihave.Count == 0)
        {
            return;
        }

        _metrics.Control("ihave", "in", control.Ihave.Count);
        (int rpcs, int asked) = _ihaveBudget.GetValueOrDefault(peer);
        if (++rpcs > _parameters.MaxIHaveMessages || asked >= _parameters.MaxIHaveLength)
        {
            _ihaveBudget[peer] = (rpcs, asked);
            return;
        }

        var want = new ControlIWant();
        foreach (ControlIHave ihave in control.Ihave)
        {
            if (!_mesh.Joined.Contains(ihave.TopicID))
            {
                continue;
            }

            foreach (ByteString raw in ihave.MessageIDs)
            {
                if (asked >= _parameters.MaxIHaveLength)
                {
                    break;
                }

                if (MessageId.TryFromBytes(raw.Span, out MessageId id) && !_seen.Contains(id))
                {
                    want.MessageIDs.Add(raw);
                    asked++;
                }
            }
        }

        _ihaveBudget[peer] = (rpcs, asked);
        if (want.MessageIDs.Count > 0)
        {
            (answer.Control ??= new ControlMessage()).Iwant.Add(want);
            _metrics.Control("iwant", "out");
        }
    }

    /// <summary>IWANT: sends the cached messages asked for, each at most <c>GossipRetransmission</c> times to one
    /// peer, one RPC each so that no RPC outgrows the size limit.</summary>
    private void ServeWhatIsWanted(PeerId peer, PubSubLink link, ControlMessage control)
    {
        foreach (ControlIWant iwant in control.Iwant)
        {
            _metrics.Control("iwant", "in");
            foreach (ByteString raw in iwant.MessageIDs)
            {
                if (MessageId.TryFromBytes(raw.Span, out MessageId id)
                    && _cache.TryGetForPeer(id, peer, out Message? message) == CacheLookup.Found)
                {
                    var rpc = new RPC();
                    rpc.Publish.Add(message);
                    Send(link, rpc);
                }
            }
        }
    }
}
