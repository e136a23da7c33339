using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.Diagnostics;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;

namespace Venus.ChainSync.Testing;

/// <summary>
/// Several nodes on one <see cref="InMemoryNetwork"/>, each running the real engine (dispatcher, tracker, syncer)
/// over the real exchange and hello protocols, all on one genesis from a <see cref="ChainBuilder"/>: for end-to-end
/// tests of catch-up, gossip, forks and faults.
/// </summary>
/// <remarks>
/// <para><b>Use.</b> Build the cluster, seed producers with chains from <see cref="Builder"/>
/// (<see cref="SeedAsync"/>), <see cref="StartAsync"/>, then <see cref="Connect(SyncTestNode, SyncTestNode)"/> nodes: hello greets each new
/// connection, greeted heads reach the dispatcher (see <see cref="SyncTestNode"/>), and the syncer fetches over the
/// exchange. <see cref="ProduceAsync"/> grows a producer's chain and hands the new tipset to the other nodes'
/// dispatchers as gossip (tests of the gossip layer itself publish on <see cref="InMemoryHost"/>'s pubsub). <see cref="SyncTestNode.WaitForHeadAsync"/> waits without polling.</para>
/// <para><b>Time.</b> Every component runs on <see cref="Time"/>. The syncer refuses blocks more than a second in the
/// future, so the clock must be past the chain's timestamps (genesis + 30 s × height by default); the default clock is
/// a <see cref="FakeTimeProvider"/> at <see cref="DefaultStart"/>, which it is for chains of millions of epochs. A
/// fake clock that is never advanced means no timeout ever fires: a peer that hangs hangs a fetch, so fault tests use
/// faults that fail fast (resets, garbage, partitions).</para>
/// <para><b>Composition.</b> Each node is built by <c>AddChainSync()</c> over the in-memory ports and run by its hosted
/// service, the path a host takes (see <see cref="SyncTestNode"/>), so these tests test what hosts run.</para>
/// <para><b>Lifetime.</b> <see cref="DisposeAsync"/> stops every node's dispatcher (every sync) first, then each node's
/// hosted services in reverse order (gossip, hello, exchange server), then the network.</para>
/// <para>Not thread-safe: drive it from the test's thread. The nodes are thread-safe.</para>
/// </remarks>
public sealed partial class SyncTestCluster : IAsyncDisposable
{
    /// <summary>Start of the default clock: 2025-01-01 UTC, after the timestamps of any chain a test builds.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly SyncTestNode[] _nodes;
    private State _state;

    /// <summary>Creates <paramref name="nodeCount"/> nodes on the genesis of <paramref name="builder"/>, each with only genesis.</summary>
    /// <param name="builder">The chain builder the test owns; its genesis is built if it was not yet.</param>
    /// <param name="nodeCount">Nodes to create, at least 1.</param>
    /// <param name="time">The clock of the network and every node; a <see cref="FakeTimeProvider"/> at <see cref="DefaultStart"/> when null.</param>
    /// <param name="options">Component options; the defaults when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="nodeCount"/> is below 1, or an option is out of range.</exception>
    public SyncTestCluster(ChainBuilder builder, int nodeCount, TimeProvider? time = null, SyncTestClusterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfLessThan(nodeCount, 1);
        options ??= new SyncTestClusterOptions();
        Builder = builder;
        Genesis = builder.Genesis();
        Time = time ?? new FakeTimeProvider(DefaultStart);
        Network = new InMemoryNetwork(Time, options.Seed);

        // The builder weighs a tipset as its parent weight plus a fixed amount per block; genesis has one block and
        // parent weight 0, so its weight is that amount, which the nodes' weigher must use too.
        var weigher = new ParentWeightWeigher((int)builder.WeightOf(Genesis));
        _nodes = new SyncTestNode[nodeCount];
        for (int i = 0; i < nodeCount; i++)
        {
            _nodes[i] = new SyncTestNode(i, Network, Genesis, builder.GenesisState, weigher, options);
        }
    }

    private enum State
    {
        Created,
        Running,
        Disposed,
    }

    /// <summary>Where every chain of this cluster is built (into its own blockstore, which no node reads).</summary>
    public ChainBuilder Builder { get; }

