using System.Collections.Immutable;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Cbor;
using Venus.ChainSync.Primitives.Storage;

namespace Venus.ChainSync.Hosting;

/// <summary>Loads a block's messages by CID from the local block store (what the message pool and earlier syncs stored).</summary>
internal sealed class BlockMessageLoader(IBlockstore blocks)
{
    /// <summary>
    /// The block as a one-block tipset with its messages, or null if any message is missing from the store or is not
    /// what its CID names. The CIDs were checked against the root already, so the root is not hashed again.
    /// </summary>
    public async Task<FullTipSet?> LoadAsync(CheckedMessageCids cids, CancellationToken cancellationToken)
    {
        Message[]? bls = await LoadAllAsync(cids.BlsMessages, Message.Decode, cancellationToken).ConfigureAwait(false);
        SignedMessage[]? secpk = await LoadAllAsync(cids.SecpkMessages, SignedMessage.Decode, cancellationToken).ConfigureAwait(false);

        // TryCreate compares each loaded message's CID with the one it was loaded by.
        return bls is not null && secpk is not null && FullTipSet.TryCreate(cids, bls, secpk, out FullTipSet? full) ? full : null;
    }

    private async Task<T[]?> LoadAllAsync<T>(ImmutableArray<Cid> cids, Func<ReadOnlyMemory<byte>, T> decode, CancellationToken cancellationToken)
        where T : class
    {
        var items = new T[cids.Length];
        for (int i = 0; i < items.Length; i++)
        {
            if (await blocks.GetAsync(cids[i], cancellationToken).ConfigureAwait(false) is not { } data)
            {
                return null;
            }

            try
            {
                items[i] = decode(data);
            }
            catch (DagCborException)
            {
                // Something else is stored under this CID (a signed message where a BLS one is named, say): treat as missing.
                return null;
            }
        }

        return items;
    }
}
