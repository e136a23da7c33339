namespace Venus.ChainSync.Cli;

/// <summary>The process exit codes every command uses.</summary>
internal static class ExitCodes
{
    /// <summary>The command ran and everything it checked was sound.</summary>
    public const int Success = 0;

    /// <summary>The command ran and failed: <c>inspect</c> found an object that failed its checks, <c>demo</c> did not converge in time.</summary>
    public const int Failed = 1;

    /// <summary>The command line was wrong, or the input could not be opened or read (missing file, not a CAR).</summary>
    public const int UsageOrIo = 2;

    /// <summary>Cancelled (Ctrl+C): 128 + SIGINT, as shells report an interrupted command.</summary>
    public const int Cancelled = 130;
}
