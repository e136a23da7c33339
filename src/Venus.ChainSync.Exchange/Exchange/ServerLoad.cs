using Venus.ChainSync.Network;

namespace Venus.ChainSync.Exchange;

/// <summary>
/// The server's admission control: requests and response bytes in flight, per peer and in total, under one lock.
/// A request is admitted (or refused) once, when its stream arrives; it then reserves the bytes of each tipset it
/// collects, and gives everything back when its response has been written.
/// </summary>
/// <remarks>
/// Bytes are reserved after a tipset is loaded (its size is known only then), so each request in collection may
/// hold one tipset beyond its reservation. The head tipset of a request is granted even over the peer's byte cap
/// (but never over the total): otherwise a peer whose earlier responses filled its budget would be answered with
/// nothing, and a Lotus syncer, which retries a request 5 times at once and fails its whole batch on one failure
/// (<c>chain/sync.go</c> <c>fetchMessages</c>), would fail to sync from us. Every admitted request of a peer within
/// the count cap therefore gets at least its head tipset while the total allows it.
/// </remarks>
internal sealed class ServerLoad(ExchangeServerOptions options)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<PeerId, PeerLoad> _peers = [];
    private int _requests;
    private long _bytes;

    /// <summary>What a reservation of one tipset's bytes came to.</summary>
    public enum Grant
    {
        /// <summary>Reserved: the tipset goes into the response.</summary>
        Granted,

        /// <summary>The peer's byte cap is reached: the response ends before this tipset.</summary>
        OverPeerCap,

        /// <summary>The total byte cap is reached: the response ends before this tipset (at the head: GoAway).</summary>
        OverTotalCap,
    }

    /// <summary>Requests admitted now.</summary>
    public int Requests
    {
        get
        {
            lock (_gate)
            {
                return _requests;
            }
        }
    }

    /// <summary>Response bytes reserved now.</summary>
    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    /// <summary>Admits one request from <paramref name="peer"/>, or says why not (then <paramref name="lease"/> is null).</summary>
    public string? TryAdmit(PeerId peer, out Lease? lease)
    {
        lease = null;
        lock (_gate)
        {
            if (_requests >= options.MaxConcurrentRequests)
            {
                return "too many requests in flight";
            }

            if (!_peers.TryGetValue(peer, out PeerLoad? load))
            {
                load = new PeerLoad();
                _peers.Add(peer, load);
            }

            if (load.Requests >= options.MaxConcurrentRequestsPerPeer)
            {
                return "too many requests in flight from this peer";
            }

            load.Requests++;
            _requests++;
            lease = new Lease(this, peer, load);
            return null;
        }
    }

    private Grant Reserve(PeerLoad load, long bytes, bool atHead)
    {
        lock (_gate)
        {
            if (_bytes + bytes > options.MaxBytesInFlight)
            {
                return Grant.OverTotalCap;
            }

            if (!atHead && load.Bytes + bytes > options.MaxBytesInFlightPerPeer)
            {
                return Grant.OverPeerCap;
            }

            load.Bytes += bytes;
            _bytes += bytes;
            return Grant.Granted;
        }
    }

    private void Release(PeerId peer, PeerLoad load, long bytes)
    {
        lock (_gate)
        {
            _requests--;
            _bytes -= bytes;
            load.Requests--;
            load.Bytes -= bytes;
            if (load.Requests == 0)
            {
                _peers.Remove(peer);
            }
        }
    }

    /// <summary>One admitted request: the bytes it has reserved, all given back by <see cref="Dispose"/>.</summary>
    public sealed class Lease : IDisposable
    {
        private readonly ServerLoad _owner;
        private readonly PeerId _peer;
        private readonly PeerLoad _load;
        private long _bytes;
        private bool _released;

        internal Lease(ServerLoad owner, PeerId peer, PeerLoad load)
        {
            _owner = owner;
            _peer = peer;
            _load = load;
        }

        /// <summary>Reserves one tipset's bytes; <paramref name="atHead"/> says it is the request's first tipset.</summary>
        public Grant TryReserve(long bytes, bool atHead)
        {
            Grant grant = _owner.Reserve(_load, bytes, atHead);
            if (grant == Grant.Granted)
            {
                _bytes += bytes;
            }

            return grant;
        }

        /// <summary>Gives back the request's slot and every byte it reserved; once.</summary>
        public void Dispose()
        {
            if (!_released)
            {
                _released = true;
                _owner.Release(_peer, _load, _bytes);
            }
        }
    }

    /// <summary>One peer's share, changed only under the owner's lock.</summary>
    internal sealed class PeerLoad
    {
        public int Requests { get; set; }

        public long Bytes { get; set; }
    }
}
