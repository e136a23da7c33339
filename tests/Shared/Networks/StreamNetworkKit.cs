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

    /// <summary>A new, started host.</summary>
    public abstract Task<IStreamHost> CreateHostAsync(string name);

    /// <summary>Connects <paramref name="from"/> to <paramref name="to"/> and returns once each has identified the
    /// other (the protocols it lists are known and the <see cref="ConnectionChange.Identified"/> events raised).</summary>
    public abstract Task ConnectAsync(IStreamHost from, IStreamHost to);

    /// <summary>Stops and disposes every host the kit created.</summary>
    public abstract ValueTask DisposeAsync();

    /// <inheritdoc/>
    public override string ToString() => Name;
}
