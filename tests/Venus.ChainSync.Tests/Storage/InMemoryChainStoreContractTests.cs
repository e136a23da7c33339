using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.TestSupport.Storage;

namespace Venus.ChainSync.Tests.Storage;

/// <summary>The contract over <see cref="MemoryBlockstore"/> and <see cref="InMemoryChainMetadataStore"/>.</summary>
public sealed class InMemoryChainStoreContractTests : ChainStoreContractTests
{
    private readonly Dictionary<string, (IBlockstore, IChainMetadataStore)> _opened = [];

    protected override (IBlockstore Blocks, IChainMetadataStore Metadata) Ports(string name)
    {
        if (!_opened.TryGetValue(name, out (IBlockstore, IChainMetadataStore) ports))
        {
            ports = (new MemoryBlockstore(), new InMemoryChainMetadataStore());
            _opened[name] = ports;
        }

        return ports;
    }
}
