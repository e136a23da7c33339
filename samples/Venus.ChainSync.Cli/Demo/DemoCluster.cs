using System.Globalization;
using Venus.ChainSync.Hosting;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Cli.Demo;

/// <summary>
/// The demo's nodes on one <see cref="InMemoryNetwork"/>: a producer that starts with a generated chain and mines
/// on it, and followers that start from genesis. Owns the network, the chain builder and every node.
/// </summary>
/// <remarks>
/// The chain builder is not thread-safe; only <see cref="ProduceAsync"/> touches it after <see cref="CreateAsync"/>,
/// and the demo calls that from one loop.
/// </remarks>
internal sealed class DemoCluster : IAsyncDisposable
{
    /// <summary>The producer's name; followers are <c>node-1</c>, <c>node-2</c>, ….</summary>
    public const string ProducerName = "producer";

    // Mined tipsets have one block: SyncSubmitBlock takes one block at a time, and a one-block tipset is complete
    // the moment its block is synced, so the head moves once per mined tipset.
    private static readonly TipSetSpec MinedSpec = new(Blocks: 1, BlsMessages: 2, SecpMessages: 1);

    private readonly InMemoryNetwork _network;
    private readonly ChainBuilder _builder;
    private readonly List<DemoNode> _nodes = [];
    private TipSet _tip;

    private DemoCluster(InMemoryNetwork network, ChainBuilder builder, TipSet tip)
    {
        _network = network;
        _builder = builder;
        _tip = tip;
    }

    /// <summary>The producer first, then the followers.</summary>
    public IReadOnlyList<DemoNode> Nodes => _nodes;

    /// <summary>The producer.</summary>
    public DemoNode Producer => _nodes[0];

    /// <summary>
    /// Builds a chain of <paramref name="tipsets"/> tipsets above genesis and <paramref name="nodes"/> nodes (the producer
    /// holding that chain, executed, as its head; the followers at genesis). Nothing is started or connected yet.
    /// </summary>
    public static async Task<DemoCluster> CreateAsync(int nodes, int tipsets, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(tipsets);
        var builder = new ChainBuilder(new MemoryBlockstore(), seed: 1);
        TipSet genesis = builder.Genesis();

        // Varied history: tipsets of one to three blocks, BLS and secp messages, and a null round every 100 epochs.
        IReadOnlyList<TipSet> history = tipsets == 0
            ? []
            : builder.AddChain(genesis, tipsets, i => new TipSetSpec(Blocks: 1 + (i % 3), BlsMessages: i % 2, SecpMessages: 1, NullRoundsBefore: i % 100 == 99 ? 1 : 0));

        var network = new InMemoryNetwork();
        var cluster = new DemoCluster(network, builder, history.Count > 0 ? history[^1] : genesis);
        try
        {
            // The producer's store is the builder's block store, so what the builder writes the producer can serve.
            DemoNode producer = DemoNode.Create(network, ProducerName, genesis, builder.GenesisState, builder.Store);
            cluster._nodes.Add(producer);
            await producer.AdoptAsync(builder, history, cancellationToken).ConfigureAwait(false);
            for (int i = 1; i < nodes; i++)
            {
                cluster._nodes.Add(DemoNode.Create(network, string.Create(CultureInfo.InvariantCulture, $"node-{i}"), genesis, builder.GenesisState));
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Starts every node, then connects every pair: each connection starts a hello both ways.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (DemoNode node in _nodes)
        {
            await node.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        // A full mesh: followers greet each other too, so their exchange clients see peers that are behind, as on a real network.
        for (int i = 0; i < _nodes.Count; i++)
        {
            for (int j = i + 1; j < _nodes.Count; j++)
            {
                _network.Connect(_nodes[i].Host, _nodes[j].Host);
            }
        }
    }

    /// <summary>
    /// Mines one tipset on the producer's chain and submits its block there: the producer syncs it and then
    /// publishes it on the block topic.
    /// </summary>
    /// <returns>Null when the block was taken, or why the producer refused its own block.</returns>
    public async Task<string?> ProduceAsync(CancellationToken cancellationToken)
    {
        TipSet next = _builder.AddTipSet(_tip, MinedSpec);
        FullBlock block = _builder.GetFullTipSet(next).Blocks[0];
        SubmitResult submitted = await Producer.Api.SyncSubmitBlockAsync(
            BlockMsg.Create(block.Header, block.BlsMessages.Select(m => m.Cid), block.SecpkMessages.Select(m => m.Cid)),
            cancellationToken).ConfigureAwait(false);
        if (!submitted.Accepted)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the producer refused its own block at height {next.Height}: {submitted.Reason}");
        }

        _tip = next;
        return null;
    }

    /// <summary>Stops every node (followers first), then the network.</summary>
    public async ValueTask DisposeAsync()
    {
        for (int i = _nodes.Count - 1; i >= 0; i--)
        {
            await _nodes[i].DisposeAsync().ConfigureAwait(false);
        }

        await _network.DisposeAsync().ConfigureAwait(false);
    }
}
