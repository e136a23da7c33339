using System.Diagnostics;

namespace Venus.ChainSync.Diagnostics;

/// <summary>
/// The one name under which every Venus.ChainSync assembly reports: the <see cref="System.Diagnostics.Metrics.Meter"/>
/// (created from <see cref="System.Diagnostics.Metrics.IMeterFactory"/>) and the <see cref="System.Diagnostics.ActivitySource"/>.
/// </summary>
public static class ChainSyncDiagnostics
{
    /// <summary>The meter and activity source name, <c>Venus.ChainSync</c>.</summary>
    public const string Name = "Venus.ChainSync";

    /// <summary>The activity source; span names are constants, never built from data.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name);
}