    /// <summary>The genesis every node starts from.</summary>
    public TipSet Genesis { get; }

    /// <summary>The clock of the network and every node.</summary>
    public TimeProvider Time { get; }

    /// <summary>The network, for faults and partitions (<see cref="InMemoryNetwork.Configure"/>, <see cref="InMemoryNetwork.Partition"/>) and extra hosts.</summary>
    public InMemoryNetwork Network { get; }

    /// <summary>The nodes, by index.</summary>
    public IReadOnlyList<SyncTestNode> Nodes => _nodes;

    /// <summary>The node with <paramref name="index"/>.</summary>
    public SyncTestNode this[int index] => _nodes[index];

    /// <summary>Creates a cluster with a builder of its own over a new <see cref="MemoryBlockstore"/>, seeded with <paramref name="seed"/>.</summary>
    public static SyncTestCluster Create(int nodeCount, int seed = 0, TimeProvider? time = null, SyncTestClusterOptions? options = null) =>
        new(new ChainBuilder(new MemoryBlockstore(), seed), nodeCount, time, options);

    /// <summary>
    /// Starts every node through its hosted services, as a host starts (exchange server, hello and the loop from hello
    /// to the dispatcher, block gossip, dispatcher). Connect nodes after this, so that hello sees the connections.
    /// </summary>
    /// <exception cref="InvalidOperationException">Already started, or disposed.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_state != State.Created)
        {
            throw new InvalidOperationException("A cluster starts once.");
        }

        _state = State.Running;
        foreach (SyncTestNode node in _nodes)
        {
            await CopyAsync(node, Builder.GetFullTipSet(Genesis), cancellationToken).ConfigureAwait(false);
            await node.StartAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Connects two nodes; both greet each other over hello.</summary>
    /// <exception cref="InvalidOperationException">The cluster is not running, or a partition separates the nodes.</exception>
    public void Connect(SyncTestNode a, SyncTestNode b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ThrowUnlessRunning();
        Network.Connect(a.Host, b.Host);
    }

    /// <summary>Connects two nodes by index.</summary>
    public void Connect(int a, int b) => Connect(_nodes[a], _nodes[b]);

    /// <summary>Connects every pair of nodes, lower index dialling.</summary>
    /// <exception cref="InvalidOperationException">The cluster is not running.</exception>
    public void ConnectAll()
    {
        ThrowUnlessRunning();
        for (int a = 0; a < _nodes.Length; a++)
        {
            for (int b = a + 1; b < _nodes.Length; b++)
            {
                Network.Connect(_nodes[a].Host, _nodes[b].Host);
            }
        }
    }

    /// <summary>Disconnects two nodes (both see it; hello takes each out of the other's exchange candidates).</summary>
    public void Disconnect(SyncTestNode a, SyncTestNode b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        Network.Disconnect(a.PeerId, b.PeerId);
    }

    /// <summary>Waits until <paramref name="node"/>'s head is <paramref name="key"/> (see <see cref="SyncTestNode.WaitForHeadAsync"/>).</summary>
    public Task WaitForHeadAsync(SyncTestNode node, TipSetKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        ObjectDisposedException.ThrowIf(_state == State.Disposed, this);
        return node.WaitForHeadAsync(key, cancellationToken);
    }

    /// <summary>
    /// Stops every node's syncs, then every node's hosted services (see the remarks of the class), then the network.
    /// Later calls do nothing.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_state == State.Disposed)
        {
            return;
        }

        bool started = _state == State.Running;
        _state = State.Disposed;
        if (started)
        {
            // Every node's syncs first, so no node fetches from a server that is already gone.
            foreach (SyncTestNode node in _nodes)
            {
                await node.StopSyncsAsync().ConfigureAwait(false);
            }
        }

        foreach (SyncTestNode node in _nodes)
        {
            await node.StopAsync().ConfigureAwait(false);
        }

        await Network.DisposeAsync().ConfigureAwait(false);
    }

    private void ThrowUnlessRunning()
    {
        if (_state != State.Running)
        {
            throw new InvalidOperationException(_state == State.Created ? "Start the cluster first: hello only greets connections made while it runs." : "The cluster is disposed.");
        }
    }
}
