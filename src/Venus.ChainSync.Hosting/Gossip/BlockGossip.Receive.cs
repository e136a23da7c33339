using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Hosting;

internal sealed partial class BlockGossip
{
    private async Task ReceiveAsync(CancellationToken stop)
    {
        try
        {
            await foreach (PubSubMessage message in _pubSub.SubscribeAsync(Topic, stop).ConfigureAwait(false))
            {
                string? rejected = await ScreenAsync(message, stop).ConfigureAwait(false);
                if (rejected is not null)
                {
                    _metrics.Block(rejected);
                    _logger.Rejected(message.ReceivedFrom, rejected);
                }
            }

            if (!stop.IsCancellationRequested)
            {
                _logger.SubscriptionEnded(Topic, null);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping.
        }
#pragma warning disable CA1031 // A failing subscription ends intake, never the host; it is logged loudly.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _logger.SubscriptionEnded(Topic, e);
        }
    }

    /// <summary>The cheap checks; queues the block and returns null, or returns why it was dropped.</summary>
    private async ValueTask<string?> ScreenAsync(PubSubMessage message, CancellationToken stop)
    {
        if (message.Source == _host.LocalPeer)
        {
            return GossipResults.Own;
        }

        if (message.Data.Length > MaxPayloadBytes)
        {
            return GossipResults.Malformed;
        }

        BlockMsg block;
        try
        {
            block = BlockMsg.Decode(message.Data);
        }
        catch (DagCborException)
        {
            return GossipResults.Malformed;
        }

        if (block.Header is not { } header)
        {
            return GossipResults.Malformed;
        }

        if (block.BlsMessages.Length + block.SecpkMessages.Length > _options.MaxMessagesPerBlock)
        {
            return GossipResults.TooManyMessages;
        }

        // A few microseconds of hashing, before any I/O, and the only hashing of this block's root: the listed CIDs
        // must be the ones the header commits to, so every message loaded by them below is the block's own.
        if (MessageRoot.Check(header, block.BlsMessages, block.SecpkMessages) is not { } cids)
        {
            return GossipResults.MessageRootMismatch;
        }

        TipSet head;
        try
        {
            head = await _store.GetHeadAsync(stop).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            _logger.Fault(header.Cid, e);
            return GossipResults.Failed;
        }

        if (header.Height < head.Height - _options.MaxEpochsBehindHead || header.Height > WallClockEpoch() + _options.MaxEpochsAhead)
        {
            return GossipResults.OutOfWindow;
        }

        switch (_filter.See(header))
        {
            case MinerEpochFilter.Verdict.Duplicate:
                return GossipResults.Duplicate;
            case MinerEpochFilter.Verdict.DoubleMining:
                _logger.DoubleMining(header.Miner, header.Cid, header.Height);
                return GossipResults.DoubleMining;
        }

        // DropOldest: never waits; a displaced block is counted by the channel's callback.
        _queue.Writer.TryWrite(new Received(cids, message.Source, message.ReceivedFrom));
        return null;
    }

    private long WallClockEpoch() => ChainClock.EpochAt(_time.GetUtcNow(), _genesisTimestamp, _blockDelay);
}
