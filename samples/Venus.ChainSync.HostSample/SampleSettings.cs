using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Venus.ChainSync.HostSample;

/// <summary>What the sample is asked to do.</summary>
/// <param name="Tipsets">Tipsets of history the producer starts with (<c>--tipsets</c>, default 1000).</param>
/// <param name="ExitWhenSynced">Stop the host once the node has the producer's head and is healthy (<c>--exit-when-synced</c>).</param>
/// <param name="ReportInterval">How often progress is logged and checked (<c>--report-interval</c> in seconds, default 1).</param>
internal sealed record SampleSettings(int Tipsets, bool ExitWhenSynced, TimeSpan ReportInterval)
{
    /// <summary>The flag this sample reads itself: the configuration's command-line source wants a value after every key.</summary>
    public const string ExitWhenSyncedFlag = "--exit-when-synced";

    /// <summary>Splits off <see cref="ExitWhenSyncedFlag"/>; the other arguments go to the host's configuration.</summary>
    public static (bool ExitWhenSynced, string[] Others) SplitFlags(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return (args.Contains(ExitWhenSyncedFlag, StringComparer.Ordinal), [.. args.Where(a => a != ExitWhenSyncedFlag)]);
    }

    /// <summary>Reads the settings from the host's configuration (<c>tipsets</c>, <c>report-interval</c>).</summary>
    /// <exception cref="ArgumentException">A value is not a number in range.</exception>
    public static SampleSettings From(IConfiguration configuration, bool exitWhenSynced)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        int tipsets = Read(configuration, "tipsets", 1000, 1);
        int interval = Read(configuration, "report-interval", 1, 1);
        return new SampleSettings(tipsets, exitWhenSynced, TimeSpan.FromSeconds(interval));
    }

    private static int Read(IConfiguration configuration, string key, int fallback, int minimum)
    {
        string? text = configuration[key];
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= minimum
            ? value
            : throw new ArgumentException($"--{key} must be a whole number of at least {minimum}, not '{text}'.", nameof(configuration));
    }
}
