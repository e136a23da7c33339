using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Amt;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Exchange;

/// <summary>Walking the chain back from the head and gathering each tipset's messages, from the store only.</summary>
public sealed partial class ChainExchangeServer
{
    /// <summary>Room kept in the response cap for the response's own head (array, status, empty message, chain length).</summary>
    private const int ResponseHeadRoom = 16;

    /// <summary>
    /// Collects the answer to a valid request. Missing data ends the walk, or at the head makes the answer
    /// InternalError (203) as Lotus and Venus answer it: their servers fail "loading tipset" (or gathering its
    /// messages) and answer every such failure with 203, never NotFound (lotus <c>chain/exchange/server.go</c>
    /// <c>processRequest</c>), so clients already take 203 as "try another peer". A failing store or stored data
    /// that does not decode throws, which the caller also answers InternalError.
    /// </summary>
    private async Task<Answer> CollectAsync(ExchangeRequest request, PeerId peer, ServerLoad.Lease lease, CancellationToken cancellationToken)
    {
        bool withHeaders = (request.Options & ExchangeOptions.Headers) != 0;
        bool withMessages = (request.Options & ExchangeOptions.Messages) != 0;
        int length = (int)request.Length;
        long budget = _options.MaxResponseBytes - ResponseHeadRoom;
        var chain = new List<TipSetBundle>(Math.Min(length, 64));
        long size = 0;
        TipSetKey key = request.Head;
        while (chain.Count < length)
        {
            bool atHead = chain.Count == 0;
            TipSet tipSet;
            CompactedMessages? messages = null;
            try
            {
                tipSet = await LoadTipSetAsync(key, atHead, cancellationToken).ConfigureAwait(false);
                if (withMessages)
                {
                    messages = await GatherMessagesAsync(tipSet, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (BlockMissingException missing)
            {
                if (atHead)
                {
                    return Answer.Error(ExchangeStatus.InternalError, missing.IsHeader ? "failed loading tipset" : "gather messages failed");
                }

                ServerLog.DataMissing(_logger, missing.Cid, peer, chain.Count);
                break;
            }
            catch (HeadRefusedException refused)
            {
                return Answer.Error(refused.Status, refused.Message);
            }

            var bundle = new TipSetBundle(withHeaders ? tipSet.Blocks : [], messages);
            long bundleSize = ResponseEncoding.MeasureBundle(bundle);
            if (size + bundleSize > budget)
            {
                if (atHead)
                {
                    ServerLog.HeadTooLarge(_logger, peer, bundleSize, _options.MaxResponseBytes);
                    return Answer.Error(ExchangeStatus.InternalError, "head tipset exceeds the response size limit");
                }

                ServerLog.ResponseCapped(_logger, peer, chain.Count, _options.MaxResponseBytes);
                break;
            }

            ServerLoad.Grant grant = lease.TryReserve(bundleSize, atHead);
            if (grant != ServerLoad.Grant.Granted)
            {
                if (atHead)
                {
                    // Only the total cap refuses a head (see ServerLoad): the server as a whole is full.
                    const string Full = "too many response bytes in flight";
                    ServerLog.LoadShed(_logger, peer, Full);
                    return Answer.Error(ExchangeStatus.GoAway, Full);
                }

                ServerLog.BytesInFlightCapped(_logger, peer, chain.Count, grant == ServerLoad.Grant.OverPeerCap ? "per-peer" : "total");
                break;
            }

            chain.Add(bundle);
            size += bundleSize;
            if (tipSet.Height == 0)
            {
                // Genesis: its parents are not headers.
                break;
            }

            key = tipSet.Parents;
        }

        // Fewer than asked is Partial even at genesis: a Lotus client refuses Ok with fewer tipsets than asked.
        return new Answer(chain.Count == length ? ExchangeStatus.Ok : ExchangeStatus.Partial, "", chain);
    }

    private async Task<TipSet> LoadTipSetAsync(TipSetKey key, bool atHead, CancellationToken cancellationToken)
    {
        var blocks = new BlockHeader[key.Cids.Length];
        for (int i = 0; i < blocks.Length; i++)
        {
            ReadOnlyMemory<byte> data = await GetRequiredAsync(key.Cids[i], isHeader: true, cancellationToken).ConfigureAwait(false);
            try
            {
                blocks[i] = BlockHeader.Decode(data);
            }
            catch (DagCborException) when (atHead)
            {
                // The peer named a block that is not a header: we cannot load such a tipset (203, as for a missing one).
                throw new HeadRefusedException(ExchangeStatus.InternalError, "failed loading tipset");
            }
        }

        try
        {
            return TipSet.Create(blocks);
        }
        catch (ArgumentException) when (atHead)
        {
            throw new HeadRefusedException(ExchangeStatus.BadRequest, "head blocks do not form a tipset");
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"stored parents {key} do not form a tipset", ex);
        }
    }

    /// <summary>
    /// The tipset's messages, each once, in order of first inclusion (blocks in tipset order, messages in block
    /// order), with each block's list as indexes into them.
    /// </summary>
    private async Task<CompactedMessages> GatherMessagesAsync(TipSet tipSet, CancellationToken cancellationToken)
    {
        int blockCount = tipSet.Blocks.Length;
        var bls = new Distinct<Message>();
        var secpk = new Distinct<SignedMessage>();
        var blsIncludes = new ImmutableArray<ulong>[blockCount];
        var secpkIncludes = new ImmutableArray<ulong>[blockCount];
        for (int b = 0; b < blockCount; b++)
        {
            Cid metaCid = tipSet.Blocks[b].Messages;
            MsgMeta meta = MsgMeta.Decode(await GetRequiredAsync(metaCid, isHeader: false, cancellationToken).ConfigureAwait(false));
            Cid[] blsCids = await ReadCidListAsync(meta.BlsMessages, cancellationToken).ConfigureAwait(false);
            Cid[] secpkCids = await ReadCidListAsync(meta.SecpkMessages, cancellationToken).ConfigureAwait(false);
            blsIncludes[b] = await IncludeAsync(bls, blsCids, static data => Message.Decode(data), cancellationToken).ConfigureAwait(false);
            secpkIncludes[b] = await IncludeAsync(secpk, secpkCids, static data => SignedMessage.Decode(data), cancellationToken).ConfigureAwait(false);
        }

        return new CompactedMessages(
            [.. bls.Items],
            ImmutableCollectionsMarshal.AsImmutableArray(blsIncludes),
            [.. secpk.Items],
            ImmutableCollectionsMarshal.AsImmutableArray(secpkIncludes));
    }

    private async Task<ImmutableArray<ulong>> IncludeAsync<T>(Distinct<T> distinct, Cid[] cids, Func<ReadOnlyMemory<byte>, T> decode, CancellationToken cancellationToken)
    {
        var indexes = new ulong[cids.Length];
        for (int i = 0; i < cids.Length; i++)
        {
            Cid cid = cids[i];
            if (!distinct.Index.TryGetValue(cid, out int at))
            {
                if (distinct.Items.Count >= ExchangeProtocol.MaxMessagesPerList)
                {
                    throw new InvalidDataException($"a stored tipset holds more than {ExchangeProtocol.MaxMessagesPerList} distinct messages of one kind");
                }

                T message = decode(await GetRequiredAsync(cid, isHeader: false, cancellationToken).ConfigureAwait(false));
                at = distinct.Items.Count;
                distinct.Items.Add(message);
                distinct.Index.Add(cid, at);
            }

            indexes[i] = (ulong)at;
        }

        return ImmutableCollectionsMarshal.AsImmutableArray(indexes);
    }

    /// <summary>The message CIDs of one AMT, in index order, at most <see cref="ExchangeProtocol.BlockMessageLimit"/>.</summary>
    private async Task<Cid[]> ReadCidListAsync(Cid root, CancellationToken cancellationToken)
    {
        AmtV0Root amt = AmtV0Root.Decode(await GetRequiredAsync(root, isHeader: false, cancellationToken).ConfigureAwait(false));
        IReadOnlyList<AmtEntry> entries;
        try
        {
            entries = await amt.CollectAsync(_store.GetAsync, ExchangeProtocol.BlockMessageLimit, cancellationToken).ConfigureAwait(false);
        }
        catch (KeyNotFoundException)
        {
            throw new BlockMissingException(root, isHeader: false);
        }

        var cids = new Cid[entries.Count];
        for (int i = 0; i < cids.Length; i++)
        {
            cids[i] = DecodeCid(entries[i].Value.Span);
        }

        return cids;
    }

    private static Cid DecodeCid(ReadOnlySpan<byte> value)
    {
        var reader = new DagCborReader(value);
        Cid cid = reader.ReadCid();
        reader.ExpectEnd();
        return cid;
    }

    private async ValueTask<ReadOnlyMemory<byte>> GetRequiredAsync(Cid cid, bool isHeader, CancellationToken cancellationToken) =>
        await _store.GetAsync(cid, cancellationToken).ConfigureAwait(false) ?? throw new BlockMissingException(cid, isHeader);

    /// <summary>What to answer: a status, its message, and the tipsets (head first).</summary>
    private sealed record Answer(ExchangeStatus Status, string Message, IReadOnlyList<TipSetBundle> Chain)
    {
        public static Answer Error(ExchangeStatus status, string message) => new(status, message, []);
    }

    /// <summary>Distinct messages of one kind in a tipset, with the index of each by CID.</summary>
    private sealed class Distinct<T>
    {
        public List<T> Items { get; } = [];

        public Dictionary<Cid, int> Index { get; } = [];
    }

    /// <summary>A block the walk needs is not in the store (an outcome of the walk, never seen outside the server).</summary>
    private sealed class BlockMissingException(Cid cid, bool isHeader) : Exception($"block {cid} is not in the store")
    {
        public Cid Cid { get; } = cid;

        public bool IsHeader { get; } = isHeader;
    }

    /// <summary>The requested head cannot be served; <see cref="Status"/> says how to answer.</summary>
    private sealed class HeadRefusedException(ExchangeStatus status, string message) : Exception(message)
    {
        public ExchangeStatus Status { get; } = status;
    }
}
