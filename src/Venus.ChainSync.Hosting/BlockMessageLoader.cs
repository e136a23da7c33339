using System.Collections.Immutable;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Cbor;
using Venus.ChainSync.Primitives.Storage;

namespace Venus.ChainSync.Hosting;

/// <summary>Loads a block's messages by CID from the local block store (what the message pool and earlier syncs stored).</summary>
internal sealed class BlockMessageLoader(IBlockstore blocks)
{
    /// <summary>The block with its messages, or null if any message is missing from the store or is not what its CID names.</summary>
    public async Task<FullBlock?> LoadAsync(BlockHeader header, ImmutableArray<Cid> blsMessages, ImmutableArray<Cid> secpkMessages, CancellationToken cancellationToken)
    {
        var bls = new Message[blsMessages.Length];
        for (int i = 0; i < bls.Length; i++)
        {
            if (await LoadAsync(blsMessages[i], Message.Decode, cancellationToken).ConfigureAwait(false) is not { } message)
            {
                return null;
            }

            bls[i] = message;
        }

        var secpk = new SignedMessage[secpkMessages.Length];
        for (int i = 0; i < secpk.Length; i++)
        {
            if (await LoadAsync(secpkMessages[i], SignedMessage.Decode, cancellationToken).ConfigureAwait(false) is not { } message)
            {
                return null;
            }

            secpk[i] = message;
        }

        return new FullBlock(header, bls, secpk);
    }

    private async Task<T?> LoadAsync<T>(Cid cid, Func<ReadOnlyMemory<byte>, T> decode, CancellationToken cancellationToken)
        where T : class
    {
        if (await blocks.GetAsync(cid, cancellationToken).ConfigureAwait(false) is not { } data)
        {
            return null;
        }

        try
        {
            return decode(data);
        }
        catch (DagCborException)
        {
            // Something else is stored under this CID (a signed message where a BLS one is named, say): treat as missing.
            return null;
        }
    }
}
