using System.Collections.Immutable;
using System.Numerics;
using Venus.ChainSync.Exchange;
using Venus.ChainSync.Hello;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Cbor;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Fuzz.Seeds;

/// <summary>
/// Seeds written by the library itself over a small chain from <see cref="ChainBuilder"/> (tipsets of one to three
/// blocks, BLS and secp messages, a message shared by the blocks of a tipset, a null round): objects of every
/// type, exchange requests and responses that validate (and some that must not), greetings, and a CAR.
/// They need no files, so a clone without <c>../shared/vectors</c> still gets a corpus for every target.
/// </summary>
internal static class ChainSeeds
{
    public static async Task WriteAsync(SeedSink sink)
    {
        var store = new MemoryBlockstore();
        var builder = new ChainBuilder(store, seed: 7);
        TipSet genesis = builder.Genesis();
        TipSet first = builder.AddTipSet(genesis, blocks: 2, blsMessages: 1, secpMessages: 1, sharedMessages: 1);
        TipSet second = builder.AddTipSet(first, blocks: 1, blsMessages: 2);
        TipSet third = builder.AddTipSet(second, blocks: 3, secpMessages: 1, nullRoundsBefore: 1);
        FullTipSet[] chain = [.. new[] { third, second, first, genesis }.Select(builder.GetFullTipSet)];

        WriteObjects(chain, sink);
        WriteKeys(chain, sink);
        WriteExchange(chain, sink);
        WriteHello(builder, chain, sink);
        await WriteCarsAsync(builder, store, chain, sink);
    }

    private static void WriteObjects(FullTipSet[] chain, SeedSink sink)
    {
        FullBlock block = chain[2].Blocks[0];
        sink.Add("header", "built-first", block.Header.RawData.Span);
        sink.Add("header", "built-third", chain[0].Blocks[2].Header.RawData.Span);
        sink.Add("header", "built-genesis", chain[3].Blocks[0].Header.RawData.Span);
        sink.Add("message", "built-bls", block.BlsMessages[0].RawData.Span);
        sink.Add("message", "built-secp-inner", block.SecpkMessages[0].Message.RawData.Span);
        sink.Add("signed-message", "built-secp", block.SecpkMessages[0].RawData.Span);
        sink.Add("signed-message", "built-bls", SignedMessage.Create(block.BlsMessages[0], new Signature(SignatureType.Bls, new byte[96])).RawData.Span);
        sink.Add("msg-meta", "built", block.ComputeMessageMeta().RawData.Span);
        sink.Add("block-msg", "built", BlockMsg.Create(block.Header, block.BlsMessages.Select(m => m.Cid), block.SecpkMessages.Select(m => m.Cid)).RawData.Span);
        sink.Add("block-msg", "built-no-messages", BlockMsg.Create(chain[3].Blocks[0].Header, [], []).RawData.Span);

        sink.Add("receipt", "built-v0", MessageReceipt.Create(0, ReadOnlyMemory<byte>.Empty, 1_000, withEventsField: false).RawData.Span);
        sink.Add("receipt", "built-v1-no-events", MessageReceipt.Create(33, new byte[] { 0x82, 0x01, 0x02 }, 5_000_000).RawData.Span);
        sink.Add("receipt", "built-v1-events", MessageReceipt.Create(-1, new byte[] { 0x40 }, long.MaxValue, eventsRoot: block.Header.Cid).RawData.Span);

        foreach ((string name, byte[] bytes) in AmtSeeds.Build(block))
        {
            if (name.StartsWith("node", StringComparison.Ordinal))
            {
                sink.Add("amt-node", name, bytes);
                continue;
            }

            sink.Add("amt-collect", name, bytes);
            if (name.StartsWith("root", StringComparison.Ordinal))
            {
                // Alone, a root's nodes are missing (KeyNotFoundException), but its count is read and used first: a
                // small input with a count the fuzzer can raise is how a list sized from the count shows.
                sink.Add("amt-root", name, bytes);
            }
        }

        // The generic reader gets one of each shape too.
        sink.Add("cbor", "built-header", block.Header.RawData.Span);
        sink.Add("cbor", "built-signed", block.SecpkMessages[0].RawData.Span);
        sink.Add("cbor", "built-meta", block.ComputeMessageMeta().RawData.Span);
    }

    private static void WriteKeys(FullTipSet[] chain, SeedSink sink)
    {
        foreach ((FullTipSet tipset, int i) in chain.Select((t, i) => (t, i)))
        {
            sink.Add("tipset-key-bytes", $"built-{i}-{tipset.TipSet.Blocks.Length}-blocks", tipset.Key.ToBytes());
            sink.Add("tipset-key-cbor", $"built-{i}-{tipset.TipSet.Blocks.Length}-blocks", DagCbor.Encode(tipset.Key, static (w, k) => k.WriteAsList(w)));
        }

        sink.Add("tipset-key-cbor", "empty", [0x80]);
    }

