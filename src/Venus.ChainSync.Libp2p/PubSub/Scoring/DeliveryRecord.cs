using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p.PubSub.Scoring;

/// <summary>What is known about one message: its validation outcome, when it was validated, and the peers that sent
/// copies (go's <c>deliveryRecord</c>, score.go).</summary>
internal sealed class DeliveryRecord
{
    private List<PeerId>? _forwarders;

    /// <summary>The validation outcome so far.</summary>
    public DeliveryStatus Status { get; set; }

    /// <summary>When validation accepted the message (scorer time); meaningful when <see cref="Status"/> is
    /// <see cref="DeliveryStatus.Valid"/>.</summary>
    public TimeSpan ValidatedAt { get; set; }

    /// <summary>The peers remembered as having sent a copy, in arrival order.</summary>
    public IReadOnlyList<PeerId> Forwarders => _forwarders ?? (IReadOnlyList<PeerId>)[];

    /// <summary>Whether <paramref name="peer"/> is remembered as having sent a copy.</summary>
    public bool HasForwarder(PeerId peer) => _forwarders is not null && _forwarders.Contains(peer);

    /// <summary>Remembers <paramref name="peer"/> as having sent a copy; false (and nothing remembered) when
    /// <paramref name="max"/> peers already are.</summary>
    public bool TryAddForwarder(PeerId peer, int max)
    {
        _forwarders ??= new List<PeerId>(4);
        if (_forwarders.Count >= max)
        {
            return false;
        }

        _forwarders.Add(peer);
        return true;
    }

    /// <summary>Forgets the forwarders once they can no longer matter (go frees its map early the same way).</summary>
    public void ClearForwarders() => _forwarders = null;
}

/// <summary>A delivery record's validation outcome (go's <c>delivery*</c> constants, score.go).</summary>
internal enum DeliveryStatus
{
    /// <summary>Being validated.</summary>
    Unknown,

    /// <summary>Accepted.</summary>
    Valid,

    /// <summary>Rejected by validation.</summary>
    Invalid,

    /// <summary>The validator said Ignore.</summary>
    Ignored,

    /// <summary>Validation was throttled; validity unknown.</summary>
    Throttled,
}
