using Venus.ChainSync.Network;

namespace Venus.ChainSync.TestSupport;

/// <summary>
/// Hosts that can reach each other, so one test suite runs over the in-memory network and again over libp2p hosts on
/// loopback. Every host a kit creates can open a stream to every other one (dialling on demand); the kit disposes
/// them all.
/// </summary>
internal abstract class StreamNetworkKit : IAsyncDisposable
{
    /// <summary>What the suite runs over, for test names and failure messages.</summary>
    public abstract string Name { get; }

    /// <summary>Most streams one peer may have open to a host for one protocol (the host's own cap, which comes
    /// before any protocol's).</summary>
    public virtual int MaxInboundStreamsPerProtocol => int.MaxValue;

    /// <summary>A new, started host.</summary>
    public abstract Task<IStreamHost> CreateHostAsync(string name);

    /// <summary>Connects <paramref name="from"/> to <paramref name="to"/> and returns once each has identified the
    /// other (the protocols it lists are known and the <see cref="ConnectionChange.Identified"/> events raised).</summary>
    public abstract Task ConnectAsync(IStreamHost from, IStreamHost to);

    /// <summary>Completes once <paramref name="host"/> has seen <paramref name="peer"/> disconnect: at once on the
    /// in-memory network, when the connection's end reaches it over a real one.</summary>
    public Task DisconnectedAsync(IStreamHost host, PeerId peer) =>
        UntilAsync(host, peer, ConnectionChange.Disconnected, () => !host.ConnectedPeers.Contains(peer), TestGuard.Token());

    /// <summary>Stops and disposes every host the kit created.</summary>
    public abstract ValueTask DisposeAsync();

    /// <summary>
    /// Completes once <paramref name="done"/> holds, checked after subscribing to <paramref name="host"/>'s events,
    /// or at the first <paramref name="change"/> of <paramref name="peer"/>. The subscription is in place when this
    /// returns (an async method runs synchronously up to its first await), so call it before causing the change.
    /// </summary>
    public static async Task UntilAsync(IStreamHost host, PeerId peer, ConnectionChange change, Func<bool> done, CancellationToken guard)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(guard);
        await using IAsyncEnumerator<ConnectionEvent> events = host.ConnectionEvents(stop.Token).GetAsyncEnumerator(stop.Token);
        ValueTask<bool> next = events.MoveNextAsync(); // subscribes
        if (done())
        {
            await stop.CancelAsync();
            try
            {
                await next;
            }
            catch (OperationCanceledException)
            {
                // The subscription was only needed until the check above.
            }

            return;
        }

        for (bool more = await next; more; more = await events.MoveNextAsync())
        {
            if (events.Current.Peer == peer && events.Current.Change == change)
            {
                return;
            }
        }

        throw new InvalidOperationException($"the events of {host.LocalPeer} ended before {change} of {peer}");
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