    private static void WriteExchange(FullTipSet[] chain, SeedSink sink)
    {
        TipSetKey head = chain[0].Key;
        sink.Add("exchange-request", "built-both-3", new ExchangeRequest(head, 3, ExchangeOptions.Headers | ExchangeOptions.Messages).Encode());
        sink.Add("exchange-request", "built-headers-900", new ExchangeRequest(head, ExchangeProtocol.MaxRequestLength, ExchangeOptions.Headers).Encode());
        sink.Add("exchange-request", "built-messages-1", new ExchangeRequest(chain[1].Key, 1, ExchangeOptions.Messages).Encode());

        // The first byte is the request the target derives (see ExchangeTargets.Response): options in bits 0-1,
        // the length asked in bits 2-7 (0: as many as the response holds).
        AddResponse(sink, "both-3", 0x03, new ExchangeResponse(ExchangeStatus.Ok, "", [.. chain[..3].Select(Full)]));
        AddResponse(sink, "headers-to-genesis", 0x01, new ExchangeResponse(ExchangeStatus.Ok, "", [.. chain.Select(HeadersOnly)]));
        AddResponse(sink, "messages-only-2", 0x02, new ExchangeResponse(ExchangeStatus.Ok, "", [.. chain[..2].Select(Full)]));
        AddResponse(sink, "partial-2-of-10", (10 << 2) | 0x01, new ExchangeResponse(ExchangeStatus.Partial, "", [.. chain[..2].Select(HeadersOnly)]));
        AddResponse(sink, "short-ok-not-genesis", (10 << 2) | 0x01, new ExchangeResponse(ExchangeStatus.Ok, "", [.. chain[..2].Select(HeadersOnly)]));
        AddResponse(sink, "genesis-of-5", (5 << 2) | 0x03, new ExchangeResponse(ExchangeStatus.Ok, "", [Full(chain[3])]));
        AddResponse(sink, "not-found", 0x03, ExchangeResponse.Error(ExchangeStatus.NotFound, "not found"));
        AddResponse(sink, "go-away", 0x03, ExchangeResponse.Error(ExchangeStatus.GoAway, "busy"));
        AddResponse(sink, "internal-error", 0x03, ExchangeResponse.Error(ExchangeStatus.InternalError, "failed\nto load"));
        AddResponse(sink, "unknown-status", 0x03, ExchangeResponse.Error((ExchangeStatus)999, ""));
    }

    private static void AddResponse(SeedSink sink, string name, int control, ExchangeResponse response) =>
        sink.Add("exchange-response", "built-" + name, [(byte)control, .. response.Encode()]);

    private static TipSetBundle HeadersOnly(FullTipSet tipset) => new(tipset.TipSet.Blocks, null);

    /// <summary>A bundle as a server writes it: each message once, and per block the indexes of its messages.</summary>
    private static TipSetBundle Full(FullTipSet tipset)
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

        return new TipSetBundle(tipset.TipSet.Blocks, new CompactedMessages([.. bls], [.. blsIncludes], [.. secpk], [.. secpkIncludes]));
    }

    private static ulong IndexOf<T>(T message, Cid cid, List<T> messages, Dictionary<Cid, ulong> indexes)
    {
        if (!indexes.TryGetValue(cid, out ulong index))
        {
            index = (ulong)messages.Count;
            indexes.Add(cid, index);
            messages.Add(message);
        }

        return index;
    }

    private static void WriteHello(ChainBuilder builder, FullTipSet[] chain, SeedSink sink)
    {
        Cid genesis = chain[^1].Blocks[0].Cid;
        sink.Add("hello", "built-head", new HelloMessage(chain[0].Key, chain[0].Height, builder.WeightOf(chain[0].TipSet), genesis).Encode());
        sink.Add("hello", "built-big-weight", new HelloMessage(chain[2].Key, long.MaxValue, BigInteger.Pow(10, 40), genesis).Encode());
        sink.Add("hello", "built-genesis", new HelloMessage(chain[^1].Key, 0, BigInteger.Zero, genesis).Encode());
        sink.Add("latency", "built", new LatencyMessage(1_700_000_000_000_000_000, 1_700_000_000_000_500_000).Encode());
        sink.Add("latency", "built-extremes", new LatencyMessage(long.MinValue, long.MaxValue).Encode());
    }

    private static async Task WriteCarsAsync(ChainBuilder builder, MemoryBlockstore store, FullTipSet[] chain, SeedSink sink)
    {
        // What a chain export holds for these tipsets: headers, message metas, AMT nodes and messages.
        var blocks = new List<Block>();
        foreach (FullTipSet tipset in chain)
        {
            foreach (FullBlock block in tipset.Blocks)
            {
                blocks.Add(new Block(block.Cid, block.Header.RawData));
                MessageRoot.Compute([.. block.BlsMessages.Select(m => m.Cid)], [.. block.SecpkMessages.Select(m => m.Cid)], node => blocks.Add(new Block(node.Cid, node.Data)));
                blocks.AddRange(block.BlsMessages.Select(m => new Block(m.Cid, m.RawData)));
                blocks.AddRange(block.SecpkMessages.Select(m => new Block(m.Cid, m.RawData)));
            }
        }

        if (await store.GetAsync(builder.GenesisParent) is { } parent)
        {
            blocks.Add(new Block(builder.GenesisParent, parent));
        }

        byte[] chainCar = await CarFiles.WriteAsync(chain[0].Key.Cids, blocks.DistinctBy(b => b.Cid));
        CarFiles.AddPlainAndCompressed(sink, "built-chain", chainCar);

        // Tiny archives: an identity-hash block (its CID holds its bytes) and a sha2-256 one, under two roots.
        byte[] hello = "hello"u8.ToArray();
        var identity = new Block(Cid.Create(Multicodec.Raw, Multihash.Create(MultihashCode.Identity, hello)), hello);
        var sha256 = new Block(Cid.Create(Multicodec.Raw, Multihash.Create(MultihashCode.Sha2_256, System.Security.Cryptography.SHA256.HashData(hello))), hello);
        CarFiles.AddPlainAndCompressed(sink, "built-tiny", await CarFiles.WriteAsync([identity.Cid, sha256.Cid], [identity, sha256]));
    }
}
