namespace Venus.ChainSync;

/// <summary>What a <c>Send*</c> method of <see cref="Dispatcher"/> did with an announced head. A closed set, fit for a metric tag.</summary>
public enum DispatchOutcome
{
    /// <summary>The headers and messages were stored, published to <see cref="Dispatcher.IncomingBlocks"/> subscribers,
    /// and the head was queued for the tracker (which may still refuse it, or a flood may push it out of the queue).</summary>
    Queued,

    /// <summary>Refused: a block's messages do not hash to its header's message root. Nothing was stored or published.</summary>
    MessagesMismatch,

    /// <summary>Refused: the dispatcher is stopping or stopped, and the head was not queued. (When stop began while the
    /// head was being stored, its headers and messages may be stored and published all the same.)</summary>
    Stopped,
}
