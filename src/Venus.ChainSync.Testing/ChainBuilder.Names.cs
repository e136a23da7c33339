using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Testing;

/// <summary>Names for built tipsets, so that a test can say "fork from main@40" instead of passing indexes around.</summary>
public sealed partial class ChainBuilder
{
    private readonly Dictionary<string, TipSet> _names = new(StringComparer.Ordinal);

    /// <summary>The tipset named <paramref name="name"/> (by <see cref="AddTipSet(TipSet, TipSetSpec, string?)"/>, <see cref="AddChain(TipSet, int, TipSetSpec?, string?)"/> or <see cref="Name"/>).</summary>
    /// <exception cref="KeyNotFoundException">No tipset has that name.</exception>
    public TipSet this[string name]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(name);
            return _names.TryGetValue(name, out TipSet? tipSet) ? tipSet : throw new KeyNotFoundException($"No tipset is named '{name}'.");
        }
    }

    /// <summary>The tipset named <paramref name="name"/>, if there is one.</summary>
    public bool TryGet(string name, [NotNullWhen(true)] out TipSet? tipSet)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _names.TryGetValue(name, out tipSet);
    }

    /// <summary>Gives <paramref name="tipSet"/> (built here, genesis included) the name <paramref name="name"/>; a tipset may have several names.</summary>
    /// <returns><paramref name="tipSet"/>, so a call can be chained.</returns>
    /// <exception cref="ArgumentException">The tipset was not built here, or the name is taken.</exception>
    public TipSet Name(TipSet tipSet, string name)
    {
        ArgumentNullException.ThrowIfNull(tipSet);
        if (!_full.ContainsKey(tipSet.Key))
        {
            throw new ArgumentException("The tipset was not built by this builder.", nameof(tipSet));
        }

        EnsureNameFree(name);
        _names.Add(name, tipSet);
        return tipSet;
    }

    private static string StepName(string name, int step) => string.Create(CultureInfo.InvariantCulture, $"{name}@{step}");

    // Names are never reassigned: a test that reuses one by mistake would otherwise read the wrong tipset silently.
    private void EnsureNameFree(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (_names.ContainsKey(name))
        {
            throw new ArgumentException($"A tipset is named '{name}' already.", nameof(name));
        }
    }
}
