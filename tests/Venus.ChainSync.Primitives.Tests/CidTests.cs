using Venus.ChainSync.Primitives.Tests.TestSupport;

namespace Venus.ChainSync.Primitives.Tests;

public class CidTests
{
    [Fact]
    public void ComputeDagCbor_of_abc_letters_matches_lotus_tipset_key_test()
    {
        // chain/types/tipset_key_test.go: CIDv1(dag-cbor, blake2b-256("a")) and friends.
        Assert.Equal("bafy2bzacecesrkxghscnq7vatble2hqdvwat6ed23vdu4vvo3uuggsoaya7ki", Cid.ComputeDagCbor("a"u8).ToString());
    }

    [Fact]
    public void Parse_then_ToString_round_trips_and_exposes_codec_and_multihash()
    {
        var cid = Cid.Parse("bafy2bzacecnamqgqmifpluoeldx7zzglxcljo6oja4vrmtj7432rphldpdmm2");
        Assert.Equal(1, cid.Version);
        Assert.Equal(Multicodec.DagCbor, cid.Codec);
        Assert.Equal(MultihashCode.Blake2b256, cid.Multihash.Code);
        Assert.Equal(32, cid.Multihash.Digest.Length);
        Assert.True(cid.IsChainCid);
        Assert.Equal("0171a0e402209a0640d0620af5d1c458effce4cbb8969779c9072b164d3fe6f5179d6378d8cd", Hex.Encode(cid.Bytes));
        Assert.Equal("bafy2bzacecnamqgqmifpluoeldx7zzglxcljo6oja4vrmtj7432rphldpdmm2", cid.ToString());
    }

    [Fact]
    public void Sha256_dag_cbor_cid_of_genesis_parent_parses()
    {
        var cid = Cid.Parse("bafyreiaqpwbbyjo4a42saasj36kkrpv4tsherf2e7bvezkert2a7dhonoi");
        Assert.Equal(MultihashCode.Sha2_256, cid.Multihash.Code);
        Assert.Equal("1220107d821c25dc0735200249df94a8bebc9c8e489744f86a4ca8919e81f19dcd72", Hex.Encode(cid.Bytes[2..]));
    }

    [Fact]
    public void CidV0_parses_from_base58_and_prints_back()
    {
        const string v0 = "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n";
        var cid = Cid.Parse(v0);
        Assert.Equal(0, cid.Version);
        Assert.Equal(Multicodec.DagPb, cid.Codec);
        Assert.Equal(MultihashCode.Sha2_256, cid.Multihash.Code);
        Assert.Equal(v0, cid.ToString());
    }

    [Fact]
    public void Equal_cids_are_equal_keys()
    {
        var a = Cid.Parse("bafy2bzacecnamqgqmifpluoeldx7zzglxcljo6oja4vrmtj7432rphldpdmm2");
        var b = Cid.FromBytes(a.Bytes);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        var set = new HashSet<Cid> { a };
        Assert.Contains(b, set);
        Assert.NotEqual(a, Cid.ComputeDagCbor("x"u8));
    }

    [Theory]
    [InlineData("")]
    [InlineData("b")]
    [InlineData("xafy")]
    [InlineData("bAFY2BZACECNAMQGQMIFPLUOELDX7ZZGLXCLJO6OJA4VRMTJ7432RPHLDPDMM2")]
    [InlineData("bafy2bzacecnamqgqmifpluoeldx7zzglxcljo6oja4vrmtj7432rphldpdmm")]
    public void Parse_refuses_malformed_strings(string text)
    {
        Assert.False(Cid.TryParse(text, out _));
        Assert.Throws<FormatException>(() => Cid.Parse(text));
    }

    [Fact]
    public void FromBytes_refuses_truncated_and_trailing_input()
    {
        byte[] good = Cid.ComputeDagCbor("a"u8).Bytes.ToArray();
        Assert.Throws<FormatException>(() => Cid.FromBytes(good.AsSpan(0, good.Length - 1)));
        Assert.Throws<FormatException>(() => Cid.FromBytes([.. good, 0]));
        Assert.Throws<FormatException>(() => Cid.FromBytes([2, .. good.AsSpan(1)]));
    }

    [Fact]
    public void Matches_checks_data_against_blake2b_sha256_and_identity()
    {
        Assert.True(Cid.ComputeDagCbor("abc"u8).Matches("abc"u8));
        Assert.False(Cid.ComputeDagCbor("abc"u8).Matches("abd"u8));
        var identity = Cid.Create(Multicodec.Raw, Multihash.Create(MultihashCode.Identity, "fil/1/system"u8));
        Assert.True(identity.Matches("fil/1/system"u8));
        Assert.True(Cid.Parse("bafyreiaqpwbbyjo4a42saasj36kkrpv4tsherf2e7bvezkert2a7dhonoi").CanVerify);
    }
}
