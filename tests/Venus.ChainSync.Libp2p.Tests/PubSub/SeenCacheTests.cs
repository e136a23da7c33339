using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.Libp2p.PubSub;

namespace Venus.ChainSync.Libp2p.Tests.PubSub;

/// <summary>The seen cache: first-seen expiry on the fake clock, and its bound.</summary>
public sealed class SeenCacheTests
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(120);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void An_id_is_new_once_then_seen()
    {
        var cache = new SeenCache(Ttl, 10, _time);
        MessageId id = Id(1);

        Assert.False(cache.Contains(id));
        Assert.True(cache.TryAdd(id));
        Assert.False(cache.TryAdd(id));
        Assert.True(cache.Contains(id));
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void An_id_is_forgotten_exactly_when_its_ttl_has_passed()
    {
        var cache = new SeenCache(Ttl, 10, _time);
        cache.TryAdd(Id(1));

        _time.Advance(Ttl - TimeSpan.FromTicks(1));
        Assert.True(cache.Contains(Id(1)));

        _time.Advance(TimeSpan.FromTicks(1));
        Assert.False(cache.Contains(Id(1)));
        Assert.True(cache.TryAdd(Id(1)));
    }

    [Fact]
    public void Seeing_an_id_again_does_not_extend_its_time()
    {
        var cache = new SeenCache(Ttl, 10, _time);
        cache.TryAdd(Id(1));

        _time.Advance(TimeSpan.FromSeconds(100));
        Assert.False(cache.TryAdd(Id(1)));
        _time.Advance(TimeSpan.FromSeconds(20));

        Assert.False(cache.Contains(Id(1)));
    }

    [Fact]
    public void Expired_ids_leave_in_one_call_and_younger_ones_stay()
    {
        var cache = new SeenCache(Ttl, 10_000, _time);
        for (int i = 0; i < 1_000; i++)
        {
            cache.TryAdd(Id(i));
        }

        _time.Advance(TimeSpan.FromSeconds(60));
        cache.TryAdd(Id(5_000));
        _time.Advance(TimeSpan.FromSeconds(60));

        Assert.False(cache.Contains(Id(0)));
        Assert.Equal(1, cache.Count);
        Assert.True(cache.Contains(Id(5_000)));
    }

    [Fact]
    public void At_the_bound_the_oldest_id_is_forgotten_early_and_counted()
    {
        var cache = new SeenCache(Ttl, 3, _time);
        cache.TryAdd(Id(1));
        cache.TryAdd(Id(2));
        cache.TryAdd(Id(3));

        Assert.True(cache.TryAdd(Id(4)));

        Assert.Equal(3, cache.Count);
        Assert.Equal(1, cache.Evictions);
        Assert.False(cache.Contains(Id(1)));
        Assert.True(cache.Contains(Id(2)));
        Assert.True(cache.Contains(Id(4)));
    }

    [Fact]
    public void A_flood_never_holds_more_than_the_bound()
    {
        var cache = new SeenCache(Ttl, 1_000, _time);
        for (int i = 0; i < 50_000; i++)
        {
            cache.TryAdd(Id(i));
        }

        Assert.Equal(1_000, cache.Count);
        Assert.Equal(49_000, cache.Evictions);
        Assert.True(cache.Contains(Id(49_999)));
        Assert.False(cache.Contains(Id(48_999)));
    }

    [Fact]
    public void A_zero_ttl_or_capacity_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SeenCache(TimeSpan.Zero, 1, _time));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SeenCache(Ttl, 0, _time));
    }

    private static MessageId Id(int n) => MessageIdentity.ForData(BitConverter.GetBytes(n));
}
