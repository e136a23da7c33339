using System.Text;
using Venus.ChainSync.Fuzz.Targets;

namespace Venus.ChainSync.Fuzz.Seeds;

/// <summary>Writes seed files as <c>&lt;root&gt;/&lt;target&gt;/&lt;name&gt;</c>, refusing unknown targets and oversized seeds.</summary>
internal sealed class SeedSink
{
    /// <summary>afl-fuzz works best on small inputs; a seed above this is a mistake in the generator, not a seed.</summary>
    public const int MaxSeedLength = 16 * 1024;

    private readonly string _root;
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    public SeedSink(string root) => _root = root;

    public IReadOnlyDictionary<string, int> Counts => _counts;

    public void Add(string target, string name, ReadOnlySpan<byte> bytes)
    {
        if (TargetCatalog.Find(target) is null)
        {
            throw new ArgumentException($"No target is called '{target}'.", nameof(target));
        }

        if (bytes.Length > MaxSeedLength)
        {
            throw new ArgumentException($"Seed {target}/{name} is {bytes.Length} bytes, over {MaxSeedLength}.", nameof(bytes));
        }

        string folder = Path.Combine(_root, target);
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, FileName(name)), bytes);
        _counts[target] = _counts.GetValueOrDefault(target) + 1;
    }

    public void AddText(string target, string name, string text) => Add(target, name, Encoding.UTF8.GetBytes(text));

    private static string FileName(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (char c in name)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }

        return builder.ToString();
    }
}
