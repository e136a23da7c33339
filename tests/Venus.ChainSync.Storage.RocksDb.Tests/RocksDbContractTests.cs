using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.TestSupport.Storage;

namespace Venus.ChainSync.Storage.RocksDb.Tests;

/// <summary>The <see cref="IBlockstore"/> contract over <see cref="RocksDbBlockstore"/>, each test in its own directory.</summary>
public sealed class RocksDbBlockstoreContractTests : BlockstoreContractTests, IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private readonly List<RocksDbStore> _stores = [];

    protected override IBlockstore CreateStore()
    {
        RocksDbStore store = RocksDbStore.Open(_directory.Sub($"store{_stores.Count}"));
        _stores.Add(store);
        return store.Blocks;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (RocksDbStore store in _stores)
        {
            await store.DisposeAsync();
        }

        _directory.Dispose();
    }
}

/// <summary>
/// The chain store contract over a <see cref="RocksDbStore"/>'s two ports: asking for the same name again closes the
/// store and opens it again from disk, so "reopening" is a real reopen.
/// </summary>
public sealed class RocksDbChainStoreContractTests : ChainStoreContractTests, IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private readonly Dictionary<string, RocksDbStore> _open = new(StringComparer.Ordinal);

    protected override (IBlockstore Blocks, IChainMetadataStore Metadata) Ports(string name)
    {
        if (_open.Remove(name, out RocksDbStore? previous))
        {
            previous.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        RocksDbStore store = RocksDbStore.Open(_directory.Sub(name));
        _open[name] = store;
        return (store.Blocks, store.Metadata);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (RocksDbStore store in _open.Values)
        {
            await store.DisposeAsync();
        }

        _directory.Dispose();
    }
}
