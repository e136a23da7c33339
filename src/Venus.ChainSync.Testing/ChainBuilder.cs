using System.Numerics;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Amt;
using Venus.ChainSync.Primitives.Cbor;
using Venus.ChainSync.Primitives.Storage;

namespace Venus.ChainSync.Testing;

/// <summary>
/// Builds valid Filecoin chains into an <see cref="IBlockstore"/>, deterministically from a seed: genesis, tipsets
/// of several blocks, null rounds, BLS and secp messages, and messages shared by the blocks of a tipset.
/// </summary>
/// <remarks>
/// <para>What is written for every block: its header under its CID; its <see cref="MsgMeta"/> and the nodes of both
/// message AMTs (from <see cref="MessageRoot.Compute"/>); each BLS message as <see cref="Message.RawData"/> under
/// <see cref="Message.Cid"/>, each secp message as <see cref="SignedMessage.RawData"/> under
/// <see cref="SignedMessage.Cid"/>. The genesis parent is a small DAG-CBOR block that is stored but is not a header,
/// as on mainnet, so a walk that does not stop at height 0 fails.</para>
/// <para>What holds for every tipset: all blocks share the parents, height, parent weight and parent state root;
/// tickets are distinct random bytes; heights grow by one plus the null rounds asked for; the parent weight is the
/// parent's weight (<see cref="WeightOf"/>); timestamps are genesis + block delay × height. Signatures and proofs
/// are random bytes of the right shape, not valid cryptography.</para>
/// <para>State roots verify against <see cref="TestTipSetExecutor"/>: genesis names
/// <see cref="ChainBuilderOptions.GenesisState"/> as its parent state and, as in Lotus, produces that same state;
/// every other tipset's blocks name as <see cref="BlockHeader.ParentStateRoot"/> and
/// <see cref="BlockHeader.ParentMessageReceipts"/> what <see cref="TestTipSetExecutor.Compute"/> gives for their parent
/// (<see cref="StateOf(TipSet)"/>).</para>
/// <para>Tipsets can be named and looked up by name (<see cref="AddChain(TipSet, int, TipSetSpec?, string?)"/>,
/// <see cref="this[string]"/>), and a tipset can carry a planted fault (<see cref="TipSetSpec.Fault"/>,
/// <see cref="TipSetFault"/>); what holds above is true of every tipset except for what its fault breaks.</para>
/// <para>The same seed and the same calls give byte-identical chains. Writes must complete synchronously, as
/// <see cref="MemoryBlockstore"/>'s do; a store whose writes go asynchronous is refused. Not thread-safe: build the
/// chain, then share the store.</para>
/// </remarks>
public sealed partial class ChainBuilder
{
    private const int VrfProofBytes = 96;
    private const int BlsSignatureBytes = 96;
    private const int SecpSignatureBytes = 65;

    private readonly Random _random;
    private readonly ChainBuilderOptions _options;
    private readonly Dictionary<TipSetKey, FullTipSet> _full = [];
    private readonly Dictionary<TipSetKey, TipSetState> _states = [];
    private TipSet? _genesis;
    private ulong _nextNonce;

    /// <summary>Creates a builder that writes into <paramref name="store"/>, drawing every random byte from <paramref name="seed"/>.</summary>
    public ChainBuilder(IBlockstore store, int seed = 0, ChainBuilderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        Store = store;
        _options = options ?? new ChainBuilderOptions();
        _options.Validate();
        _random = new Random(seed);
    }

    /// <summary>The store every block is written to.</summary>
    public IBlockstore Store { get; }

    /// <summary>The genesis parent: a stored DAG-CBOR block that is not a header.</summary>
    public Cid GenesisParent { get; private set; }

    /// <summary>
    /// The state genesis names and produces (set by <see cref="Genesis"/>): <see cref="ChainBuilderOptions.GenesisState"/>,
    /// or by default roots derived from <see cref="GenesisParent"/>.
    /// </summary>
    public TipSetState GenesisState { get; private set; }

