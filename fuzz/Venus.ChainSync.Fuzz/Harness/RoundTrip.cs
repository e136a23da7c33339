using System.Globalization;

namespace Venus.ChainSync.Fuzz.Harness;

/// <summary>Assertions for the properties a decoded input must keep; each failure is a <see cref="FuzzFailure"/>.</summary>
internal static class RoundTrip
{
    /// <summary>Fails unless <paramref name="actual"/> is exactly <paramref name="expected"/>.</summary>
    public static void Bytes(string what, ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual)
    {
        if (!expected.SequenceEqual(actual))
        {
            int at = expected.CommonPrefixLength(actual);
            throw new FuzzFailure(string.Create(CultureInfo.InvariantCulture,
                $"{what}: {actual.Length} bytes that differ from the {expected.Length} expected at byte {at}: got {Convert.ToHexStringLower(actual)}"));
        }
    }

    public static void Text(string what, string expected, string actual)
    {
        if (!string.Equals(expected, actual, StringComparison.Ordinal))
        {
            throw new FuzzFailure($"{what}: got '{actual}', expected '{expected}'");
        }
    }

    public static void That(bool condition, string what)
    {
        if (!condition)
        {
            throw new FuzzFailure(what);
        }
    }

    /// <summary>
    /// Fails when a <c>Try</c> method and its throwing twin disagree: the twin must throw exactly when the
    /// <c>Try</c> method returned false, and only <typeparamref name="TDocumented"/>.
    /// </summary>
    public static void TwinAgrees<TDocumented>(string what, bool tryResult, Action twin)
        where TDocumented : Exception
    {
        try
        {
            twin();
        }
        catch (TDocumented) when (!tryResult)
        {
            return;
        }
        catch (TDocumented ex)
        {
            throw new FuzzFailure($"{what} threw although its Try twin accepted the input", ex);
        }

        if (!tryResult)
        {
            throw new FuzzFailure($"{what} accepted an input that its Try twin refused");
        }
    }
}
