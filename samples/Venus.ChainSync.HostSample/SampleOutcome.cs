using Microsoft.Extensions.Diagnostics.HealthChecks;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.HostSample;

/// <summary>What the progress worker last saw, for whoever runs the host (the sample's test reads it after the run).</summary>
internal sealed class SampleOutcome
{
    private readonly Lock _lock = new();
    private TipSet? _syncedHead;
    private HealthStatus? _health;

    /// <summary>The head the node had when it first matched the producer's and was healthy; null until then.</summary>
    public TipSet? SyncedHead
    {
        get => Volatile.Read(ref _syncedHead);
        set => Volatile.Write(ref _syncedHead, value);
    }

    /// <summary>The health status of the latest check.</summary>
    public HealthStatus? Health
    {
        get
        {
            lock (_lock)
            {
                return _health;
            }
        }

        set
        {
            lock (_lock)
            {
                _health = value;
            }
        }
    }
}
