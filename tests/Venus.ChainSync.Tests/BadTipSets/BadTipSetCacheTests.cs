using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Tests.BadTipSets;

public class BadTipSetCacheTests
{
    private static Cid Block(int n) => Cid.ComputeDagCbor([0x18, (byte)n]);

    [Fact]
    public void Default_capacity_is_lotus_bad_block_cache_size()
    {
        Assert.Equal(32_768, BadTipSetCache.DefaultCapacity);
        Assert.Equal(BadTipSetCache.DefaultCapacity, new BadTipSetCache().Capacity);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Capacity_below_one_is_refused(int capacity) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new BadTipSetCache(capacity));

    [Fact]
    public void A_marked_block_is_found_with_its_reason_time_and_origin()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var cache = new BadTipSetCache(4, time);
        cache.Mark(Block(1), "bad signature");
        time.Advance(TimeSpan.FromMinutes(1));
        cache.Mark(Block(2), "parent is bad", origin: Block(1));

        Assert.True(cache.TryGet(Block(1), out BadTipSetEntry? first));
        Assert.Equal("bad signature", first.Reason);
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero), first.MarkedAt);
        Assert.Null(first.Origin);

        BadTipSetEntry? second = cache.Check(Block(2));
        Assert.NotNull(second);
        Assert.Equal(Block(1), second.Origin);
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 3, 5, 5, TimeSpan.Zero), second.MarkedAt);
        Assert.Contains(Block(1).ToString(), second.ToString(), StringComparison.Ordinal);
        Assert.Null(cache.Check(Block(3)));
        Assert.False(cache.TryGet(default, out _));
    }

    [Fact]
    public void A_full_cache_drops_the_least_recently_marked_block()
    {
        var cache = new BadTipSetCache(3);
        cache.Mark(Block(1), "a");
        cache.Mark(Block(2), "b");
        cache.Mark(Block(3), "c");
        cache.Mark(Block(4), "d");

        Assert.Equal(3, cache.Count);
        Assert.Null(cache.Check(Block(1)));
        Assert.Equal([Block(4), Block(3), Block(2)], cache.Snapshot().Select(e => e.Block));
    }

    [Fact]
    public void A_lookup_keeps_a_block_from_being_dropped_next()
    {
        var cache = new BadTipSetCache(3);
        cache.Mark(Block(1), "a");
        cache.Mark(Block(2), "b");
        cache.Mark(Block(3), "c");

        Assert.True(cache.TryGet(Block(1), out _));
        cache.Mark(Block(4), "d");

        Assert.NotNull(cache.Check(Block(1)));
        Assert.Null(cache.Check(Block(2)));
        Assert.Equal([Block(1), Block(4), Block(3)], cache.Snapshot().Select(e => e.Block));
    }

    [Fact]
    public void Marking_again_replaces_the_reason_without_growing()
    {
        var cache = new BadTipSetCache(2);
        cache.Mark(Block(1), "first");
        cache.Mark(Block(2), "other");
        cache.Mark(Block(1), "second");
        cache.Mark(Block(3), "third");

        Assert.Equal(2, cache.Count);
        Assert.Equal("second", cache.Check(Block(1))?.Reason);
        Assert.Null(cache.Check(Block(2)));
    }

    [Fact]
    public void Unmark_forgets_one_block()
    {
        var cache = new BadTipSetCache(3);
        cache.Mark(Block(1), "a");
        cache.Mark(Block(2), "b");

        Assert.True(cache.Unmark(Block(1)));
        Assert.False(cache.Unmark(Block(1)));
        Assert.Null(cache.Check(Block(1)));
        Assert.NotNull(cache.Check(Block(2)));
        Assert.Equal(1, cache.Count);

        // The freed slot is usable: three more marks drop only the oldest remaining.
        cache.Mark(Block(3), "c");
        cache.Mark(Block(4), "d");
        Assert.Equal(3, cache.Count);
        Assert.NotNull(cache.Check(Block(2)));
    }

    [Fact]
    public void Unmark_all_empties_the_cache()
    {
        var cache = new BadTipSetCache(3);
        cache.Mark(Block(1), "a");
        cache.Mark(Block(2), "b");

        cache.UnmarkAll();

        Assert.Equal(0, cache.Count);
        Assert.Empty(cache.Snapshot());
        Assert.Null(cache.Check(Block(1)));
    }

    [Fact]
    public void A_snapshot_does_not_change_with_the_cache()
    {
        var cache = new BadTipSetCache(3);
        cache.Mark(Block(1), "a");
        var snapshot = cache.Snapshot();

        cache.Mark(Block(2), "b");
        cache.UnmarkAll();

        Assert.Equal([Block(1)], snapshot.Select(e => e.Block));
    }

    [Fact]
    public void Marking_a_tipset_marks_every_block()
    {
        var builder = new ChainBuilder(new MemoryBlockstore(), seed: 7);
        TipSet tipSet = builder.AddTipSet(builder.Genesis(), blocks: 3);
        var cache = new BadTipSetCache();

        cache.MarkTipSet(tipSet, "state root mismatch");

        Assert.Equal(3, cache.Count);
        Assert.All(tipSet.Blocks, b => Assert.Equal("state root mismatch", cache.Check(b.Cid)?.Reason));
    }

    [Fact]
    public async Task Concurrent_marks_and_lookups_keep_the_bound()
    {
        var cache = new BadTipSetCache(50);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (int i = 0; i < 500; i++)
            {
                cache.Mark(Block(((t * 500) + i) % 256), "x");
                cache.Check(Block(i % 256));
                if (i % 97 == 0)
                {
                    cache.Unmark(Block(i % 256));
                }
            }
        }, TestGuard.Token()))).WaitAsync(TestGuard.Token());

        Assert.InRange(cache.Count, 1, 50);
        Assert.Equal(cache.Count, cache.Snapshot().Length);
    }
}
