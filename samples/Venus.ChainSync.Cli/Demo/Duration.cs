using System.Globalization;

namespace Venus.ChainSync.Cli.Demo;

/// <summary>Durations on the command line: a number and a unit (<c>200ms</c>, <c>1s</c>, <c>1.5s</c>, <c>2m</c>), or a <see cref="TimeSpan"/> (<c>00:00:01</c>).</summary>
internal static class Duration
{
    private static readonly (string Suffix, double Milliseconds)[] Units =
    [
        // Longest suffix first, so "ms" is not read as "m" followed by junk.
        ("ms", 1),
        ("s", 1000),
        ("m", 60_000),
        ("h", 3_600_000),
    ];

    /// <summary>Parses <paramref name="text"/>; false when it is not a duration or is negative.</summary>
    public static bool TryParse(string text, out TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.Trim();
        foreach ((string suffix, double milliseconds) in Units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text.AsSpan(0, text.Length - suffix.Length), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double count)
                && double.IsFinite(count * milliseconds)
                && count * milliseconds < TimeSpan.MaxValue.TotalMilliseconds)
            {
                duration = TimeSpan.FromMilliseconds(count * milliseconds);
                return true;
            }
        }

        // Only with a colon: a bare "10" would otherwise parse as ten days.
        if (text.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration) && duration >= TimeSpan.Zero)
        {
            return true;
        }

        duration = default;
        return false;
    }

    /// <summary>A short form for tables and messages: <c>200ms</c>, <c>1.5s</c>.</summary>
    public static string Format(TimeSpan duration) => duration switch
    {
        _ when duration < TimeSpan.FromSeconds(1) => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMilliseconds:0.#}ms"),
        _ when duration < TimeSpan.FromMinutes(1) || duration.Ticks % TimeSpan.TicksPerMinute != 0 => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.##}s"),
        _ when duration.Ticks % TimeSpan.TicksPerHour != 0 => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMinutes:0}m"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalHours:0}h"),
    };
}
