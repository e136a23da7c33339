using Venus.ChainSync.Interop.Tests.Chain;
using Venus.ChainSync.Interop.Tests.Harness;

namespace Venus.ChainSync.Interop.Tests.JsToJs;

/// <summary>Two JS peers serving the same chain, the client connected to the server over IPv4 loopback.</summary>
internal sealed class JsPeerPair : IAsyncDisposable
{
    private JsPeerPair(JsPeerProcess server, JsPeerProcess client)
    {
        Server = server;
        Client = client;
    }

    public JsPeerProcess Server { get; }

    public JsPeerProcess Client { get; }

    /// <summary>Starts both peers on <paramref name="chain"/> (the server also on ::1) without connecting them.</summary>
    public static async Task<JsPeerPair> StartAsync(CarChainFixture chain, bool clientGreets = false)
    {
        JsPeerOptions serving = JsPeerOptions.Serving(chain.Chain, chain.CarPath);
        JsPeerProcess server = await JsPeerProcess.StartAsync(serving with { Listen = ["/ip4/127.0.0.1/tcp/0", "/ip6/::1/tcp/0"] });
        try
        {
            JsPeerProcess client = await JsPeerProcess.StartAsync(serving with { Greet = clientGreets });
            return new JsPeerPair(server, client);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts both and dials the server from the client over IPv4.</summary>
    public static async Task<JsPeerPair> ConnectedAsync(CarChainFixture chain)
    {
        JsPeerPair pair = await StartAsync(chain);
        try
        {
            await pair.Client.DialAsync(pair.Server.Ip4Address, TestGuard.Token());
            return pair;
        }
        catch
        {
            await pair.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Server.DisposeAsync();
    }
}
