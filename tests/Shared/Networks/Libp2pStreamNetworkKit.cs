using Venus.ChainSync.Libp2p;
using Venus.ChainSync.Libp2p.Connections;
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
    public override int MaxInboundStreamsPerProtocol => new ConnectionLimits().MaxInboundStreamsPerProtocol;

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
    public override Task ConnectAsync(IStreamHost from, IStreamHost to) => ConnectAndIdentifyAsync((Libp2pHost)from, (Libp2pHost)to);

    /// <summary>Dials <paramref name="to"/> from <paramref name="from"/> and returns once each has identified the other.</summary>
    public static async Task ConnectAndIdentifyAsync(Libp2pHost from, Libp2pHost to)
    {
        CancellationToken guard = TestGuard.Token();
        Task atFrom = UntilAsync(from, to.LocalPeer, ConnectionChange.Identified, () => from.GetPeerProtocols(to.LocalPeer).Count > 0, guard);
        Task atTo = UntilAsync(to, from.LocalPeer, ConnectionChange.Identified, () => to.GetPeerProtocols(from.LocalPeer).Count > 0, guard);
        await from.ConnectAsync(to.ListenAddresses[0], guard);
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
}
