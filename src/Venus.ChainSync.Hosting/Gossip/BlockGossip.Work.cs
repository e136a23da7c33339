using Venus.ChainSync.Exchange;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;

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
        FullTipSet? tipSet = await _loader.LoadAsync(received.Cids, stop).ConfigureAwait(false) ?? await FetchAsync(received, stop).ConfigureAwait(false);
        if (tipSet is null)
        {
            return GossipResults.MessagesUnavailable;
        }

        // The peer that delivered a block whose messages check out can serve the chain under it: it becomes an
        // exchange candidate, as Lotus's InformNewHead makes it (Syncer.Exchange.AddPeer(from)). A peer that never
        // greets us (hello is one-way) is otherwise never asked.
        _exchange.AddPeer(received.ReceivedFrom);
        DispatchOutcome outcome = await _dispatcher.SendAsync(IncomingTipSet.Gossip(tipSet, received.ReceivedFrom, received.Source), stop).ConfigureAwait(false);
        return outcome == DispatchOutcome.Queued ? GossipResults.Accepted : GossipResults.Refused;
    }

    /// <summary>The block with its messages from the peers it came from, through the exchange (which checks the root).</summary>
    private async Task<FullTipSet?> FetchAsync(Received received, CancellationToken stop)
    {
        PeerId[] peers = received.Source == received.ReceivedFrom ? [received.ReceivedFrom] : [received.ReceivedFrom, received.Source];
        try
        {
            FullTipSet fetched = await _exchange.GetFullTipSetAsync(peers, TipSetKey.Create(received.Header.Cid), stop).ConfigureAwait(false);
            return fetched.Blocks.Length == 1 && fetched.Blocks[0].Cid == received.Header.Cid ? fetched : null;
        }
        catch (ExchangeFailedException e)
        {
            _logger.MessagesUnavailable(received.Header.Cid, e.Message);
            return null;
        }
    }
}
