namespace Venus.ChainSync.Hosting;

/// <summary>Where the wall clock stands on the chain: epochs since genesis.</summary>
internal static class ChainClock
{
    /// <summary>The epoch <paramref name="now"/> falls in (0 before genesis), for a chain whose genesis has Unix time
    /// <paramref name="genesisTimestamp"/> and whose epochs last <paramref name="blockDelay"/>.</summary>
    public static long EpochAt(DateTimeOffset now, long genesisTimestamp, TimeSpan blockDelay)
    {
        long seconds = now.ToUnixTimeSeconds() - genesisTimestamp;
        return seconds <= 0 ? 0 : seconds / (long)blockDelay.TotalSeconds;
    }
}
