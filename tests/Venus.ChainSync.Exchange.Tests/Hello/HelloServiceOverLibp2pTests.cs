using Venus.ChainSync.TestSupport;

namespace Venus.ChainSync.Exchange.Tests.Hello;

/// <summary>The hello service suite again, every peer a libp2p host on loopback (TCP, Noise, Yamux, identify).</summary>
public sealed class HelloServiceOverLibp2pTests : HelloServiceSuite
{
    internal override StreamNetworkKit CreateNetwork(TimeProvider time) => new Libp2pStreamNetworkKit();
}
