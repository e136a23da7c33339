using System.Runtime.CompilerServices;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Hosting;

/// <summary>
/// The screen, as the topic's gossip validator: every check that needs no network I/O, each giving the verdict Lotus's
/// <c>ValidateBlockPubsub</c> gives (Reject for what no honest peer forwards, Ignore for what is merely not wanted).
/// </summary>
internal sealed partial class BlockGossip
{
    // What the validator worked out for each message it accepted, for the receive loop that gets the same instance.
    private readonly ConditionalWeakTable<PubSubMessage, Received> _screened = [];

    private async Task ReceiveAsync(CancellationToken stop)
    {
        try
        {
            await foreach (PubSubMessage message in _pubSub.SubscribeAsync(Topic, ValidateAsync, stop).ConfigureAwait(false))
            {
                // A host that hands over another instance than it validated costs a second screening, nothing more.
                Received? received = _screened.TryGetValue(message, out Received? screened)
                    ? screened
                    : (await ScreenAsync(message, stop).ConfigureAwait(false)).Received;
                _screened.Remove(message);
                if (received is not null)
                {
                    // DropOldest: never waits; a displaced block is counted by the channel's callback.
                    _queue.Writer.TryWrite(received);
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

    /// <summary>The gossip validator: the verdict the host forwards (or not) on, and scores the sender by.</summary>
    private async ValueTask<MessageVerdict> ValidateAsync(PubSubMessage message, CancellationToken cancellationToken)
    {
        (MessageVerdict verdict, string? result, Received? received) = await ScreenAsync(message, cancellationToken).ConfigureAwait(false);
        if (received is not null)
        {
            _screened.AddOrUpdate(message, received);
        }
        else
        {
            _metrics.Block(result!);
            _logger.Rejected(message.ReceivedFrom, result!);
        }

        return verdict;
    }

    /// <summary>The checks, cheapest first: the block to queue, or the verdict and result tag of why it is not wanted.</summary>
    private async ValueTask<(MessageVerdict Verdict, string? Result, Received? Received)> ScreenAsync(PubSubMessage message, CancellationToken cancellationToken)
    {
        if (message.Source == _host.LocalPeer)
        {
            return (MessageVerdict.Ignore, GossipResults.Own, null);
        }

        if (Structure(message, out BlockMsg? block) is { } refusal)
        {
            return (MessageVerdict.Reject, refusal, null);
        }

        BlockHeader header = block!.Header!;

        // A few microseconds of hashing, before any I/O, and the only hashing of this block's root: the listed CIDs
        // must be the ones the header commits to, so every message loaded by them later is the block's own.
        if (MessageRoot.Check(header, block.BlsMessages, block.SecpkMessages) is not { } cids)
        {
            return (MessageVerdict.Reject, GossipResults.MessageRootMismatch, null);
        }

        TipSet head;
        try
        {
            head = await _store.GetHeadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.Fault(header.Cid, e);
            return (MessageVerdict.Ignore, GossipResults.Failed, null);
        }

        if (header.Height < head.Height - _options.MaxEpochsBehindHead || header.Height > WallClockEpoch() + _options.MaxEpochsAhead)
        {
            return (MessageVerdict.Ignore, GossipResults.OutOfWindow, null);
        }

        switch (_filter.See(header))
        {
            case MinerEpochFilter.Verdict.Duplicate:
                return (MessageVerdict.Ignore, GossipResults.Duplicate, null);
            case MinerEpochFilter.Verdict.DoubleMining:
                // Each block may be valid alone and an honest peer forwards both, so no blame: the engine sorts it out.
                _logger.DoubleMining(header.Miner, header.Cid, header.Height);
                return (MessageVerdict.Ignore, GossipResults.DoubleMining, null);
        }

        return (MessageVerdict.Accept, null, new Received(cids, message.Source, message.ReceivedFrom));
    }

    /// <summary>
    /// What makes a payload invalid in itself, as Lotus rejects it: too large, not a canonical <c>BlockMsg</c>, too many
    /// messages, message CIDs that are not chain CIDs, no block signature, no winning election. Null, with the decoded
    /// block, when it passes.
    /// </summary>
    private string? Structure(PubSubMessage message, out BlockMsg? block)
    {
        block = null;
        if (message.Data.Length > MaxPayloadBytes)
        {
            return GossipResults.Malformed;
        }

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

        // Lotus's checks of a gossiped block that need no state: a signature present, at least one win.
        if (header.BlockSig is null)
        {
            return GossipResults.MissingSignature;
        }

        if (header.ElectionProof is not { WinCount: >= 1 })
        {
            return GossipResults.NoWin;
        }

        // Messages are named by v1 dag-cbor blake2b-256 CIDs; any other CID cannot name a chain message.
        foreach (Cid cid in block.BlsMessages)
        {
            if (!cid.IsChainCid)
            {
                return GossipResults.BadMessageCid;
            }
        }

        foreach (Cid cid in block.SecpkMessages)
        {
            if (!cid.IsChainCid)
            {
                return GossipResults.BadMessageCid;
            }
        }

        return null;
    }

    private long WallClockEpoch() => ChainClock.EpochAt(_time.GetUtcNow(), _genesisTimestamp, _blockDelay);
}
