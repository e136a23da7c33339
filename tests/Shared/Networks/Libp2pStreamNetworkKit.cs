using Venus.ChainSync.Libp2p;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.TestSupport;

/// <summary>
/// <see cref="Libp2pHost"/>s on 127.0.0.1 with ports the OS picks, each knowing every other one's address so a stream
/// to any of them dials on demand (TCP, Noise, Yamux, identify), as a node that learned the address from its peers.
/// </summary>
internal sealed class Libp2pStreamNetworkKit : StreamNetworkKit
{
    private readonly List<Libp2pHost> _hosts = [];

    /// <inheritdoc/>
    public override string Name => "libp2p hosts on loopback";

    /// <inheritdoc/>
    public override async Task<IStreamHost> CreateHostAsync(string name)
    {
        var options = new Libp2pHostOptions { AgentVersion = $"venus-chainsync-test/{name}" };
        options.ListenAddresses.Add("/ip4/127.0.0.1/tcp/0");
        var host = new Libp2pHost(options);
        await host.StartAsync(TestGuard.Token());
        foreach (Libp2pHost other in _hosts)
        {
            other.AddAddress(host.LocalPeer, host.ListenAddresses[0]);
            host.AddAddress(other.LocalPeer, other.ListenAddresses[0]);
        }

        _hosts.Add(host);
        return host;
    }

    /// <inheritdoc/>
    public override async Task ConnectAsync(IStreamHost from, IStreamHost to)
    {
        var dialler = (Libp2pHost)from;
        var listener = (Libp2pHost)to;
        CancellationToken guard = TestGuard.Token();
        Task atFrom = IdentifiedAsync(dialler, listener.LocalPeer, guard);
        Task atTo = IdentifiedAsync(listener, dialler.LocalPeer, guard);
        await dialler.ConnectAsync(listener.ListenAddresses[0], guard);
        await Task.WhenAll(atFrom, atTo);
    }

    /// <inheritdoc/>
    public override async ValueTask DisposeAsync()
    {
        foreach (Libp2pHost host in _hosts)
        {
            await host.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>Completes once <paramref name="host"/> has identified <paramref name="peer"/>: at once when it already
    /// has, else at its <see cref="ConnectionChange.Identified"/> event. The subscription is in place on return (an
    /// async method runs synchronously up to its first await).</summary>
    private static async Task IdentifiedAsync(Libp2pHost host, PeerId peer, CancellationToken guard)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(guard);
        await using IAsyncEnumerator<ConnectionEvent> events = host.ConnectionEvents(stop.Token).GetAsyncEnumerator(stop.Token);
        ValueTask<bool> next = events.MoveNextAsync(); // subscribes before the connection can be made
        if (host.GetPeerProtocols(peer).Count > 0)
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
            if (events.Current.Peer == peer && events.Current.Change == ConnectionChange.Identified)
            {
                return;
            }
        }

        throw new InvalidOperationException($"the events ended before {peer} was identified");
    }
}
