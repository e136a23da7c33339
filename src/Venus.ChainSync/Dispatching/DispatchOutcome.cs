namespace Venus.ChainSync;

/// <summary>What <see cref="Dispatcher.SendAsync"/> did with an incoming tipset. A closed set, fit for a metric tag.</summary>
public enum DispatchOutcome
{
    /// <summary>The headers and messages were stored, published to <see cref="Dispatcher.IncomingBlocks"/> subscribers,
    /// and the head was queued for the tracker (which may still refuse it, or a flood may push it out of the queue).</summary>
    Queued,

    /// <summary>Refused: the dispatcher is stopping or stopped, and the head was not queued. (When stop began while the
    /// head was being stored, its headers and messages may be stored and published all the same.)</summary>
    Stopped,
}