    /// <summary>The weight of <paramref name="tipSet"/> by this builder's rule: parent weight plus <see cref="ChainBuilderOptions.WeightPerBlock"/> per block.</summary>
    public BigInteger WeightOf(TipSet tipSet)
    {
        ArgumentNullException.ThrowIfNull(tipSet);
        return tipSet.ParentWeight + ((BigInteger)_options.WeightPerBlock * tipSet.Blocks.Length);
    }

    /// <summary>Builds genesis (height 0, one block, no messages) on the first call; later calls return the same tipset.</summary>
    public TipSet Genesis()
    {
        if (_genesis is not null)
        {
            return _genesis;
        }

        // Any stored non-header block will do; mainnet's genesis parent is likewise a block that is not a header.
        byte[] notAHeader = DagCbor.Encode("venus chain builder genesis parent", static (w, s) => w.WriteTextString(s));
        GenesisParent = Cid.ComputeDagCbor(notAHeader);
        Put(GenesisParent, notAHeader);

        GenesisState = _options.GenesisState ?? new TipSetState(DerivedCid("state", GenesisParent), DerivedCid("receipts", GenesisParent));
        BlockHeader header = BuildHeader(
            TipSetKey.Create(GenesisParent),
            height: 0,
            parentWeight: BigInteger.Zero,
            parentState: GenesisState,
            minerId: 0,
            messages: StoreMessages([], []).Cid,
            timestamp: TimestampAt(0, 0));
        var full = FullTipSet.Create([new FullBlock(header, [], [])]);
        _full.Add(full.Key, full);

        // As in Lotus, genesis is not executed: its state is the one it names.
        _states.Add(full.Key, GenesisState);
        _genesis = full.TipSet;
        return _genesis;
    }

    /// <summary>Builds one tipset on <paramref name="parent"/>.</summary>
    /// <param name="parent">A tipset built by this builder.</param>
    /// <param name="blocks">Blocks in the tipset (1 to <see cref="TipSetSpec.MaxBlocks"/>).</param>
    /// <param name="blsMessages">BLS messages of each block's own.</param>
    /// <param name="secpMessages">Secp messages of each block's own.</param>
    /// <param name="nullRoundsBefore">Epochs skipped between the parent and this tipset.</param>
    /// <param name="sharedMessages">BLS and secp messages (this many of each) that every block includes.</param>
    public TipSet AddTipSet(TipSet parent, int blocks = 1, int blsMessages = 0, int secpMessages = 0, int nullRoundsBefore = 0, int sharedMessages = 0) =>
        AddTipSet(parent, new TipSetSpec(blocks, blsMessages, secpMessages, sharedMessages, nullRoundsBefore));

    /// <summary>Builds one tipset of shape <paramref name="spec"/> on <paramref name="parent"/>, with the fault the spec plants if any.</summary>
    /// <param name="parent">A tipset built by this builder.</param>
    /// <param name="spec">The shape, and optionally a <see cref="TipSetSpec.Fault"/>.</param>
    /// <param name="name">A name to look the tipset up by (<see cref="this[string]"/>), or <c>null</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="parent"/> was not built by this builder, or <paramref name="name"/> is taken.</exception>
    public TipSet AddTipSet(TipSet parent, TipSetSpec spec, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        if (!_full.ContainsKey(parent.Key))
        {
            throw new ArgumentException("The parent was not built by this builder.", nameof(parent));
        }

        if (name is not null)
        {
            EnsureNameFree(name);
        }

        TipSet built = Build(parent, spec);
        if (name is not null)
        {
            _names.Add(name, built);
        }

        return built;
    }

