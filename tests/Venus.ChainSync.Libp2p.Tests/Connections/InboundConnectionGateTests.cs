using System.Net;
using Venus.ChainSync.Libp2p.Connections;

namespace Venus.ChainSync.Libp2p.Tests.Connections;

public sealed class InboundConnectionGateTests
{
    private static readonly ConnectionLimits Small = new()
    {
        MaxInboundConnections = 6,
        MaxInboundPerIp = 2,
        MaxInboundPerIpv6Slash48 = 3,
        MaxPendingUpgrades = 2,
    };

    [Fact]
    public void A_flood_from_one_address_is_refused_past_its_cap_while_another_address_is_admitted()
    {
        var gate = new InboundConnectionGate(Small);
        var flooder = IPAddress.Parse("198.51.100.7");

        Assert.True(gate.TryAdmit(flooder, out _));
        Assert.True(gate.TryAdmit(flooder, out _));
        Assert.False(gate.TryAdmit(flooder, out IDisposable? refused));
        Assert.Null(refused);

        Assert.True(gate.TryAdmit(IPAddress.Parse("198.51.100.8"), out _));
        Assert.Equal(3, gate.Admitted);
    }

    [Fact]
    public void Releasing_a_lease_frees_its_slot_once_only()
    {
        var gate = new InboundConnectionGate(Small);
        var remote = IPAddress.Parse("198.51.100.7");
        Assert.True(gate.TryAdmit(remote, out IDisposable? first));
        Assert.True(gate.TryAdmit(remote, out _));

        first.Dispose();
        first.Dispose();

        Assert.Equal(1, gate.Admitted);
        Assert.True(gate.TryAdmit(remote, out _));
        Assert.False(gate.TryAdmit(remote, out _));
    }

    [Fact]
    public void The_total_cap_refuses_everyone_until_a_slot_is_released()
    {
        var gate = new InboundConnectionGate(Small);
        var leases = new List<IDisposable>();
        for (int n = 1; n <= Small.MaxInboundConnections; n++)
        {
            Assert.True(gate.TryAdmit(IPAddress.Parse($"203.0.113.{n}"), out IDisposable? lease));
            leases.Add(lease);
        }

        Assert.False(gate.TryAdmit(IPAddress.Parse("203.0.113.100"), out _));
        leases[0].Dispose();
        Assert.True(gate.TryAdmit(IPAddress.Parse("203.0.113.100"), out _));
    }

    [Fact]
    public void An_ipv4_mapped_ipv6_address_shares_the_ipv4_addresses_count()
    {
        var gate = new InboundConnectionGate(Small);

        Assert.True(gate.TryAdmit(IPAddress.Parse("198.51.100.7"), out _));
        Assert.True(gate.TryAdmit(IPAddress.Parse("::ffff:198.51.100.7"), out _));

        Assert.False(gate.TryAdmit(IPAddress.Parse("198.51.100.7"), out _));
        Assert.False(gate.TryAdmit(IPAddress.Parse("::ffff:198.51.100.7"), out _));
    }

    [Fact]
    public void Ipv6_addresses_in_one_slash_56_share_a_cap()
    {
        var gate = new InboundConnectionGate(Small);

        Assert.True(gate.TryAdmit(IPAddress.Parse("2001:db8:0:1::1"), out _));
        Assert.True(gate.TryAdmit(IPAddress.Parse("2001:db8:0:ff::2"), out _));

        Assert.False(gate.TryAdmit(IPAddress.Parse("2001:db8:0:42::3"), out _)); // same /56 (2001:db8:0:00xx)
        Assert.True(gate.TryAdmit(IPAddress.Parse("2001:db8:0:100::1"), out _)); // next /56, same /48
    }

    [Fact]
    public void Ipv6_slash_56s_in_one_slash_48_share_the_larger_cap()
    {
        var gate = new InboundConnectionGate(Small);
        Assert.True(gate.TryAdmit(IPAddress.Parse("2001:db8:0:100::1"), out _));
        Assert.True(gate.TryAdmit(IPAddress.Parse("2001:db8:0:200::1"), out _));
        Assert.True(gate.TryAdmit(IPAddress.Parse("2001:db8:0:300::1"), out _));

        Assert.False(gate.TryAdmit(IPAddress.Parse("2001:db8:0:400::1"), out _));
        Assert.True(gate.TryAdmit(IPAddress.Parse("2001:db8:1:100::1"), out _));
    }

    [Fact]
    public void Loopback_has_no_per_address_cap_but_counts_toward_the_total()
    {
        var gate = new InboundConnectionGate(Small);
        for (int n = 0; n < Small.MaxInboundConnections - 1; n++)
        {
            Assert.True(gate.TryAdmit(n % 2 == 0 ? IPAddress.Loopback : IPAddress.IPv6Loopback, out _));
        }

        Assert.True(gate.TryAdmit(IPAddress.Parse("127.0.0.2"), out _));
        Assert.False(gate.TryAdmit(IPAddress.Loopback, out _));
    }

    [Fact]
    public void Invalid_limits_are_refused_at_construction() =>
        Assert.Throws<ArgumentException>(() => new InboundConnectionGate(new ConnectionLimits { MaxInboundPerIp = 0 }));

    [Fact]
    public async Task Concurrent_admissions_never_pass_the_caps_and_release_to_zero()
    {
        var gate = new InboundConnectionGate(new ConnectionLimits { MaxInboundConnections = 40, MaxInboundPerIp = 4, MaxInboundPerIpv6Slash48 = 8 });
        int peak = 0;

        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (int i = 0; i < 5000; i++)
            {
                if (gate.TryAdmit(IPAddress.Parse($"198.51.100.{(i + t) % 20}"), out IDisposable? lease))
                {
                    int now = gate.Admitted;
                    InterlockedMax(ref peak, now);
                    lease.Dispose();
                }
            }
        }))).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.InRange(peak, 1, 40);
        Assert.Equal(0, gate.Admitted);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
