using Venus.ChainSync.Libp2p.Connections;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p;

/// <summary>
/// Counts open streams against <see cref="ConnectionLimits"/>: per peer (both directions), inbound per peer, and
/// inbound per peer and protocol, so one peer cannot hold more than its share of handlers and memory. A lease
/// returned by <see cref="TryOpen"/> frees its slots once disposed.
/// </summary>
internal sealed class StreamCounter(ConnectionLimits limits)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<PeerId, Counts> _perPeer = [];
    private readonly Dictionary<(PeerId Peer, string Protocol), int> _inboundPerProtocol = [];

    /// <summary>Streams open with <paramref name="peer"/> now.</summary>
    public int ActiveStreams(PeerId peer)
    {
        lock (_gate)
        {
            return _perPeer.TryGetValue(peer, out Counts counts) ? counts.All : 0;
        }
    }

    /// <summary>Takes a slot for a stream, or returns false when a cap is reached.</summary>
    public bool TryOpen(PeerId peer, string protocol, bool inbound, out IDisposable? lease)
    {
        lease = null;
        lock (_gate)
        {
            Counts counts = _perPeer.GetValueOrDefault(peer);
            int perProtocol = inbound ? _inboundPerProtocol.GetValueOrDefault((peer, protocol)) : 0;
            if (counts.All >= limits.MaxStreamsPerPeer
                || (inbound && (counts.Inbound >= limits.MaxInboundStreamsPerPeer || perProtocol >= limits.MaxInboundStreamsPerProtocol)))
            {
                return false;
            }

            _perPeer[peer] = new Counts(counts.All + 1, counts.Inbound + (inbound ? 1 : 0));
            if (inbound)
            {
                _inboundPerProtocol[(peer, protocol)] = perProtocol + 1;
            }
        }

        lease = new Lease(this, peer, inbound ? protocol : null);
        return true;
    }

    private void Release(PeerId peer, string? inboundProtocol)
    {
        lock (_gate)
        {
            if (_perPeer.TryGetValue(peer, out Counts counts))
            {
                var left = new Counts(counts.All - 1, counts.Inbound - (inboundProtocol is null ? 0 : 1));
                if (left.All <= 0)
                {
                    _perPeer.Remove(peer);
                }
                else
                {
                    _perPeer[peer] = left;
                }
            }

            if (inboundProtocol is not null && _inboundPerProtocol.TryGetValue((peer, inboundProtocol), out int perProtocol))
            {
                if (perProtocol <= 1)
                {
                    _inboundPerProtocol.Remove((peer, inboundProtocol));
                }
                else
                {
                    _inboundPerProtocol[(peer, inboundProtocol)] = perProtocol - 1;
                }
            }
        }
    }

    private readonly record struct Counts(int All, int Inbound);

    private sealed class Lease(StreamCounter owner, PeerId peer, string? inboundProtocol) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Release(peer, inboundProtocol);
            }
        }
    }
}
