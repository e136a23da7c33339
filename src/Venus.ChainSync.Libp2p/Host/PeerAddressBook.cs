using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p;

/// <summary>
/// Where peers can be dialled: a few addresses per peer, for a bounded number of peers. Identify fills it with what
/// peers claim, so it is bounded on both axes and the oldest entries make way.
/// </summary>
internal sealed class PeerAddressBook
{
    /// <summary>Addresses kept per peer (go-libp2p keeps more, but a peer worth dialling needs few).</summary>
    public const int MaxAddressesPerPeer = 8;

    /// <summary>Peers remembered.</summary>
    public const int MaxPeers = 4096;

    private readonly Lock _gate = new();
    private readonly Dictionary<PeerId, List<Multiaddr>> _byPeer = [];
    private readonly Queue<PeerId> _order = new();

    /// <summary>Adds an address, newest first; only TCP addresses are kept (the only transport here).</summary>
    public void Add(PeerId peer, Multiaddr address)
    {
        if (!address.Protocols.Contains(MultiaddrProtocol.Tcp))
        {
            return;
        }

        lock (_gate)
        {
            if (!_byPeer.TryGetValue(peer, out List<Multiaddr>? list))
            {
                while (_byPeer.Count >= MaxPeers && _order.TryDequeue(out PeerId oldest))
                {
                    _byPeer.Remove(oldest);
                }

                list = [];
                _byPeer[peer] = list;
                _order.Enqueue(peer);
            }

            list.Remove(address);
            list.Insert(0, address);
            if (list.Count > MaxAddressesPerPeer)
            {
                list.RemoveAt(list.Count - 1);
            }
        }
    }

    /// <summary>The known addresses of <paramref name="peer"/>, newest first (a copy).</summary>
    public IReadOnlyList<Multiaddr> Get(PeerId peer)
    {
        lock (_gate)
        {
            return _byPeer.TryGetValue(peer, out List<Multiaddr>? list) ? [.. list] : [];
        }
    }
}
