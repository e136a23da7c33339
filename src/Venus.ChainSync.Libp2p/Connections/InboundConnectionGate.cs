using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace Venus.ChainSync.Libp2p.Connections;

/// <summary>
/// Decides whether to keep an inbound connection, by where it comes from, before any handshake work: at most
/// <see cref="ConnectionLimits.MaxInboundConnections"/> in total, <see cref="ConnectionLimits.MaxInboundPerIp"/> per
/// IPv4 address or IPv6 /56, and <see cref="ConnectionLimits.MaxInboundPerIpv6Slash48"/> per IPv6 /48, grouped as
/// go-libp2p's resource manager connection limiter groups them (conn_limiter.go). Each admission is a lease; disposing
/// it frees the slot.
/// </summary>
/// <remarks>
/// An IPv4-mapped IPv6 address counts as the IPv4 address it carries (go sees it as /ip4 after manet's conversion).
/// Loopback counts toward the total but has no per-address cap, as go's default network-prefix limits give
/// 127.0.0.0/8 and ::1 an unlimited count. The per-address tables hold only groups with a live lease, so they never
/// hold more entries than the total cap. Thread-safe.
/// </remarks>
internal sealed class InboundConnectionGate
{
    private readonly ConnectionLimits _limits;
    private readonly Lock _lock = new();
    private readonly Dictionary<uint, int> _perIpv4 = [];
    private readonly Dictionary<ulong, int> _perIpv6Slash56 = [];
    private readonly Dictionary<ulong, int> _perIpv6Slash48 = [];
    private int _total;

    /// <summary>Creates a gate with nothing admitted.</summary>
    /// <exception cref="ArgumentException"><paramref name="limits"/> does not validate.</exception>
    public InboundConnectionGate(ConnectionLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        IReadOnlyList<string> problems = limits.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(limits));
        }

        _limits = limits;
    }

    /// <summary>Inbound connections admitted and not yet released.</summary>
    public int Admitted
    {
        get
        {
            lock (_lock)
            {
                return _total;
            }
        }
    }

    /// <summary>
    /// Admits a connection from <paramref name="remote"/> when every cap has room, and returns the lease that holds
    /// its slot; false, with nothing held, when one is full (the caller closes the connection).
    /// </summary>
    public bool TryAdmit(IPAddress remote, [NotNullWhen(true)] out IDisposable? lease)
    {
        ArgumentNullException.ThrowIfNull(remote);
        lease = null;
        Group group = Group.Of(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote);
        lock (_lock)
        {
            if (_total >= _limits.MaxInboundConnections || !HasRoom(group))
            {
                return false;
            }

            _total++;
            Count(group, +1);
        }

        lease = new Lease(this, group);
        return true;
    }

    private bool HasRoom(Group group) => group.Kind switch
    {
        GroupKind.Ipv4 => _perIpv4.GetValueOrDefault(group.Ipv4) < _limits.MaxInboundPerIp,
        GroupKind.Ipv6 => _perIpv6Slash56.GetValueOrDefault(group.Slash56) < _limits.MaxInboundPerIp
            && _perIpv6Slash48.GetValueOrDefault(group.Slash48) < _limits.MaxInboundPerIpv6Slash48,
        _ => true,
    };

    private void Count(Group group, int delta)
    {
        switch (group.Kind)
        {
            case GroupKind.Ipv4:
                Adjust(_perIpv4, group.Ipv4, delta);
                break;
            case GroupKind.Ipv6:
                Adjust(_perIpv6Slash56, group.Slash56, delta);
                Adjust(_perIpv6Slash48, group.Slash48, delta);
                break;
        }
    }

    // Entries at zero are removed, so a table only ever holds groups with a live lease.
    private static void Adjust<TKey>(Dictionary<TKey, int> table, TKey key, int delta)
        where TKey : notnull
    {
        int count = table.GetValueOrDefault(key) + delta;
        if (count > 0)
        {
            table[key] = count;
        }
        else
        {
            table.Remove(key);
        }
    }

    private void Release(Group group)
    {
        lock (_lock)
        {
            _total--;
            Count(group, -1);
        }
    }

    /// <summary>How an address is counted: which table, and its key there.</summary>
    private enum GroupKind
    {
        Loopback,
        Ipv4,
        Ipv6,
    }

    /// <summary>An address reduced to the keys it is counted under.</summary>
    private readonly record struct Group(GroupKind Kind, uint Ipv4, ulong Slash56, ulong Slash48)
    {
        public static Group Of(IPAddress address)
        {
            if (IPAddress.IsLoopback(address))
            {
                return new Group(GroupKind.Loopback, 0, 0, 0);
            }

            Span<byte> bytes = stackalloc byte[16];
            if (address.AddressFamily == AddressFamily.InterNetwork)
            {
                address.TryWriteBytes(bytes, out _);
                return new Group(GroupKind.Ipv4, BinaryPrimitives.ReadUInt32BigEndian(bytes), 0, 0);
            }

            address.TryWriteBytes(bytes, out _);
            ulong high = BinaryPrimitives.ReadUInt64BigEndian(bytes);
            return new Group(GroupKind.Ipv6, 0, high & 0xFFFF_FFFF_FFFF_FF00UL, high & 0xFFFF_FFFF_FFFF_0000UL);
        }
    }

    /// <summary>One admitted connection's slot; the first dispose frees it, later ones do nothing.</summary>
    private sealed class Lease(InboundConnectionGate gate, Group group) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release(group);
            }
        }
    }
}
