using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Cli.Tests.TestSupport;

/// <summary>
/// A three-header chain, genesis (height 0) ← 1 ← 2, with real messages:
/// <list type="bullet">
/// <item>genesis: no messages; its parent is a CID whose block is in the archive but is not a header, as on mainnet;</item>
/// <item>height 1: 10 BLS messages (an AMT of height 1 with two leaf nodes) and 2 secp messages;</item>
/// <item>height 2 (the root): no BLS messages and 3 secp messages.</item>
/// </list>
/// </summary>
internal sealed class SyntheticChain
{
    public const int BlsCount = 10;
    public const int SecpCountAtHeight1 = 2;
    public const int SecpCountAtHeight2 = 3;
    public const ulong GenesisTimestamp = 1_700_000_000;

    private SyntheticChain(ChainCarBuilder builder)
    {
        Builder = builder;

        // The genesis parent: a valid block that is not a header. Following it would produce an error line.
        byte[] notAHeader = [0xa1, 0x61, 0x61, 0x01]; // {"a": 1}
        GenesisParent = Cid.ComputeDagCbor(notAHeader);
        builder.Add(GenesisParent, notAHeader);

        GenesisMeta = builder.AddMessages([], []);
        Genesis = builder.AddHeader(0, [GenesisParent], GenesisMeta.Cid, GenesisTimestamp, Address.NewId(0));

        BlsMessages = [.. Enumerable.Range(0, BlsCount).Select(i => ChainCarBuilder.NewMessage((ulong)i, 1000 + (ulong)i, method: (ulong)(i % 3)))];
        SecpAtHeight1 = [.. Enumerable.Range(0, SecpCountAtHeight1).Select(i => ChainCarBuilder.NewSignedMessage((ulong)i, 5000 + (ulong)i, method: 2))];
        Meta1 = builder.AddMessages(BlsMessages, SecpAtHeight1);
        Header1 = builder.AddHeader(1, [Genesis.Cid], Meta1.Cid, GenesisTimestamp + 30);

        SecpAtHeight2 = [.. Enumerable.Range(0, SecpCountAtHeight2).Select(i => ChainCarBuilder.NewSignedMessage((ulong)(SecpCountAtHeight1 + i), 7000 + (ulong)i, method: 0))];
        Meta2 = builder.AddMessages([], SecpAtHeight2);
        Header2 = builder.AddHeader(2, [Header1.Cid], Meta2.Cid, GenesisTimestamp + 60);
    }

    public ChainCarBuilder Builder { get; }

    public Cid GenesisParent { get; }

    public MsgMeta GenesisMeta { get; }

    public BlockHeader Genesis { get; }

    public IReadOnlyList<Message> BlsMessages { get; }

    public IReadOnlyList<SignedMessage> SecpAtHeight1 { get; }

    public MsgMeta Meta1 { get; }

    public BlockHeader Header1 { get; }

    public IReadOnlyList<SignedMessage> SecpAtHeight2 { get; }

    public MsgMeta Meta2 { get; }

    public BlockHeader Header2 { get; }

    public static SyntheticChain Build() => new(new ChainCarBuilder());

    /// <summary>Writes the chain as a CAR rooted at the height-2 header.</summary>
    public Task<string> WriteAsync(string path) => Builder.WriteAsync(path, Header2.Cid);
}
