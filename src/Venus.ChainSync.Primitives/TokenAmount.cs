using System.Globalization;
using System.Numerics;

namespace Venus.ChainSync.Primitives;

/// <summary>An amount of FIL in attoFIL (10^-18 FIL), as messages and headers carry it.</summary>
public readonly record struct TokenAmount(BigInteger AttoFil) : IComparable<TokenAmount>
{
    /// <summary>attoFIL in one FIL.</summary>
    public static readonly BigInteger AttoFilPerFil = BigInteger.Pow(10, 18);

    /// <summary>Zero.</summary>
    public static TokenAmount Zero => default;

    /// <summary>Creates an amount from attoFIL.</summary>
    public static TokenAmount FromAttoFil(BigInteger attoFil) => new(attoFil);

    /// <summary>Parses a decimal attoFIL string.</summary>
    public static TokenAmount Parse(string attoFil) => new(BigInteger.Parse(attoFil, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));

    /// <summary>The decimal attoFIL string (the form Lotus's JSON API uses).</summary>
    public override string ToString() => AttoFil.ToString(CultureInfo.InvariantCulture);

    /// <summary>Orders by amount.</summary>
    public int CompareTo(TokenAmount other) => AttoFil.CompareTo(other.AttoFil);

    /// <summary>Ordering.</summary>
    public static bool operator <(TokenAmount left, TokenAmount right) => left.CompareTo(right) < 0;

    /// <summary>Ordering.</summary>
    public static bool operator >(TokenAmount left, TokenAmount right) => left.CompareTo(right) > 0;

    /// <summary>Ordering.</summary>
    public static bool operator <=(TokenAmount left, TokenAmount right) => left.CompareTo(right) <= 0;

    /// <summary>Ordering.</summary>
    public static bool operator >=(TokenAmount left, TokenAmount right) => left.CompareTo(right) >= 0;
}
