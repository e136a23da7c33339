using System.Net;
using System.Net.Sockets;

namespace Venus.ChainSync.Libp2p.PubSub.Scoring;

/// <summary>
/// P6's bookkeeping: how many tracked peers (connected or retained, as in go) share each address, and which keys a
/// peer's addresses count under.
/// </summary>
/// <remarks>
/// <para>Keys follow go's <c>getIPs</c> (score.go): an IPv4 address (an IPv4-mapped IPv6 one counts as IPv4) is one
/// key; an IPv6 address gives itself and its /64, since one host can pick any address in its /64; loopback is
/// skipped (go: "loopback is used for unit testing"). Unlike go, a whitelisted key is never stored: whitelisting is
/// by address, so no peer is ever charged for one and counting it would only cost memory.</para>
/// <para>Keys are <see cref="IPAddress"/> without scope ids. A peer can choose the low 64 bits of an IPv6 address;
/// the address's hash goes through <see cref="HashCode"/>, seeded at random per process, so it cannot compute which
/// addresses share a bucket. Whatever it does, the table holds at most the tracked peers (connected, bounded by the
/// host, plus <see cref="PeerScoreLimits.MaxRetainedPeers"/>) times <see cref="PeerScoreLimits.MaxColocationKeysPerPeer"/>
/// keys.</para>
/// </remarks>
internal sealed class IPColocation
{
    private readonly Dictionary<IPAddress, int> _peersPerKey = [];
    private readonly IPNetwork[] _whitelist;
    private readonly int _maxKeysPerPeer;

    public IPColocation(IReadOnlyList<IPNetwork> whitelist, int maxKeysPerPeer)
    {
        _whitelist = [.. whitelist];
        _maxKeysPerPeer = maxKeysPerPeer;
    }

    /// <summary>Distinct keys counted now (for tests and metrics).</summary>
    public int KeyCount => _peersPerKey.Count;

    /// <summary>The distinct, non-whitelisted keys <paramref name="addresses"/> count under, at most the per-peer bound
    /// (later ones are ignored).</summary>
    public IPAddress[] KeysOf(IEnumerable<IPAddress> addresses)
    {
        var keys = new List<IPAddress>(2);
        foreach (IPAddress address in addresses)
        {
            ArgumentNullException.ThrowIfNull(address, nameof(addresses));
            if (IPAddress.IsLoopback(address))
            {
                continue;
            }

            if (address.AddressFamily == AddressFamily.InterNetworkV6 && !address.IsIPv4MappedToIPv6)
            {
                byte[] bytes = address.GetAddressBytes();
                Include(keys, new IPAddress(bytes));
                bytes.AsSpan(8).Clear();
                Include(keys, new IPAddress(bytes));
            }
            else
            {
                Include(keys, address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
            }
        }

        return [.. keys];
    }

    /// <summary>Counts one more peer under each of <paramref name="keys"/> (distinct, from <see cref="KeysOf"/>).</summary>
    public void Add(IPAddress[] keys)
    {
        foreach (IPAddress key in keys)
        {
            _peersPerKey[key] = _peersPerKey.GetValueOrDefault(key) + 1;
        }
    }

    /// <summary>Counts one peer fewer under each of <paramref name="keys"/>, forgetting keys no peer has.</summary>
    public void Remove(IPAddress[] keys)
    {
        foreach (IPAddress key in keys)
        {
            int remaining = _peersPerKey.GetValueOrDefault(key) - 1;
            if (remaining > 0)
            {
                _peersPerKey[key] = remaining;
            }
            else
            {
                _peersPerKey.Remove(key);
            }
        }
    }

    /// <summary>P6's value for a peer with <paramref name="keys"/>: the sum over them of the square of the peers beyond
    /// <paramref name="threshold"/> sharing it.</summary>
    public double Factor(IPAddress[] keys, int threshold)
    {
        double factor = 0;
        foreach (IPAddress key in keys)
        {
            int surplus = _peersPerKey.GetValueOrDefault(key) - threshold;
            if (surplus > 0)
            {
                factor += (double)surplus * surplus;
            }
        }

        return factor;
    }

    private void Include(List<IPAddress> keys, IPAddress key)
    {
        if (keys.Count < _maxKeysPerPeer && !keys.Contains(key) && !IsWhitelisted(key))
        {
            keys.Add(key);
        }
    }

    private bool IsWhitelisted(IPAddress key)
    {
        foreach (IPNetwork network in _whitelist)
        {
            if (network.Contains(key))
            {
                return true;
            }
        }

        return false;
    }
}
