using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p.PubSub;

/// <summary>
/// The control messages one mesh decision produced, per peer: GRAFTs, PRUNEs (with the backoff to announce) and
/// IHAVEs. The router turns each peer's share into one RPC.
/// </summary>
internal sealed class ControlPlan
{
    private readonly Dictionary<PeerId, PeerControl> _byPeer = [];

    /// <summary>The peers with something to send, and what.</summary>
    public IReadOnlyDictionary<PeerId, PeerControl> ByPeer => _byPeer;

    /// <summary>Whether nothing is to be sent.</summary>
    public bool IsEmpty => _byPeer.Count == 0;

    /// <summary>Asks <paramref name="peer"/> to add us to its mesh for <paramref name="topic"/>.</summary>
    public void Graft(PeerId peer, string topic) => For(peer).Grafts.Add(topic);

    /// <summary>Tells <paramref name="peer"/> we left its mesh for <paramref name="topic"/>, not to graft again
    /// before <paramref name="backoff"/>.</summary>
    public void Prune(PeerId peer, string topic, TimeSpan backoff) => For(peer).Prunes.Add((topic, backoff));

    /// <summary>Tells <paramref name="peer"/> we hold the messages <paramref name="ids"/> of <paramref name="topic"/>.</summary>
    public void IHave(PeerId peer, string topic, IReadOnlyList<MessageId> ids) => For(peer).IHaves.Add((topic, ids));

    private PeerControl For(PeerId peer)
    {
        if (!_byPeer.TryGetValue(peer, out PeerControl? control))
        {
            control = new PeerControl();
            _byPeer.Add(peer, control);
        }

        return control;
    }
}

/// <summary>The control messages for one peer.</summary>
internal sealed class PeerControl
{
    /// <summary>Topics to graft.</summary>
    public List<string> Grafts { get; } = [];

    /// <summary>Topics to prune, each with the backoff announced.</summary>
    public List<(string Topic, TimeSpan Backoff)> Prunes { get; } = [];

    /// <summary>Message ids advertised, per topic.</summary>
    public List<(string Topic, IReadOnlyList<MessageId> Ids)> IHaves { get; } = [];
}
