using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.Libp2p.Connections;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p.Tests.Connections;

public sealed class DialBackoffTests
{
    private static readonly Multiaddr AddressA = Multiaddr.Parse("/ip4/192.0.2.1/tcp/4001");
    private static readonly Multiaddr AddressB = Multiaddr.Parse("/ip4/192.0.2.2/tcp/4001");

    internal static PeerId Peer(int n) => PeerId.FromBytes([0x00, 0x04, (byte)(n >> 16), (byte)(n >> 8), (byte)n, 1]);

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 6)]
    [InlineData(3, 9)]
    [InlineData(4, 14)]
    [InlineData(18, 294)]
    [InlineData(19, 300)]
    [InlineData(1_000_000, 300)]
    public void The_schedule_is_go_libp2ps_quadratic_one(int failures, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), DialBackoff.BackoffFor(failures));

    [Fact]
    public void An_address_never_failed_is_not_backed_off() =>
        Assert.False(new DialBackoff(new FakeTimeProvider()).IsBackedOff(Peer(1), AddressA));

    [Fact]
    public void A_failure_backs_off_that_address_for_five_seconds_only()
    {
        var clock = new FakeTimeProvider();
        var backoff = new DialBackoff(clock);

        backoff.RecordFailure(Peer(1), AddressA);

        Assert.True(backoff.IsBackedOff(Peer(1), AddressA));
        Assert.False(backoff.IsBackedOff(Peer(1), AddressB));
        Assert.False(backoff.IsBackedOff(Peer(2), AddressA));
        clock.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
        Assert.True(backoff.IsBackedOff(Peer(1), AddressA));
        clock.Advance(TimeSpan.FromTicks(1));
        Assert.False(backoff.IsBackedOff(Peer(1), AddressA));
    }

    [Fact]
    public void Failures_in_a_row_lengthen_the_backoff()
    {
        var clock = new FakeTimeProvider();
        var backoff = new DialBackoff(clock);
        backoff.RecordFailure(Peer(1), AddressA);
        clock.Advance(TimeSpan.FromSeconds(5));
        backoff.RecordFailure(Peer(1), AddressA); // second in a row: 6 s
        clock.Advance(TimeSpan.FromSeconds(6));
        backoff.RecordFailure(Peer(1), AddressA); // third: 9 s

        clock.Advance(TimeSpan.FromSeconds(8));
        Assert.True(backoff.IsBackedOff(Peer(1), AddressA));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(backoff.IsBackedOff(Peer(1), AddressA));
    }

    [Fact]
    public void A_failure_long_after_the_last_starts_the_schedule_again()
    {
        var clock = new FakeTimeProvider();
        var backoff = new DialBackoff(clock);
        backoff.RecordFailure(Peer(1), AddressA);
        backoff.RecordFailure(Peer(1), AddressA); // 6 s from now, remembered for 6 s more

        clock.Advance(TimeSpan.FromSeconds(12));
        backoff.RecordFailure(Peer(1), AddressA);

        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.False(backoff.IsBackedOff(Peer(1), AddressA));
    }

    [Fact]
    public void Clear_forgets_every_address_of_the_peer_only()
    {
        var backoff = new DialBackoff(new FakeTimeProvider());
        backoff.RecordFailure(Peer(1), AddressA);
        backoff.RecordFailure(Peer(1), AddressB);
        backoff.RecordFailure(Peer(2), AddressA);

        backoff.Clear(Peer(1));

        Assert.False(backoff.IsBackedOff(Peer(1), AddressA));
        Assert.False(backoff.IsBackedOff(Peer(1), AddressB));
        Assert.True(backoff.IsBackedOff(Peer(2), AddressA));
    }

    [Fact]
    public void A_full_table_drops_expired_peers_first_then_the_oldest()
    {
        var clock = new FakeTimeProvider();
        var backoff = new DialBackoff(clock);
        backoff.RecordFailure(Peer(0), AddressA); // forgotten 10 s from now
        clock.Advance(TimeSpan.FromSeconds(1));
        for (int n = 1; n < DialBackoff.MaxPeers; n++)
        {
            backoff.RecordFailure(Peer(n), AddressA);
        }

        clock.Advance(TimeSpan.FromSeconds(9));
        backoff.RecordFailure(Peer(DialBackoff.MaxPeers), AddressA); // sweeps Peer(0) out
        backoff.RecordFailure(Peer(DialBackoff.MaxPeers + 1), AddressA); // nothing expired: drops the oldest live one

        Assert.Equal(DialBackoff.MaxPeers, backoff.PeerCount);
        Assert.True(backoff.IsBackedOff(Peer(DialBackoff.MaxPeers + 1), AddressA));
        Assert.True(backoff.IsBackedOff(Peer(DialBackoff.MaxPeers), AddressA));
    }

    [Fact]
    public void A_peer_keeps_at_most_its_cap_of_addresses()
    {
        var clock = new FakeTimeProvider();
        var backoff = new DialBackoff(clock);
        for (int port = 1; port <= DialBackoff.MaxAddressesPerPeer + 1; port++)
        {
            backoff.RecordFailure(Peer(1), Multiaddr.Parse($"/ip4/192.0.2.1/tcp/{port}"));
            clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.False(backoff.IsBackedOff(Peer(1), Multiaddr.Parse("/ip4/192.0.2.1/tcp/1")));
        Assert.True(backoff.IsBackedOff(Peer(1), Multiaddr.Parse($"/ip4/192.0.2.1/tcp/{DialBackoff.MaxAddressesPerPeer + 1}")));
    }

    [Fact]
    public async Task Concurrent_failures_and_clears_leave_a_consistent_table()
    {
        var backoff = new DialBackoff(new FakeTimeProvider());

        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (int i = 0; i < 2000; i++)
            {
                backoff.RecordFailure(Peer(i % 50), AddressA);
                _ = backoff.IsBackedOff(Peer(i % 50), AddressA);
                if (i % 7 == t)
                {
                    backoff.Clear(Peer(i % 50));
                }
            }
        }))).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.InRange(backoff.PeerCount, 0, 50);
    }
}
