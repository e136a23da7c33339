namespace Venus.ChainSync.Primitives;

/// <summary>
/// Word of a chain head from somewhere: the head tipset, the peer that first produced or announced it
/// (<see cref="Source"/>) and the peer it reached us through (<see cref="Sender"/>). Peers are identified by
/// their base58 peer-id strings; either is empty when the head came from this node itself.
/// </summary>
/// <param name="Head">The announced head.</param>
/// <param name="Source">Peer that originated the announcement.</param>
/// <param name="Sender">Peer that passed it to us.</param>
public sealed record ChainInfo(TipSet Head, string Source, string Sender)
{
    /// <summary>Height of the head.</summary>
    public long Height => Head.Height;

    /// <inheritdoc/>
    public override string ToString() => $"ChainInfo {Head} from {Source} via {Sender}";
}
