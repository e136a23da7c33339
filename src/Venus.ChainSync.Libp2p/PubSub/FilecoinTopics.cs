namespace Venus.ChainSync.Libp2p.PubSub;

/// <summary>
/// Filecoin's gossip topics (Lotus build/params_shared_funcs.go <c>BlocksTopic</c> and <c>MessagesTopic</c>): blocks
/// on <c>/fil/blocks/&lt;network&gt;</c>, messages on <c>/fil/msgs/&lt;network&gt;</c>, where the network name is the
/// one genesis states (<c>testnetnet</c> for mainnet, <c>calibrationnet</c>).
/// </summary>
internal static class FilecoinTopics
{
    /// <summary>The block topic of <paramref name="networkName"/>.</summary>
    /// <exception cref="ArgumentException">The name is empty or holds a <c>/</c>.</exception>
    public static string Blocks(string networkName) => "/fil/blocks/" + Checked(networkName);

    /// <summary>The message topic of <paramref name="networkName"/>.</summary>
    /// <exception cref="ArgumentException">The name is empty or holds a <c>/</c>.</exception>
    public static string Messages(string networkName) => "/fil/msgs/" + Checked(networkName);

    private static string Checked(string networkName)
    {
        ArgumentException.ThrowIfNullOrEmpty(networkName);
        // Lotus concatenates whatever it has; a '/' would make a topic of another shape, which is a mistake here.
        return networkName.Contains('/', StringComparison.Ordinal)
            ? throw new ArgumentException("A network name holds no '/'.", nameof(networkName))
            : networkName;
    }
}