    private TipSet Build(TipSet parent, TipSetSpec spec)
    {
        long height = parent.Height + 1 + spec.NullRoundsBefore;
        BigInteger parentWeight = WeightOf(parent);
        TipSetState parentState = StateOf(parent.Key);
        if (spec.Fault is TipSetFault.ParentStateRootFault)
        {
            parentState = WrongState(parentState);
        }

        ulong timestamp = TimestampAt(height, spec.Fault is TipSetFault.TimestampFault t ? t.Seconds : 0);
        Message[] sharedBls = [.. Enumerable.Range(0, spec.SharedMessages).Select(_ => NewBlsMessage())];
        SignedMessage[] sharedSecp = [.. Enumerable.Range(0, spec.SharedMessages).Select(_ => NewSecpMessage())];

        bool wrongMessageRoot = spec.Fault is TipSetFault.MessageRootFault;
        var blocks = new FullBlock[spec.Blocks];
        var served = new FullBlock[spec.Blocks];
        for (int b = 0; b < spec.Blocks; b++)
        {
            List<Message> bls = [.. Enumerable.Range(0, spec.BlsMessages).Select(_ => NewBlsMessage())];
            List<SignedMessage> secp = [.. Enumerable.Range(0, spec.SecpMessages).Select(_ => NewSecpMessage())];
            InsertShared(bls, sharedBls);
            InsertShared(secp, sharedSecp);
            MsgMeta meta = StoreMessages(bls, secp);

            // Double mining: the last block is by the first block's miner; the tickets still differ, so the blocks do.
            int miner = spec.Fault is TipSetFault.DoubleMiningFault && b == spec.Blocks - 1 ? 0 : b;
            BlockHeader header = BuildHeader(parent.Key, height, parentWeight, parentState, minerId: spec.FirstMiner + (ulong)miner, meta.Cid, timestamp);
            blocks[b] = new FullBlock(header, bls, secp);
            served[b] = wrongMessageRoot ? WithExtraMessage(blocks[b]) : blocks[b];
        }

        var full = FullTipSet.Create(blocks);
        _full.Add(full.Key, full);
        if (wrongMessageRoot)
        {
            _served.Add(full.Key, [.. full.TipSet.Blocks.Select(h => served.Single(b => b.Cid == h.Cid))]);
        }

        return full.TipSet;
    }

    /// <summary>Builds <paramref name="count"/> tipsets in a line on <paramref name="parent"/>, all of shape <paramref name="spec"/> (one block, no messages by default).</summary>
    /// <param name="parent">A tipset built by this builder.</param>
    /// <param name="count">How many tipsets to build.</param>
    /// <param name="spec">The shape of each (a fault in it is planted in each).</param>
    /// <param name="name">Names the chain: see <see cref="AddChain(TipSet, int, Func{int, TipSetSpec}, string?)"/>.</param>
    /// <returns>The new tipsets, oldest (the parent's child) first.</returns>
    public IReadOnlyList<TipSet> AddChain(TipSet parent, int count, TipSetSpec? spec = null, string? name = null)
    {
        TipSetSpec shape = spec ?? new TipSetSpec();
        return AddChain(parent, count, _ => shape, name);
    }

    /// <summary>Builds <paramref name="count"/> tipsets in a line on <paramref name="parent"/>; the i-th (from 0) has shape <paramref name="specFor"/>(i).</summary>
    /// <param name="parent">A tipset built by this builder.</param>
    /// <param name="count">How many tipsets to build.</param>
    /// <param name="specFor">The shape of the i-th new tipset, i from 0.</param>
    /// <param name="name">
    /// When not <c>null</c>, names <c>name@k</c> the tipset k steps above <paramref name="parent"/> for k from 0
    /// (<paramref name="parent"/> itself) to <paramref name="count"/>, and <c>name</c> the tip (the same as
    /// <c>name@count</c>). So <c>"main@40"</c> is <c>AddChain(...)[39]</c>, at height 40 on genesis without null rounds.
    /// </param>
    /// <returns>The new tipsets, oldest (the parent's child) first.</returns>
    /// <exception cref="ArgumentException"><paramref name="parent"/> was not built here, or one of the names is taken (then nothing is built).</exception>
    public IReadOnlyList<TipSet> AddChain(TipSet parent, int count, Func<int, TipSetSpec> specFor, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(specFor);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (name is not null)
        {
            EnsureNameFree(name);
            for (int k = 0; k <= count; k++)
            {
                EnsureNameFree(StepName(name, k));
            }
        }

        var chain = new List<TipSet>(count);
        TipSet tip = parent;
        for (int i = 0; i < count; i++)
        {
            tip = AddTipSet(tip, specFor(i));
            chain.Add(tip);
        }

        if (name is not null)
        {
            _names.Add(name, tip);
            _names.Add(StepName(name, 0), parent);
            for (int i = 0; i < count; i++)
            {
                _names.Add(StepName(name, i + 1), chain[i]);
            }
        }

        return chain;
    }

