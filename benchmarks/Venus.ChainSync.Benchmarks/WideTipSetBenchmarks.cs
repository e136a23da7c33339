using BenchmarkDotNet.Attributes;
using Venus.ChainSync.Exchange;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Cbor;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Benchmarks;

/// <summary>
/// What a response of wide tipsets costs the client: the hostile shapes the fuzzing run found (one tipset of 8 192
/// headers, and six of them whose head is wrong, which the validator used to find only after building all six), and the widest honest-looking chain the test
/// builder makes (900 tipsets of 15 blocks, headers only). Each row decodes the response bytes and validates them;
/// a refusal counts as done.
/// </summary>
[MemoryDiagnoser]
public class WideTipSetBenchmarks
{
    private const int HostileWidth = 8192;

    private byte[] _oneWide = [];
    private byte[] _sixWide = [];
    private byte[] _wideChain = [];
    private ExchangeRequest _oneWideRequest = null!;
    private ExchangeRequest _sixWideRequest = null!;
    private ExchangeRequest _wideChainRequest = null!;

    [GlobalSetup]
    public void Setup()
    {
        BlockHeader[] wide = WideTipSet(height: 10, TipSetKey.Create(Cid.ComputeDagCbor("parent"u8)));
        TipSetKey wideKey = TipSetKey.Create(wide.Select(b => b.Cid));
        _oneWide = Encode(new TipSetBundle([.. wide], null));
        _oneWideRequest = new ExchangeRequest(wideKey, 1, ExchangeOptions.Headers);

        // Six wide tipsets (not linked: linking them would put 8 192 parent CIDs in every header), the head asked for
        // being none of them, as the fuzzing run sent them.
        var six = new TipSetBundle[6];
        for (int i = 0; i < six.Length; i++)
        {
            six[i] = new TipSetBundle([.. WideTipSet(height: 20 - i, TipSetKey.Create(Cid.ComputeDagCbor([(byte)i])))], null);
        }

        _sixWide = Encode(six);
        _sixWideRequest = new ExchangeRequest(TipSetKey.Create(Cid.ComputeDagCbor("another head"u8)), 6, ExchangeOptions.Headers);

        var store = new MemoryBlockstore();
        var builder = new ChainBuilder(store, seed: 5);
        IReadOnlyList<TipSet> chain = builder.AddChain(builder.Genesis(), 900, new TipSetSpec(Blocks: TipSetSpec.MaxBlocks));
        _wideChain = Encode([.. chain.Reverse().Select(t => new TipSetBundle(t.Blocks, null))]);
        _wideChainRequest = new ExchangeRequest(chain[^1].Key, 900, ExchangeOptions.Headers);
        if (!DecodeAndValidate(_wideChain, _wideChainRequest))
        {
            throw new InvalidOperationException("the wide chain is not a valid answer");
        }

        Console.WriteLine($"// one wide tipset: {_oneWide.Length} bytes; six: {_sixWide.Length} bytes; 900 x {TipSetSpec.MaxBlocks}: {_wideChain.Length} bytes");
    }

    [Benchmark(Description = "hostile: 1 tipset of 8 192 headers")]
    public bool OneWideTipSet() => DecodeAndValidate(_oneWide, _oneWideRequest);

    [Benchmark(Description = "hostile: 6 tipsets of 8 192 headers, wrong head")]
    public bool SixWideTipSets() => DecodeAndValidate(_sixWide, _sixWideRequest);

    [Benchmark(Baseline = true, Description = "900 tipsets of 15 blocks, headers only")]
    public bool WideChain() => DecodeAndValidate(_wideChain, _wideChainRequest);

    private static bool DecodeAndValidate(byte[] bytes, ExchangeRequest request)
    {
        ExchangeResponse response;
        try
        {
            response = ExchangeResponse.Decode(bytes, (int)request.Length);
        }
        catch (DagCborException)
        {
            return false;
        }

        return ResponseValidator.Validate(request, response).IsValid;
    }

    private static BlockHeader[] WideTipSet(long height, TipSetKey parents)
    {
        Cid root = Cid.ComputeDagCbor("state"u8);
        Cid messages = MessageRoot.Compute([], []).Cid;
        var blocks = new BlockHeader[HostileWidth];
        for (int i = 0; i < blocks.Length; i++)
        {
            blocks[i] = BlockHeader.Create(Address.NewId(10_000 + (ulong)i), parents, height, root, root, messages, ticket: new Ticket(BitConverter.GetBytes(i)));
        }

        return [.. TipSetOrder(blocks)];
    }

    // Canonical order by the ticket hash, computed here rather than by TipSet.Create, which refuses this width now.
    private static IEnumerable<BlockHeader> TipSetOrder(BlockHeader[] blocks) => blocks
        .Select(b => (Block: b, Hash: TicketHash(b)))
        .OrderBy(x => x.Hash, ByteOrder.Instance)
        .ThenBy(x => x.Block.Cid)
        .Select(x => x.Block);

    private static byte[] TicketHash(BlockHeader block)
    {
        var hash = new byte[32];
        Primitives.Hashing.Blake2b.Hash256(block.Ticket!.Value.VrfProof.Span, hash);
        return hash;
    }

    private static byte[] Encode(params TipSetBundle[] bundles) => new ExchangeResponse(ExchangeStatus.Ok, "", [.. bundles]).Encode();

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static ByteOrder Instance { get; } = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
