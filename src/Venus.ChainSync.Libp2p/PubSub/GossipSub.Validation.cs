using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p.PubSub;

/// <summary>Validation beside the loop: every subscription's validator of the topic judges each received message.</summary>
public sealed partial class GossipSub
{
    private async Task ValidationLoopAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (PendingValidation item in _validation.Reader.ReadAllAsync(stopping).ConfigureAwait(false))
            {
                MessageVerdict verdict = await JudgeAsync(item.Delivered, stopping).ConfigureAwait(false);
                Post(new RouterEvent.Validated(item, verdict));
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopped.
        }
    }

    /// <summary>The strictest verdict of the topic's validators (Reject over Ignore over Accept), as go requires
    /// every validator of a topic to accept; a validator that throws ignores the message (our fault, not the peer's).</summary>
    private async ValueTask<MessageVerdict> JudgeAsync(PubSubMessage message, CancellationToken stopping)
    {
        MessageVerdict verdict = MessageVerdict.Accept;
        foreach (MessageValidator validator in ValidatorsOf(message.Topic))
        {
            MessageVerdict one;
            try
            {
                one = await validator(message, stopping).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                GossipSubLog.ValidatorFailed(_logger, message.Topic, ex);
                one = MessageVerdict.Ignore;
            }

            if (one == MessageVerdict.Reject)
            {
                return MessageVerdict.Reject;
            }

            if (one == MessageVerdict.Ignore)
            {
                verdict = MessageVerdict.Ignore;
            }
        }

        return verdict;
    }
}