    /// <summary>
    /// The tipset with its true messages per block, in tipset order (for a tipset built with
    /// <see cref="TipSetFault.WrongMessageRoot"/>, what its headers commit to, not what it is served with: see
    /// <see cref="GetServedBlocks"/>).
    /// </summary>
    /// <exception cref="KeyNotFoundException">No tipset with that key was built here.</exception>
    public FullTipSet GetFullTipSet(TipSetKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _full.TryGetValue(key, out FullTipSet? full) ? full : throw new KeyNotFoundException($"No tipset {key} was built here.");
    }

    /// <summary>The tipset with its true messages per block, in tipset order (see <see cref="GetFullTipSet(TipSetKey)"/>).</summary>
    public FullTipSet GetFullTipSet(TipSet tipSet)
    {
        ArgumentNullException.ThrowIfNull(tipSet);
        return GetFullTipSet(tipSet.Key);
    }

    /// <summary>
    /// The state <paramref name="tipSet"/> produces by <see cref="TestTipSetExecutor.Compute"/> (genesis: its own
    /// <see cref="GenesisState"/>): what its children's blocks name as their parent state. It is computed from the
    /// parent state the tipset's blocks name (for <see cref="TipSetFault.WrongParentStateRoot"/>, the wrong one) and
    /// its true messages (<see cref="GetFullTipSet(TipSetKey)"/>).
    /// </summary>
    /// <exception cref="KeyNotFoundException">The tipset was not built here.</exception>
    public TipSetState StateOf(TipSet tipSet)
    {
        ArgumentNullException.ThrowIfNull(tipSet);
        return StateOf(tipSet.Key);
    }

    /// <summary>The state the tipset with <paramref name="key"/> produces (see <see cref="StateOf(TipSet)"/>).</summary>
    /// <exception cref="KeyNotFoundException">No tipset with that key was built here.</exception>
    public TipSetState StateOf(TipSetKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_states.TryGetValue(key, out TipSetState state))
        {
            return state;
        }

