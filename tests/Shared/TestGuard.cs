namespace Venus.ChainSync.TestSupport;

/// <summary>
/// The guard every test await that could hang carries: a token that cancels after a generous stretch of real time,
/// so a broken test fails instead of hanging the run. It is never what a passing test waits for.
/// </summary>
internal static class TestGuard
{
    /// <summary>A token cancelled after <paramref name="seconds"/> of real time (30 by default).</summary>
    public static CancellationToken Token(int seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;
}
