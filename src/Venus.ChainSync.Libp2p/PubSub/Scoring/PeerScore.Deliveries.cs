using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p.PubSub.Scoring;

internal sealed partial class PeerScore
{
    /// <summary>
    /// A new message on <paramref name="topic"/> entered validation (its signature checked): starts its delivery
    /// record, so that copies arriving while it is validated are remembered. Nothing is recorded for an unscored topic.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="messageId"/> is empty or longer than
    /// <see cref="PeerScoreLimits.MaxMessageIdLength"/>.</exception>
    public void ValidateMessage(ReadOnlySpan<byte> messageId, string topic)
    {
        RequireId(messageId);
        ArgumentNullException.ThrowIfNull(topic);
        lock (_lock)
        {
            if (_topicIndex.ContainsKey(topic))
            {
                _deliveries.GetOrAdd(messageId, Now);
            }
        }
    }

    /// <summary>
    /// Validation accepted a message first received from <paramref name="from"/>: P2 (and P3, when in the mesh) for
    /// it, and P3 for each mesh peer that sent a copy while it was being validated. Copies within
    /// <see cref="TopicScoreParameters.MeshMessageDeliveriesWindow"/> from now count for P3 too.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="messageId"/> is empty or too long.</exception>
    public void DeliverMessage(ReadOnlySpan<byte> messageId, PeerId from, string topic)
    {
        RequireId(messageId);
        ArgumentNullException.ThrowIfNull(topic);
        lock (_lock)
        {
            if (!_topicIndex.TryGetValue(topic, out int index))
            {
                return;
            }

            TimeSpan now = Now;
            MarkFirstDelivery(from, index);
            DeliveryRecord record = _deliveries.GetOrAdd(messageId, now);
            if (record.Status != DeliveryStatus.Unknown)
            {
                // A second outcome for one id is a router mistake; the first stands, as in go.
                return;
            }

            record.Status = DeliveryStatus.Valid;
            record.ValidatedAt = now;
            foreach (PeerId forwarder in record.Forwarders)
            {
                if (forwarder != from)
                {
                    // Sent while we were still validating: near-first by definition, whatever the window.
                    MarkMeshDelivery(forwarder, index);
                }
            }

            // Ours, not go's: remembering the first deliverer stops it earning P3 again by resending within the window.
            if (!record.HasForwarder(from))
            {
                record.TryAddForwarder(from, _limits.MaxForwardersPerRecord);
            }
        }
    }

    /// <summary>
    /// The router did not deliver a message received from <paramref name="from"/>, for <paramref name="reason"/>; see
    /// <see cref="MessageRejection"/> for what each reason does to scores (as go's <c>RejectMessage</c>).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="messageId"/> is empty or too long.</exception>
    public void RejectMessage(ReadOnlySpan<byte> messageId, PeerId from, string topic, MessageRejection reason)
    {
        RequireId(messageId);
        ArgumentNullException.ThrowIfNull(topic);
        lock (_lock)
        {
            if (!_topicIndex.TryGetValue(topic, out int index))
            {
                return;
            }

            switch (reason)
            {
                case MessageRejection.MissingSignature:
                case MessageRejection.InvalidSignature:
                case MessageRejection.UnexpectedSignature:
                case MessageRejection.UnexpectedAuthInfo:
                case MessageRejection.SelfOrigin:
                    // Plainly invalid, but the id of a message whose signature fails may be anybody's: penalise the
                    // sender and record nothing under the id.
                    MarkInvalidDelivery(from, index);
                    return;
                case MessageRejection.BlacklistedPeer:
                case MessageRejection.BlacklistedSource:
                case MessageRejection.ValidationQueueFull:
                    return;
            }

            DeliveryRecord record = _deliveries.GetOrAdd(messageId, Now);
            if (record.Status != DeliveryStatus.Unknown)
            {
                return;
            }

            switch (reason)
            {
                case MessageRejection.ValidationThrottled:
                    record.Status = DeliveryStatus.Throttled;
                    break;
                case MessageRejection.ValidationIgnored:
                    record.Status = DeliveryStatus.Ignored;
                    break;
                default:
                    record.Status = DeliveryStatus.Invalid;
                    MarkInvalidDelivery(from, index);
                    foreach (PeerId forwarder in record.Forwarders)
                    {
                        MarkInvalidDelivery(forwarder, index);
                    }

                    break;
            }

            record.ClearForwarders();
        }
    }

    /// <summary>
    /// <paramref name="from"/> sent a copy of a message already seen (go: <c>DuplicateMessage</c>): while it is being
    /// validated the peer is remembered (credited or penalised when validation ends); once valid, a mesh peer earns P3
    /// if within the window, once per message; once invalid, the copy earns P4. Copies of ignored or throttled
    /// messages, and of ids with no record, move nothing.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="messageId"/> is empty or too long.</exception>
    public void DuplicateMessage(ReadOnlySpan<byte> messageId, PeerId from, string topic)
    {
        RequireId(messageId);
        ArgumentNullException.ThrowIfNull(topic);
        lock (_lock)
        {
            TimeSpan now = Now;
            if (!_topicIndex.TryGetValue(topic, out int index) || _deliveries.Find(messageId, now) is not { } record)
            {
                return;
            }

            switch (record.Status)
            {
                case DeliveryStatus.Unknown:
                    if (!record.HasForwarder(from))
                    {
                        record.TryAddForwarder(from, _limits.MaxForwardersPerRecord);
                    }

                    break;
                case DeliveryStatus.Valid:
                    // Only a peer we can remember may be credited: one we could not would be credited for every copy.
                    if (!record.HasForwarder(from) && record.TryAddForwarder(from, _limits.MaxForwardersPerRecord)
                        && now - record.ValidatedAt <= _topics[index].MeshMessageDeliveriesWindow)
                    {
                        MarkMeshDelivery(from, index);
                    }

                    break;
                case DeliveryStatus.Invalid:
                    MarkInvalidDelivery(from, index);
                    break;
            }
        }
    }

    private void MarkFirstDelivery(PeerId peer, int index)
    {
        if (!_peers.TryGetValue(peer, out PeerCounters? counters))
        {
            return;
        }

        ref TopicCounters counter = ref counters.Topics[index];
        TopicScoreParameters parameters = _topics[index];
        counter.FirstMessageDeliveries = Math.Min(counter.FirstMessageDeliveries + 1, parameters.FirstMessageDeliveriesCap);
        if (counter.InMesh)
        {
            counter.MeshMessageDeliveries = Math.Min(counter.MeshMessageDeliveries + 1, parameters.MeshMessageDeliveriesCap);
        }
    }

    private void MarkMeshDelivery(PeerId peer, int index)
    {
        if (_peers.TryGetValue(peer, out PeerCounters? counters) && counters.Topics[index].InMesh)
        {
            ref TopicCounters counter = ref counters.Topics[index];
            counter.MeshMessageDeliveries = Math.Min(counter.MeshMessageDeliveries + 1, _topics[index].MeshMessageDeliveriesCap);
        }
    }

    private void MarkInvalidDelivery(PeerId peer, int index)
    {
        if (_peers.TryGetValue(peer, out PeerCounters? counters))
        {
            counters.Topics[index].InvalidMessageDeliveries += 1;
        }
    }

    private void RequireId(ReadOnlySpan<byte> messageId)
    {
        if (messageId.IsEmpty || messageId.Length > _limits.MaxMessageIdLength)
        {
            throw new ArgumentException($"A message id is 1 to {_limits.MaxMessageIdLength} bytes, not {messageId.Length}.", nameof(messageId));
        }
    }
}