        // Computed when first asked for (a child is built, or a test asks), so tips that stay leaves cost nothing.
        FullTipSet full = GetFullTipSet(key);
        BlockHeader first = full.TipSet.Blocks[0];
        state = TestTipSetExecutor.Compute(full, new TipSetState(first.ParentStateRoot, first.ParentMessageReceipts));
        _states.Add(key, state);
        return state;
    }

    /// <summary>The tipset with its messages per block, if it was built here.</summary>
    public bool TryGetFullTipSet(TipSetKey key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out FullTipSet? fullTipSet)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _full.TryGetValue(key, out fullTipSet);
    }

    /// <summary>The timestamp of every block at <paramref name="height"/> on this builder's grid: genesis + block delay × height.</summary>
    public DateTimeOffset TimeOfHeight(long height)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        return DateTimeOffset.FromUnixTimeSeconds(checked((long)TimestampAt(height, 0)));
    }

    private ulong TimestampAt(long height, long offset)
    {
        ulong onGrid = _options.GenesisTimestamp + (_options.BlockDelaySeconds * (ulong)height);
        if (offset < 0 && (ulong)(-offset) > onGrid)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), "The timestamp offset would go before 1970.");
        }

        return offset < 0 ? onGrid - (ulong)(-offset) : onGrid + (ulong)offset;
    }

    private BlockHeader BuildHeader(TipSetKey parents, long height, BigInteger parentWeight, TipSetState parentState, ulong minerId, Cid messages, ulong timestamp) =>
        StoreHeader(BlockHeader.Create(
            miner: Address.NewId(minerId),
            parents: parents,
            height: height,
            parentStateRoot: parentState.StateRoot,
            parentMessageReceipts: parentState.ReceiptsRoot,
            messages: messages,
            parentWeight: parentWeight,
            ticket: new Ticket(RandomBytes(VrfProofBytes)),
            electionProof: new ElectionProof(1, RandomBytes(VrfProofBytes)),
            beaconEntries: [new BeaconEntry((ulong)height + 1, RandomBytes(BlsSignatureBytes))],
            winPoStProof: [new PoStProof(3, RandomBytes(192))],
            blsAggregate: new Signature(SignatureType.Bls, RandomBytes(BlsSignatureBytes)),
            timestamp: timestamp,
            blockSig: new Signature(SignatureType.Bls, RandomBytes(BlsSignatureBytes)),
            parentBaseFee: new TokenAmount(100)));

    private BlockHeader StoreHeader(BlockHeader header)
    {
        Put(header.Cid, header.RawData);
        return header;
    }

    private MsgMeta StoreMessages(IReadOnlyList<Message> bls, IReadOnlyList<SignedMessage> secp)
    {
        foreach (Message message in bls)
        {
            Put(message.Cid, message.RawData);
        }

        foreach (SignedMessage message in secp)
        {
            Put(message.Cid, message.RawData);
        }

        return MessageRoot.Compute([.. bls.Select(m => m.Cid)], [.. secp.Select(m => m.Cid)], PutNode);
    }

    private void PutNode(AmtNodeBlock node) => Put(node.Cid, node.Data);

    private void Put(Cid cid, ReadOnlyMemory<byte> data)
    {
        ValueTask put = Store.PutAsync(cid, data);
        if (!put.IsCompleted)
        {
            _ = put.AsTask();
            throw new InvalidOperationException("ChainBuilder needs a store whose writes complete synchronously, such as MemoryBlockstore.");
        }

        // Completed: observe the result, so a failed write throws here.
        put.GetAwaiter().GetResult();
    }

    private Message NewBlsMessage() => NewMessage(Address.NewBls(RandomBytes(Address.BlsPublicKeyLength)));

    private SignedMessage NewSecpMessage()
    {
        Message message = NewMessage(Address.NewSecp256k1(RandomBytes(Address.PayloadHashLength)));
        return SignedMessage.Create(message, new Signature(SignatureType.Secp256k1, RandomBytes(SecpSignatureBytes)));
    }

    private Message NewMessage(Address from) =>
        Message.Create(
            to: Address.NewId((ulong)_random.Next(100, 100_000)),
            from: from,
            nonce: _nextNonce++,
            value: new TokenAmount(_random.Next(0, 1_000_000)),
            gasLimit: _random.Next(1_000_000, 10_000_000),
            gasFeeCap: new TokenAmount(_random.Next(100, 10_000)),
            gasPremium: new TokenAmount(_random.Next(1, 100)),
            method: (ulong)_random.Next(0, 5),
            parameters: RandomBytes(_options.MessageParamsBytes));

    /// <summary>Inserts the shared messages into a block's own list, keeping their order, at random positions.</summary>
    private void InsertShared<T>(List<T> own, IReadOnlyList<T> shared)
    {
        int earliest = 0;
        foreach (T message in shared)
        {
            int at = _random.Next(earliest, own.Count + 1);
            own.Insert(at, message);
            earliest = at + 1;
        }
    }

    private byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        _random.NextBytes(bytes);
        return bytes;
    }

    private static Cid DerivedCid(string purpose, Cid seed) =>
        Cid.ComputeDagCbor(DagCbor.Encode((purpose, seed), static (w, s) =>
        {
            w.WriteArrayHeader(2);
            w.WriteTextString(s.purpose);
            w.WriteCid(s.seed);
        }));
}
