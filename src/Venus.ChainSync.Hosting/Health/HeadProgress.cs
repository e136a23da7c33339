namespace Venus.ChainSync.Hosting;

/// <summary>
/// When a health check last saw the head's height change. One per registration, kept across runs (the health
/// check service builds a new check for every run, so the check itself cannot remember).
/// </summary>
internal sealed class HeadProgress
{
    private readonly Lock _lock = new();
    private long? _height;
    private DateTimeOffset _since;

    /// <summary>Records the head's height seen at <paramref name="now"/>; returns how long it has been at that height.</summary>
    public TimeSpan Observe(long height, DateTimeOffset now)
    {
        lock (_lock)
        {
            // Any change counts, a reorg to a lower head included: the node is doing something.
            if (_height != height)
            {
                _height = height;
                _since = now;
            }

            return now - _since;
        }
    }
}
