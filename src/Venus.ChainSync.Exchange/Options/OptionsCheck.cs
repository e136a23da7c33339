namespace Venus.ChainSync;

/// <summary>
/// Collects the problems of one options class, one line each, in one wording ("X must be between 1 and 900 (was
/// 0)."), so that every options class reports the same way and the host-level validator can prefix each line with
/// its section.
/// </summary>
/// <remarks>
/// Compiled into each assembly that has options (linked source, internal), so the shared wording adds no public API.
/// </remarks>
internal sealed class OptionsCheck
{
    private readonly List<string> _problems = [];

    /// <summary>The problems found, one line each; empty when the options are usable.</summary>
    public IReadOnlyList<string> Problems => _problems;

    /// <summary>Throws one <see cref="ArgumentOutOfRangeException"/> whose message is every problem, when there is any.</summary>
    public static void ThrowIfInvalid(IReadOnlyList<string> problems, string paramName)
    {
        if (problems.Count > 0)
        {
            throw new ArgumentOutOfRangeException(paramName, string.Join(" ", problems));
        }
    }

    public OptionsCheck Between(string name, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            _problems.Add($"{name} must be between {min} and {max} (was {value}).");
        }

        return this;
    }

    public OptionsCheck AtLeast(string name, long value, long min)
    {
        if (value < min)
        {
            _problems.Add($"{name} must be at least {min} (was {value}).");
        }

        return this;
    }

    public OptionsCheck Positive(string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            _problems.Add($"{name} must be positive (was {value}).");
        }

        return this;
    }

    public OptionsCheck AtLeast(string name, TimeSpan value, TimeSpan min)
    {
        if (value < min)
        {
            _problems.Add($"{name} must be at least {min} (was {value}).");
        }

        return this;
    }

    public OptionsCheck Defined<TEnum>(string name, TEnum value)
        where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            _problems.Add($"{name} must be one of {string.Join(", ", Enum.GetNames<TEnum>())} (was {value}).");
        }

        return this;
    }

    /// <summary>Adds <paramref name="problem"/> unless <paramref name="ok"/>.</summary>
    public OptionsCheck That(bool ok, string problem)
    {
        if (!ok)
        {
            _problems.Add(problem);
        }

        return this;
    }

    /// <summary>Adds the problems of a nested options class, each prefixed with <paramref name="section"/> and a dot.</summary>
    public OptionsCheck Section(string section, IReadOnlyList<string>? problems)
    {
        if (problems is null)
        {
            _problems.Add($"{section} is required.");
            return this;
        }

        foreach (string problem in problems)
        {
            _problems.Add($"{section}.{problem}");
        }

        return this;
    }
}
