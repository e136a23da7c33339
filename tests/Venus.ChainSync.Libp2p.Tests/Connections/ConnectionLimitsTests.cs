using Venus.ChainSync.Libp2p.Connections;

namespace Venus.ChainSync.Libp2p.Tests.Connections;

public sealed class ConnectionLimitsTests
{
    [Fact]
    public void The_defaults_are_go_libp2ps_as_lotus_sets_them()
    {
        var limits = new ConnectionLimits();

        Assert.Empty(limits.Validate());
        Assert.Equal(512, limits.MaxInboundConnections);
        Assert.Equal(8, limits.MaxInboundPerIp);
        Assert.Equal(64, limits.MaxInboundPerIpv6Slash48);
        Assert.Equal(32, limits.MaxPendingUpgrades);
        Assert.Equal(TimeSpan.FromSeconds(15), limits.UpgradeTimeout);
        Assert.Equal(8, limits.MaxConnectionsPerPeer);
        Assert.Equal(512, limits.MaxStreamsPerPeer);
        Assert.Equal(256, limits.MaxInboundStreamsPerPeer);
        Assert.Equal(64, limits.MaxInboundStreamsPerProtocol);
        Assert.Equal(32L << 20, limits.MemoryPerConnection);
    }

    [Fact]
    public void A_zero_limit_is_a_problem()
    {
        IReadOnlyList<string> problems = new ConnectionLimits { MaxPendingUpgrades = 0 }.Validate();

        Assert.Single(problems);
        Assert.Contains(nameof(ConnectionLimits.MaxPendingUpgrades), problems[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_limit_larger_than_the_one_containing_it_is_a_problem()
    {
        IReadOnlyList<string> problems = new ConnectionLimits { MaxInboundConnections = 16 }.Validate();

        Assert.Equal(2, problems.Count); // the /48 cap (64) and the pending-upgrade cap (32) both exceed it
    }

    [Fact]
    public void A_negative_timeout_is_a_problem() =>
        Assert.Single(new ConnectionLimits { UpgradeTimeout = TimeSpan.FromSeconds(-1) }.Validate());
}
