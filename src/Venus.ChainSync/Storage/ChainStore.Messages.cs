using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Amt;
using Venus.ChainSync.Primitives.Cbor;
using Venus.ChainSync.Primitives.Storage;

namespace Venus.ChainSync;

/// <summary>Messages as blocks: each message, each block's message meta and the nodes of its two AMTs.</summary>
public sealed partial class ChainStore
{
    /// <inheritdoc/>
    /// <remarks>
    /// Puts every message, then each block's <see cref="MsgMeta"/> and the nodes of both AMTs exactly as the header's
    /// <see cref="BlockHeader.Messages"/> root names them, in one <see cref="IBlockstore.PutManyAsync"/>: what the
    /// exchange server walks to answer a messages request.
    /// </remarks>
    public async ValueTask PutMessagesAsync(FullTipSet tipSet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tipSet);
        var blocks = new List<Block>();
        foreach (FullBlock block in tipSet.Blocks)
        {
            foreach (Message message in block.BlsMessages)
            {
                blocks.Add(new Block(message.Cid, message.RawData));
            }

            foreach (SignedMessage message in block.SecpkMessages)
            {
                blocks.Add(new Block(message.Cid, message.RawData));
            }

            MessageRoot.Compute(
                [.. block.BlsMessages.Select(m => m.Cid)],
                [.. block.SecpkMessages.Select(m => m.Cid)],
                node => blocks.Add(new Block(node.Cid, node.Data)));
        }

        await Blockstore.PutManyAsync(blocks, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<FullTipSet?> GetFullTipSetAsync(TipSetKey key, CancellationToken cancellationToken)
    {
        TipSet? tipSet = await GetTipSetAsync(key, cancellationToken).ConfigureAwait(false);
        if (tipSet is null)
        {
            return null;
        }

        var blocks = new FullBlock[tipSet.Blocks.Length];
        for (int i = 0; i < blocks.Length; i++)
        {
            if (await LoadBlockAsync(tipSet.Blocks[i], cancellationToken).ConfigureAwait(false) is not { } block)
            {
                return null;
            }

            blocks[i] = block;
        }

        return FullTipSet.Create(tipSet, blocks);
    }

    private async ValueTask<FullBlock?> LoadBlockAsync(BlockHeader header, CancellationToken cancellationToken)
    {
        if (await Blockstore.GetAsync(header.Messages, cancellationToken).ConfigureAwait(false) is not { } metaData)
        {
            return null;
        }

        MsgMeta meta = MsgMeta.Decode(metaData);
        Cid[]? bls = await ReadCidsAsync(meta.BlsMessages, cancellationToken).ConfigureAwait(false);
        Cid[]? secp = await ReadCidsAsync(meta.SecpkMessages, cancellationToken).ConfigureAwait(false);
        if (bls is null || secp is null)
        {
            return null;
        }

        Message[]? blsMessages = await LoadAllAsync(bls, Message.Decode, cancellationToken).ConfigureAwait(false);
        SignedMessage[]? secpMessages = await LoadAllAsync(secp, SignedMessage.Decode, cancellationToken).ConfigureAwait(false);
        return blsMessages is null || secpMessages is null ? null : new FullBlock(header, blsMessages, secpMessages);
    }

    private async ValueTask<T[]?> LoadAllAsync<T>(Cid[] cids, Func<ReadOnlyMemory<byte>, T> decode, CancellationToken cancellationToken)
    {
        var items = new T[cids.Length];
        for (int i = 0; i < items.Length; i++)
        {
            if (await Blockstore.GetAsync(cids[i], cancellationToken).ConfigureAwait(false) is not { } data)
            {
                return null;
            }

            items[i] = decode(data);
        }

        return items;
    }

    /// <summary>The CIDs an AMT of message CIDs holds, in index order; <c>null</c> when a node is missing.</summary>
    private async ValueTask<Cid[]?> ReadCidsAsync(Cid root, CancellationToken cancellationToken)
    {
        if (await Blockstore.GetAsync(root, cancellationToken).ConfigureAwait(false) is not { } rootData)
        {
            return null;
        }

        IReadOnlyList<AmtEntry> entries;
        try
        {
            entries = await AmtV0Root.Decode(rootData)
                .CollectAsync(Blockstore.GetAsync, Exchange.ExchangeProtocol.BlockMessageLimit, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (KeyNotFoundException)
        {
            return null;
        }

        var cids = new Cid[entries.Count];
        for (int i = 0; i < cids.Length; i++)
        {
            var reader = new DagCborReader(entries[i].Value.Span);
            cids[i] = reader.ReadCid();
            reader.ExpectEnd();
        }

        return cids;
    }
}
