using System.Collections.Immutable;
using System.Numerics;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Exchange.Tests.Client;

/// <summary>
/// A small linked chain built with the Primitives factories: genesis (one block) and then tipsets of 1–3 blocks,
/// heights rising by 1 or 2 (null rounds), blocks with BLS and secp messages, some BLS messages shared by every
/// block of a tipset, each header's message root computed over its messages. Deterministic for a seed.
/// </summary>
internal sealed class TestChain
{
    private readonly Dictionary<TipSetKey, int> _index = [];

    private TestChain(IReadOnlyList<FullTipSet> tipsets)
    {
        Tipsets = tipsets;
        for (int i = 0; i < tipsets.Count; i++)
        {
            _index[tipsets[i].Key] = i;
        }
    }

    /// <summary>The tipsets, genesis first (index 0); <see cref="Head"/> is the last.</summary>
    public IReadOnlyList<FullTipSet> Tipsets { get; }

    public FullTipSet Head => Tipsets[^1];

    public FullTipSet Genesis => Tipsets[0];

    public static TestChain Build(int length, int seed = 1, bool withMessages = true, bool nullRounds = true)
    {
        var random = new Random(seed);
        ulong nonce = 0;
        var tipsets = new List<FullTipSet>(length);
        Cid stateRoot = Cid.ComputeDagCbor([0x80]);
        Cid receipts = Cid.ComputeDagCbor([0xa0]);
        TipSetKey parents = TipSetKey.Empty;
        long height = 0;
        for (int t = 0; t < length; t++)
        {
            int blockCount = t == 0 ? 1 : random.Next(1, 4);
            Message[] shared = withMessages && random.Next(2) == 0 ? [NewMessage(nonce++)] : [];
            var blocks = new FullBlock[blockCount];
            for (int b = 0; b < blockCount; b++)
            {
                Message[] bls = withMessages ? [.. shared, .. Enumerable.Range(0, random.Next(3)).Select(_ => NewMessage(nonce++))] : [];
                SignedMessage[] secpk = withMessages ? [.. Enumerable.Range(0, random.Next(3)).Select(_ => NewSigned(nonce++, random))] : [];
                MsgMeta meta = MessageRoot.Compute([.. bls.Select(m => m.Cid)], [.. secpk.Select(m => m.Cid)]);
                byte[] vrf = new byte[32];
                random.NextBytes(vrf);
                BlockHeader header = BlockHeader.Create(
                    Address.NewId(1000 + (ulong)b),
                    parents,
                    height,
                    stateRoot,
                    receipts,
                    meta.Cid,
                    parentWeight: new BigInteger(height * 10),
                    ticket: new Ticket(vrf),
                    timestamp: 1_700_000_000 + ((ulong)height * 30));
                blocks[b] = new FullBlock(header, bls, secpk);
            }

            FullTipSet tipset = FullTipSet.Create(blocks);
            tipsets.Add(tipset);
            parents = tipset.Key;
            height += nullRounds && random.Next(4) == 0 ? 2 : 1;
        }

        return new TestChain(tipsets);
    }

    public int IndexOf(TipSetKey key) => _index.TryGetValue(key, out int i) ? i : -1;

    /// <summary>The tipsets from index <paramref name="headIndex"/> backwards, head first.</summary>
    public IReadOnlyList<FullTipSet> Segment(int headIndex, int length) =>
        [.. Enumerable.Range(0, length).Select(i => Tipsets[headIndex - i])];

    public IReadOnlyList<TipSet> Headers(int headIndex, int length) => [.. Segment(headIndex, length).Select(f => f.TipSet)];

    /// <summary>What an honest Lotus server answers: walk back from the head until the length, genesis, or the cap.</summary>
    public ExchangeResponse Respond(ExchangeRequest request, int? cap = null)
    {
        int index = IndexOf(request.Head);
        if (index < 0)
        {
            return ExchangeResponse.Error(ExchangeStatus.NotFound, "not found");
        }

        var bundles = new List<TipSetBundle>();
        for (int i = index; i >= 0 && (ulong)bundles.Count < request.Length && (cap is null || bundles.Count < cap); i--)
        {
            bundles.Add(Bundle(Tipsets[i], request.Options));
        }

        ExchangeStatus status = (ulong)bundles.Count < request.Length ? ExchangeStatus.Partial : ExchangeStatus.Ok;
        return new ExchangeResponse(status, "", [.. bundles]);
    }

    public static TipSetBundle Bundle(FullTipSet tipset, ExchangeOptions options) => new(
        options.HasFlag(ExchangeOptions.Headers) ? tipset.TipSet.Blocks : [],
        options.HasFlag(ExchangeOptions.Messages) ? Compact(tipset) : null);

    /// <summary>A tipset's messages, each once, with per-block include lists in canonical block order (as Lotus gathers them).</summary>
    public static CompactedMessages Compact(FullTipSet tipset)
    {
        var bls = new List<Message>();
        var secpk = new List<SignedMessage>();
        var blsIndex = new Dictionary<Cid, ulong>();
        var secpkIndex = new Dictionary<Cid, ulong>();
        var blsIncludes = new List<ImmutableArray<ulong>>();
        var secpkIncludes = new List<ImmutableArray<ulong>>();
        foreach (FullBlock block in tipset.Blocks)
        {
            blsIncludes.Add([.. block.BlsMessages.Select(m => IndexOf(m, m.Cid, bls, blsIndex))]);
            secpkIncludes.Add([.. block.SecpkMessages.Select(m => IndexOf(m, m.Cid, secpk, secpkIndex))]);
        }

        return new CompactedMessages([.. bls], [.. blsIncludes], [.. secpk], [.. secpkIncludes]);

        static ulong IndexOf<T>(T message, Cid cid, List<T> list, Dictionary<Cid, ulong> index)
        {
            if (!index.TryGetValue(cid, out ulong i))
            {
                i = (ulong)list.Count;
                list.Add(message);
                index[cid] = i;
            }

            return i;
        }
    }

    public static Message NewMessage(ulong nonce) =>
        Message.Create(Address.NewId(102), Address.NewId(101), nonce, new TokenAmount(1000 + nonce), gasLimit: 1_000_000, method: nonce % 3);

    public static SignedMessage NewSigned(ulong nonce, Random random)
    {
        Message message = Message.Create(Address.NewId(202), Address.NewId(201), nonce, new TokenAmount(5000 + nonce), gasLimit: 2_000_000, method: 2);
        byte[] signature = new byte[65];
        random.NextBytes(signature);
        return SignedMessage.Create(message, new Signature(SignatureType.Secp256k1, signature));
    }
}
