using CsCheck;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Exchange.Tests.Network;

/// <summary>
/// <see cref="PeerId"/> text parsing answers false or <see cref="FormatException"/> for any string: the fuzzing run
/// found non-ASCII text escaping from SimpleBase's base58 table as <see cref="IndexOutOfRangeException"/>.
/// </summary>
public class PeerIdParseTests
{
    private const string Ed25519Peer = "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA";
    private const string RsaPeer = "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N";

    public static TheoryData<string> Reproducers => new()
    {
        "\u97CB",
        "12D3Koo\u00e9" + Ed25519Peer[8..],
        RsaPeer[..45] + "\uD800",
        "\u007f", // found by afl-fuzz after the ASCII check: DEL is ASCII but beyond SimpleBase's table
        "\u007f\u007f\u0016\u0000\u0002v",
    };

    [Theory]
    [MemberData(nameof(Reproducers))]
    public void Non_ascii_text_is_not_a_peer_id(string text)
    {
        Assert.False(PeerId.TryParse(text, out _));
        Assert.Throws<FormatException>(() => PeerId.Parse(text));
    }

    [Fact]
    public void Valid_peer_ids_round_trip_through_text()
    {
        Assert.Equal(Ed25519Peer, PeerId.Parse(Ed25519Peer).ToString());
        Assert.Equal(RsaPeer, PeerId.Parse(RsaPeer).ToString());
    }

    [Fact]
    public void Parsing_any_string_either_succeeds_or_fails_as_a_format_error()
    {
        // Characters near and beyond the ASCII boundary are where lookup tables end, so they are drawn often.
        Gen<char> anyChar = Gen.OneOf(Gen.Char, Gen.Char[(char)0, (char)0x80]);
        Gen<string> noise = anyChar.Array[0, 100].Select(chars => new string(chars));
        Gen<string> mutated =
            from valid in Gen.Int[0, 1].Select(i => i == 0 ? Ed25519Peer : RsaPeer)
            from at in Gen.Int[0, valid.Length - 1]
            from replacement in anyChar
            select string.Concat(valid.AsSpan(0, at), [replacement], valid.AsSpan(at + 1));

        Gen.OneOf(noise, mutated).Sample(text =>
        {
            if (PeerId.TryParse(text, out PeerId peer))
            {
                Assert.Equal(peer, PeerId.Parse(text));
            }
            else
            {
                Assert.Throws<FormatException>(() => PeerId.Parse(text));
            }
        }, iter: 20_000);
    }
}
