namespace Venus.ChainSync.Primitives;

/// <summary>The network letter an address string starts with. It is not part of the binary form.</summary>
public enum Network
{
    /// <summary>Mainnet, written <c>f</c>. The default, as in Lotus.</summary>
    Mainnet = 0,

    /// <summary>Any test network (calibnet, devnets), written <c>t</c>.</summary>
    Testnet = 1,
}
