using Microsoft.Extensions.DependencyInjection;
using RocksDbSharp;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Storage.RocksDb.Tests;

public sealed class RocksDbStoreTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private static CancellationToken Ct => TestGuard.Token();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Reopening_after_dispose_keeps_the_blocks_and_the_head()
    {
        string path = _directory.Sub("store");
        var builder = new ChainBuilder(new MemoryBlockstore(), seed: 11);
        TipSet genesis = builder.Genesis();
        IReadOnlyList<TipSet> chain = builder.AddChain(genesis, 3, new TipSetSpec(Blocks: 2, BlsMessages: 2, SecpMessages: 1));
        await using (RocksDbStore store = RocksDbStore.Open(path))
        {
            var chainStore = new ChainStore(store.Blocks, store.Metadata);
            await chainStore.InitializeAsync(genesis, builder.GenesisState, Ct);
            foreach (TipSet tipSet in chain)
            {
                await chainStore.PutHeadersAsync([.. tipSet.Blocks], Ct);
                await chainStore.PutMessagesAsync(builder.GetFullTipSet(tipSet), Ct);
            }

            await chainStore.SetStateAsync(chain[^1].Key, builder.StateOf(chain[^1]), Ct);
            await chainStore.SetHeadAsync(chain[^1], Ct);
        }

        await using RocksDbStore reopened = RocksDbStore.Open(path);
        var again = new ChainStore(reopened.Blocks, reopened.Metadata);
        Assert.Equal(chain[^1], await again.GetHeadAsync(Ct));
        Assert.Equal(genesis, await again.GetGenesisAsync(Ct));
        Assert.Equal(builder.StateOf(chain[^1]), await again.GetStateAsync(chain[^1].Key, Ct));
        foreach (TipSet tipSet in chain)
        {
            Assert.Equal(tipSet, await again.GetTipSetByHeightAsync(tipSet.Height, Ct));
            FullTipSet? full = await again.GetFullTipSetAsync(tipSet.Key, Ct);
            Assert.NotNull(full);
            Assert.True(full.Blocks.All(b => b.MessagesMatchHeader()));
        }
    }

    [Fact]
    public async Task A_second_open_of_an_open_store_is_refused_as_locked()
    {
        string path = _directory.Sub("store");
        await using RocksDbStore first = RocksDbStore.Open(path);

        RocksDbStoreException refused = Assert.Throws<RocksDbStoreException>(() => RocksDbStore.Open(path));

        Assert.Equal(RocksDbStoreError.Locked, refused.Error);
        Block block = Raw("still usable");
        await first.Blocks.PutAsync(block.Cid, block.Data, Ct);
        Assert.True(await first.Blocks.HasAsync(block.Cid, Ct));
    }

    [Fact]
    public async Task A_store_of_another_format_version_is_refused_and_left_as_it_was()
    {
        string path = _directory.Sub("store");
        await using (RocksDbStore.Open(path))
        {
        }

        WithRaw(path, (db, _, meta) => db.Put(MetaRecords.FormatKey, MetaRecords.FormatValue(99), meta));

        RocksDbStoreException refused = Assert.Throws<RocksDbStoreException>(() => RocksDbStore.Open(path));

        Assert.Equal(RocksDbStoreError.IncompatibleVersion, refused.Error);
        WithRaw(path, (db, blocks, meta) =>
        {
            Assert.Equal(MetaRecords.FormatValue(99), db.Get(MetaRecords.FormatKey, meta));
            using Iterator iterator = db.NewIterator(blocks);
            Assert.False(iterator.SeekToFirst().Valid());
        });
    }

    [Fact]
    public void A_directory_with_other_files_is_not_a_store_and_is_left_alone()
    {
        string path = _directory.Sub("other");
        Directory.CreateDirectory(path);
        File.WriteAllText(System.IO.Path.Combine(path, "notes.txt"), "mine");

        RocksDbStoreException refused = Assert.Throws<RocksDbStoreException>(() => RocksDbStore.Open(path));

        Assert.Equal(RocksDbStoreError.NotAStore, refused.Error);
        Assert.Equal(["notes.txt"], Directory.EnumerateFileSystemEntries(path).Select(System.IO.Path.GetFileName));
    }

    [Fact]
    public void A_rocksdb_database_without_our_column_families_is_not_a_store()
    {
        string path = _directory.Sub("foreign");
        DbOptions options = new DbOptions().SetCreateIfMissing(true);
        using (RocksDbSharp.RocksDb db = RocksDbSharp.RocksDb.Open(options, path))
        {
            db.Put("k"u8.ToArray(), "v"u8.ToArray(), cf: null, writeOptions: null);
        }

        RocksDbStoreException refused = Assert.Throws<RocksDbStoreException>(() => RocksDbStore.Open(path));

        Assert.Equal(RocksDbStoreError.NotAStore, refused.Error);
    }

    [Fact]
    public void A_rocksdb_database_with_our_column_families_but_no_format_record_is_not_a_store()
    {
        string path = _directory.Sub("unversioned");
        WithRaw(path, (db, blocks, _) => db.Put("k"u8.ToArray(), "v"u8.ToArray(), blocks), create: true);

        RocksDbStoreException refused = Assert.Throws<RocksDbStoreException>(() => RocksDbStore.Open(path));

        Assert.Equal(RocksDbStoreError.NotAStore, refused.Error);
        WithRaw(path, (db, _, meta) => Assert.Null(db.Get(MetaRecords.FormatKey, meta)));
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0x01, 0x71, 0xa0, 0xe4, 0x02, 0x20, 0x01 })]
    public async Task A_corrupt_head_record_is_a_clear_error_naming_it(byte[] garbage)
    {
        string path = _directory.Sub("store");
        await using (RocksDbStore.Open(path))
        {
        }

        WithRaw(path, (db, _, meta) => db.Put(MetaRecords.MarkKey(ChainMark.Head), garbage, meta));
        await using RocksDbStore store = RocksDbStore.Open(path);

        RocksDbStoreException error = await Assert.ThrowsAsync<RocksDbStoreException>(() => store.Metadata.GetMarkAsync(ChainMark.Head, Ct).AsTask());

        Assert.Equal(RocksDbStoreError.CorruptRecord, error.Error);
        Assert.Contains("Head mark", error.Message, StringComparison.Ordinal);
        Assert.Null(await store.Metadata.GetMarkAsync(ChainMark.Checkpoint, Ct));
    }

    [Fact]
    public async Task A_corrupt_state_or_height_record_is_a_clear_error_naming_it()
    {
        string path = _directory.Sub("store");
        TipSetKey key = TipSetKey.Create(Raw("a").Cid);
        await using (RocksDbStore.Open(path))
        {
        }

        WithRaw(path, (db, _, meta) =>
        {
            // A state with a trailing byte, and a height entry far longer than any tipset key.
            db.Put(MetaRecords.StateKey(key), (byte[])[.. MetaRecords.StateValue(new TipSetState(Raw("s").Cid, Raw("r").Cid)), 0], meta);
            db.Put(MetaRecords.HeightKey(7), new byte[MetaRecords.MaxTipSetKeyBytes + 1], meta);
        });
        await using RocksDbStore store = RocksDbStore.Open(path);

        RocksDbStoreException state = await Assert.ThrowsAsync<RocksDbStoreException>(() => store.Metadata.GetStateAsync(key, Ct).AsTask());
        RocksDbStoreException height = await Assert.ThrowsAsync<RocksDbStoreException>(() => store.Metadata.GetKeyAtHeightAsync(7, Ct).AsTask());

        Assert.Equal(RocksDbStoreError.CorruptRecord, state.Error);
        Assert.Contains(key.ToString(), state.Message, StringComparison.Ordinal);
        Assert.Equal(RocksDbStoreError.CorruptRecord, height.Error);
        Assert.Contains("height-index entry at 7", height.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_metadata_batch_clears_heights_above_and_keeps_those_it_writes()
    {
        await using RocksDbStore store = RocksDbStore.Open(_directory.Sub("store"));
        TipSetKey[] keys = [.. Enumerable.Range(0, 300).Select(i => TipSetKey.Create(Raw($"t{i}").Cid))];
        var fill = new ChainMetadataBatch();
        for (int h = 0; h < keys.Length; h++)
        {
            fill.SetHeight(h, keys[h]);
        }

        await store.Metadata.WriteAsync(fill, Ct);

        // 255 and 256 differ in their low byte's carry: big-endian keys keep them in height order for the range.
        await store.Metadata.WriteAsync(new ChainMetadataBatch().ClearAbove(250).SetHeight(256, keys[0]).RemoveHeight(3), Ct);

        Assert.Equal(keys[250], await store.Metadata.GetKeyAtHeightAsync(250, Ct));
        Assert.Null(await store.Metadata.GetKeyAtHeightAsync(251, Ct));
        Assert.Null(await store.Metadata.GetKeyAtHeightAsync(299, Ct));
        Assert.Equal(keys[0], await store.Metadata.GetKeyAtHeightAsync(256, Ct));
        Assert.Null(await store.Metadata.GetKeyAtHeightAsync(3, Ct));
        Assert.Equal(keys[2], await store.Metadata.GetKeyAtHeightAsync(2, Ct));
    }

    [Fact]
    public async Task Calls_after_dispose_throw_object_disposed()
    {
        RocksDbStore store = RocksDbStore.Open(_directory.Sub("store"));
        await store.DisposeAsync();
        await store.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.Blocks.HasAsync(Raw("x").Cid, Ct).AsTask());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.Metadata.GetMarkAsync(ChainMark.Head, Ct).AsTask());
    }

    [Fact]
    public async Task AddRocksDbStore_registers_the_stores_ports_and_the_container_disposes_it()
    {
        string path = _directory.Sub("store");
        var services = new ServiceCollection();
        services.AddRocksDbStore(path, o => o.Compression = RocksDbCompression.Zstd);
        await using (ServiceProvider provider = services.BuildServiceProvider())
        {
            RocksDbStore store = provider.GetRequiredService<RocksDbStore>();
            Assert.Same(store.Blocks, provider.GetRequiredService<IBlockstore>());
            Assert.Same(store.Metadata, provider.GetRequiredService<IChainMetadataStore>());
            Assert.IsType<ChainStore>(provider.GetRequiredService<IChainStore>());
        }

        // Disposed with the container, so the directory opens again.
        await using RocksDbStore reopened = RocksDbStore.Open(path);
    }

    [Fact]
    public void AddRocksDbStore_refuses_bad_options_at_registration()
    {
        var services = new ServiceCollection();

        Assert.Throws<ArgumentOutOfRangeException>(() => services.AddRocksDbStore(_directory.Sub("store"), o => o.BloomFilterBitsPerKey = -1));
    }

    private static Block Raw(string text)
    {
        byte[] data = System.Text.Encoding.UTF8.GetBytes(text);
        return new Block(Cid.Compute(Multicodec.Raw, data), data);
    }

    /// <summary>Opens <paramref name="path"/> with RocksDbSharp alone (our two families, none of our checks).</summary>
    private static void WithRaw(string path, Action<RocksDbSharp.RocksDb, ColumnFamilyHandle, ColumnFamilyHandle> use, bool create = false)
    {
        DbOptions options = new DbOptions().SetCreateIfMissing(create).SetCreateMissingColumnFamilies(create);
        var families = new ColumnFamilies
        {
            { RocksDbStore.BlocksFamily, new ColumnFamilyOptions() },
            { RocksDbStore.MetaFamily, new ColumnFamilyOptions() },
        };
        using RocksDbSharp.RocksDb db = RocksDbSharp.RocksDb.Open(options, path, families);
        use(db, db.GetColumnFamily(RocksDbStore.BlocksFamily), db.GetColumnFamily(RocksDbStore.MetaFamily));
    }
}
