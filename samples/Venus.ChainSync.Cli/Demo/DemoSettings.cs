namespace Venus.ChainSync.Cli.Demo;

/// <summary>The demo's command line, parsed and in range.</summary>
/// <param name="Nodes">Nodes in all, the producer included (at least 2).</param>
/// <param name="TipSets">Tipsets of history the producer starts with, above genesis.</param>
/// <param name="BlockTime">How often the producer mines a tipset, and how far apart the convergence checks are.</param>
/// <param name="Timeout">How long the nodes get, from their start, to converge.</param>
/// <param name="Json">Whether the last stdout line is the JSON result instead of a table.</param>
internal sealed record DemoSettings(int Nodes, int TipSets, TimeSpan BlockTime, TimeSpan Timeout, bool Json)
{
    /// <summary>Consecutive checks, one block time apart, at which every head must equal the producer's.</summary>
    public const int EqualChecks = 3;
}
