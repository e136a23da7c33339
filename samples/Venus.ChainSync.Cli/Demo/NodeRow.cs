using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Cli.Demo;

/// <summary>One node as the table shows it at one moment.</summary>
/// <param name="Name">The node's name.</param>
/// <param name="Head">Its head.</param>
/// <param name="Stage">The stage of its newest sync (<see cref="Hosting.ISyncApi.SyncState"/>), or <c>-</c> before its first.</param>
/// <param name="Peers">Hosts its in-memory host is connected to.</param>
/// <param name="TipSetsPerSecond">Head height gained per second since the previous sample (null rounds count as heights).</param>
internal sealed record NodeRow(string Name, TipSet Head, string Stage, int Peers, double TipSetsPerSecond)
{
    /// <summary>The head's height.</summary>
    public long Height => Head.Height;
}
