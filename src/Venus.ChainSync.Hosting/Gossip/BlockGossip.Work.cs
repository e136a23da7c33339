using Venus.ChainSync.Exchange;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Hosting;

internal sealed partial class BlockGossip
{
    private async Task WorkAsync(CancellationToken stop)
    {
        try
        {
            await foreach (Received received in _queue.Reader.ReadAllAsync(stop).ConfigureAwait(false))
            {
                string result;
                try
                {
                    result = await HandleAsync(received, stop).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
                {
                    _logger.Fault(received.Header.Cid, e);
                    result = GossipResults.Failed;
                }

                _metrics.Block(result);
                if (result != GossipResults.Accepted)
                {
                    _logger.Rejected(received.ReceivedFrom, result);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task<string> HandleAsync(Received received, CancellationToken stop)
    {
        FullBlock? full = await LoadLocallyAsync(received, stop).ConfigureAwait(false) ?? await FetchAsync(received, stop).ConfigureAwait(false);
        if (full is null)
        {
            return GossipResults.MessagesUnavailable;
        }

        DispatchOutcome outcome = await _dispatcher.SendGossipBlockAsync(
            FullTipSet.Create([full]), received.Source.ToString(), received.ReceivedFrom.ToString(), stop).ConfigureAwait(false);
        return outcome == DispatchOutcome.Queued ? GossipResults.Accepted : GossipResults.Refused;
    }

    /// <summary>The block with its messages from the local block store, or null if any message is missing there.</summary>
    private async Task<FullBlock?> LoadLocallyAsync(Received received, CancellationToken stop)
    {
        var bls = new Message[received.Message.BlsMessages.Length];
        for (int i = 0; i < bls.Length; i++)
        {
            if (await LoadAsync(received.Message.BlsMessages[i], Message.Decode, stop).ConfigureAwait(false) is not { } message)
            {
                return null;
            }

            bls[i] = message;
        }

        var secpk = new SignedMessage[received.Message.SecpkMessages.Length];
        for (int i = 0; i < secpk.Length; i++)
        {
            if (await LoadAsync(received.Message.SecpkMessages[i], SignedMessage.Decode, stop).ConfigureAwait(false) is not { } message)
            {
                return null;
            }

            secpk[i] = message;
        }

        return new FullBlock(received.Header, bls, secpk);
    }

    /// <summary>One message from the block store, if it is there and is what its CID names.</summary>
    private async Task<T?> LoadAsync<T>(Cid cid, Func<ReadOnlyMemory<byte>, T> decode, CancellationToken stop)
        where T : class
    {
        if (await _blocks.GetAsync(cid, stop).ConfigureAwait(false) is not { } data)
        {
            return null;
        }

        try
        {
            return decode(data);
        }
        catch (DagCborException)
        {
            // The store holds something else under this CID (or a signed message where a BLS one is named): fetch it.
            return null;
        }
    }

    /// <summary>The block with its messages from the peers it came from, through the exchange (which checks the root).</summary>
    private async Task<FullBlock?> FetchAsync(Received received, CancellationToken stop)
    {
        PeerId[] peers = received.Source == received.ReceivedFrom ? [received.ReceivedFrom] : [received.ReceivedFrom, received.Source];
        try
        {
            FullTipSet fetched = await _exchange.GetFullTipSetAsync(peers, TipSetKey.Create(received.Header.Cid), stop).ConfigureAwait(false);
            return fetched.Blocks.Length == 1 && fetched.Blocks[0].Cid == received.Header.Cid ? fetched.Blocks[0] : null;
        }
        catch (ExchangeFailedException e)
        {
            _logger.MessagesUnavailable(received.Header.Cid, e.Message);
            return null;
        }
    }
}
