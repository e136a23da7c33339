using Venus.ChainSync.Network;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.TestSupport;

/// <summary>The in-memory network: connections and identify happen at once, on <paramref name="time"/>.</summary>
internal sealed class InMemoryStreamNetworkKit(TimeProvider? time = null) : StreamNetworkKit
{
    /// <summary>The network itself, for tests that use its faults.</summary>
    public InMemoryNetwork Network { get; } = new(time);

    /// <inheritdoc/>
    public override string Name => "in-memory network";

    /// <inheritdoc/>
    public override Task<IStreamHost> CreateHostAsync(string name) => Task.FromResult<IStreamHost>(Network.CreateHost(name));

    /// <inheritdoc/>
    public override Task ConnectAsync(IStreamHost from, IStreamHost to)
    {
        Network.Connect((InMemoryHost)from, (InMemoryHost)to);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override ValueTask DisposeAsync() => Network.DisposeAsync();
}
