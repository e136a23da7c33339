using CsCheck;

namespace Venus.ChainSync.Primitives.Tests.Hostile;

/// <summary>
/// Every parser that takes text answers false (<c>TryParse</c>) or <see cref="FormatException"/> (<c>Parse</c>)
/// for any string: the fuzzing run found base58 text with one non-ASCII character escaping as
/// <see cref="IndexOutOfRangeException"/> from SimpleBase's 128-entry lookup table.
/// </summary>
public class TextParserHostileTests
{
    private const string ChainCid = "bafy2bzacecnamqgqmifpluoeldx7zzglxcljo6oja4vrmtj7432rphldpdmm2";
    private const string CidV0 = "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n";
    private const string Base58Cid = "zdpuAnxuU2VvNbNgRGq8jVfMFC8tWS2XHqZoLTjVmdfUhK4vm";

    // Valid texts to mutate: a mutation of a valid text gets much further into a parser than random noise.
    private static readonly string[] Valid = [ChainCid, CidV0, Base58Cid, "f01234", "f1abjxfbp274xpdqcpuaykwkfb43omjotacm2p3za", "f410fkkld55ioe7qg24wvt7fu6pbknb56ht7pt4zamxa"];

    public static TheoryData<string> Reproducers => new()
    {
        "z\u1B71",
        "Qm" + new string('a', 43) + "\u00e9",
        "Qm\u97CB" + CidV0[3..],
        "z" + Base58Cid[1..10] + "\uFFFF" + Base58Cid[11..],
        "b" + ChainCid[1..5] + "\u0430" + ChainCid[6..],
        "\u97CB",
        "z\u007fd", // found by afl-fuzz after the ASCII check: DEL is ASCII but beyond SimpleBase's table
        "z\u007fYK",
        "Qm" + new string('a', 43) + "\u007f",
    };

    [Theory]
    [MemberData(nameof(Reproducers))]
    public void Cid_parse_of_non_ascii_base58_fails_as_a_format_error(string text)
    {
        Assert.False(Cid.TryParse(text, out _));
        Assert.Throws<FormatException>(() => Cid.Parse(text));
    }

    [Theory]
    [MemberData(nameof(Reproducers))]
    public void Address_parse_of_non_ascii_text_fails_as_a_format_error(string text)
    {
        Assert.False(Address.TryParse(text, out _));
        Assert.Throws<FormatException>(() => Address.Parse(text));
    }

    [Fact]
    public void Cid_and_address_parsers_never_throw_anything_but_format_errors_for_any_string()
    {
        // Characters near and beyond the ASCII boundary are where lookup tables end, so they are drawn often.
        Gen<char> anyChar = Gen.OneOf(Gen.Char, Gen.Char[(char)0, (char)0x80]);
        Gen<string> anyText = Gen.OneOf(anyChar.Array[0, 120].Select(chars => new string(chars)), MutatedValidText(anyChar));
        anyText.Sample(text =>
        {
            bool cidParsed = Cid.TryParse(text, out Cid cid);
            AssertParseAgrees(cidParsed, () => Cid.Parse(text), cid);

            bool addressParsed = Address.TryParse(text, out Address address);
            AssertParseAgrees(addressParsed, () => Address.Parse(text), address);
        }, iter: 20_000);
    }

    private static Gen<string> MutatedValidText(Gen<char> anyChar) =>
        from valid in Gen.Int[0, Valid.Length - 1].Select(i => Valid[i])
        from at in Gen.Int[0, 200]
        from replacement in anyChar
        select Mutate(valid, at % valid.Length, replacement);

    private static string Mutate(string text, int at, char replacement) =>
        string.Concat(text.AsSpan(0, at), [replacement], text.AsSpan(at + 1));

    private static void AssertParseAgrees<T>(bool tryResult, Func<T> parse, T tryValue)
    {
        if (tryResult)
        {
            Assert.Equal(tryValue, parse());
        }
        else
        {
            Assert.Throws<FormatException>(() => parse());
        }
    }
}
