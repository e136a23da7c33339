using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using Venus.ChainSync.Primitives.Hashing;
using Venus.ChainSync.Primitives.Tests.TestSupport;
using Blake2bMac = NSec.Cryptography.Blake2bMac;
using KeyBlobFormat = NSec.Cryptography.KeyBlobFormat;
using NSecHash = NSec.Cryptography.HashAlgorithm;
using NSecKey = NSec.Cryptography.Key;

namespace Venus.ChainSync.Primitives.Tests.Hashing;

public class Blake2bTests
{
    public delegate void HashFunction(ReadOnlySpan<byte> data, Span<byte> digest, ReadOnlySpan<byte> key);

    /// <summary>
    /// The public entry point (which picks a path for this processor) and each internal path on its own, so that
    /// the scalar path is tested on AVX2 machines too. The vector path is left out where AVX2 is missing.
    /// </summary>
    private static IEnumerable<(string Name, HashFunction Hash)> Implementations()
    {
        yield return ("public", Blake2b.Hash);
        yield return ("scalar", Blake2b.HashScalar);
        if (Avx2.IsSupported)
        {
            yield return ("vector", Blake2b.HashVector);
        }
    }

    private static HashFunction Implementation(string name)
    {
        Skip.If(name == "vector" && !Avx2.IsSupported, "this processor has no AVX2");
        return Implementations().Single(i => i.Name == name).Hash;
    }

    // The official known-answer vectors are github.com/BLAKE2/BLAKE2 testvectors/blake2b-kat.txt, at commit
    // ed1974ea83433eba7b2d95c5dcd9ac33cb847913: keyed BLAKE2b-512, key = 0x00..0x3f, input i = 0x00..(i-1) for
    // i = 0..255. The file itself is not committed; a handful of its lines are copied below verbatim, and the
    // whole file is pinned by the SHA-256 of its 256 hashes laid end to end (each line was also checked against
    // Python's hashlib.blake2b).
    private const string KatAllOutputsSha256 = "1ea7031a5a7e30868be784ec976e5b9677f27f22079303b158623d277187d4b0";

    private const int KatCount = 256;

    public static TheoryData<int, string> KatLines => new()
    {
        { 0, "10ebb67700b1868efb4417987acf4690ae9d972fb7a590c2f02871799aaa4786b5e996e8f0f4eb981fc214b005f42d2ff4233499391653df7aefcbc13fc51568" },
        { 1, "961f6dd1e4dd30f63901690c512e78e4b45e4742ed197c3c5e45c549fd25f2e4187b0bc9fe30492b16b0d0bc4ef9b0f34c7003fac09a5ef1532e69430234cebd" },
        { 2, "da2cfbe2d8409a0f38026113884f84b50156371ae304c4430173d08a99d9fb1b983164a3770706d537f49e0c916d9f32b95cc37a95b99d857436f0232c88a965" },
        { 63, "bd965bf31e87d70327536f2a341cebc4768eca275fa05ef98f7f1b71a0351298de006fba73fe6733ed01d75801b4a928e54231b38e38c562b2e33ea1284992fa" },
        { 64, "65676d800617972fbd87e4b9514e1c67402b7a331096d3bfac22f1abb95374abc942f16e9ab0ead33b87c91968a6e509e119ff07787b3ef483e1dcdccf6e3022" },
        { 127, "76d2d819c92bce55fa8e092ab1bf9b9eab237a25267986cacf2b8ee14d214d730dc9a5aa2d7b596e86a1fd8fa0804c77402d2fcd45083688b218b1cdfa0dcbcb" },
        { 128, "72065ee4dd91c2d8509fa1fc28a37c7fc9fa7d5b3f8ad3d0d7a25626b57b1b44788d4caf806290425f9890a3a2a35a905ab4b37acfd0da6e4517b2525c9651e4" },
        { 129, "64475dfe7600d7171bea0b394e27c9b00d8e74dd1e416a79473682ad3dfdbb706631558055cfc8a40e07bd015a4540dcdea15883cbbf31412df1de1cd4152b91" },
        { 255, "142709d62e28fcccd0af97fad0f8465b971e82201dc51070faa0372aa43e92484be1c1e73ba10906d5d1853db6a4106e0a7bf9800d373d6dee2d46d62ef2a461" },
    };

    // Unkeyed digests of the sizes the chain uses: 4 (address checksums), 20 (secp256k1 and actor addresses),
    // 32 (CIDs), plus 1 and 64 as the edges. Expected values from Python's hashlib.blake2b(data, digest_size=n).
    public static TheoryData<string, int, string> UnkeyedSizes => new()
    {
        { "empty", 1, "2e" },
        { "abc", 1, "6b" },
        { "0..199", 1, "5f" },
        { "empty", 4, "1271cf25" },
        { "abc", 4, "63906248" },
        { "0..199", 4, "913cd807" },
        { "empty", 20, "3345524abf6bbe1809449224b5972c41790b6cf2" },
        { "abc", 20, "384264f676f39536840523f284921cdc68b6846b" },
        { "0..199", 20, "b83a5733ce63f2dd8266ea8ec93333d7935142cf" },
        { "empty", 32, "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8" },
        { "abc", 32, "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319" },
        { "0..199", 32, "63c3d97a9f8894d5e043a707b0fee7f7ec4c049a23bbf1079df20b4165f9e22d" },
        { "empty", 64, "786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce" },
        { "abc", 64, "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923" },
        { "0..199", 64, "fb3c1f0f56a56f8e316fdf5d853c8c872c39635d083634c3904fc3ac07d1b578e85ff0e480e92d44ade33b62e893ee32343e79ddf6ef292e89b582d312502314" },
    };

    // Keys shorter than NSec's 16-byte minimum, so the differential test below cannot reach them.
    // Expected values from Python's hashlib.blake2b(data, key=key, digest_size=n).
    public static TheoryData<string, int, int, string> ShortKeys => new()
    {
        { "abc", 1, 32, "33d411f854d934a7ef279ed88366304b327e57814385e58fd09660fdc6ac6dc9" },
        { "0..199", 15, 20, "e637b618d8003eb8dc253ee6b4750fa1a4fbfc09" },
        { "empty", 1, 64, "aaf42280524929171e417e77be67f9edec3a8461bbe7b5c2bd1d9a3d0928f1dbbd1f6600bb866b72f0e3b3e22282c145f69873a3d250ddc43c423685d1247657" },
    };

    [Fact]
    public void Blake2b_512_of_abc_matches_rfc7693_appendix_a()
    {
        foreach (var (name, hash) in Implementations())
        {
            var digest = new byte[64];
            hash("abc"u8, digest, ReadOnlySpan<byte>.Empty);

            Assert.True(
                Hex.Encode(digest) == "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923",
                $"{name}: {Hex.Encode(digest)}");
        }
    }

    [Theory]
    [MemberData(nameof(KatLines))]
    public void Keyed_output_matches_official_kat_line(int inputLength, string expected)
    {
        foreach (var (name, hash) in Implementations())
        {
            string actual = Hex.Encode(KatOutput(hash, inputLength));
            Assert.True(actual == expected, $"{name}: {actual}");
        }
    }

    [SkippableTheory]
    [InlineData("public")]
    [InlineData("scalar")]
    [InlineData("vector")]
    public void All_256_official_kat_outputs_hash_to_the_pinned_sha256(string implementation)
    {
        HashFunction hash = Implementation(implementation);
        var all = new byte[KatCount * Blake2b.MaxDigestLength];
        for (int i = 0; i < KatCount; i++)
        {
            KatOutput(hash, i).CopyTo(all, i * Blake2b.MaxDigestLength);
        }

        Assert.Equal(KatAllOutputsSha256, Hex.Encode(SHA256.HashData(all)));
    }

    [Theory]
    [MemberData(nameof(UnkeyedSizes))]
    public void Unkeyed_digest_of_each_size_matches_reference(string input, int digestLength, string expected)
    {
        foreach (var (name, hash) in Implementations())
        {
            var digest = new byte[digestLength];
            hash(Input(input), digest, ReadOnlySpan<byte>.Empty);
            Assert.True(Hex.Encode(digest) == expected, $"{name}: {Hex.Encode(digest)}");
        }
    }

    [Theory]
    [MemberData(nameof(ShortKeys))]
    public void Keyed_digest_with_short_key_matches_reference(string input, int keyLength, int digestLength, string expected)
    {
        foreach (var (name, hash) in Implementations())
        {
            var digest = new byte[digestLength];
            hash(Input(input), digest, Sequence(keyLength));
            Assert.True(Hex.Encode(digest) == expected, $"{name}: {Hex.Encode(digest)}");
        }
    }

    [Fact]
    public void Hash256_equals_libsodium_for_every_length_0_to_4096()
    {
        AssertUnkeyedEqualsLibsodium((data, digest, _) => Blake2b.Hash256(data, digest));
    }

    [SkippableTheory]
    [InlineData("scalar")]
    [InlineData("vector")]
    public void Each_path_equals_libsodium_for_every_length_0_to_4096(string implementation)
    {
        AssertUnkeyedEqualsLibsodium(Implementation(implementation));
    }

    [SkippableTheory]
    [InlineData("public")]
    [InlineData("scalar")]
    [InlineData("vector")]
    public void Keyed_hash_equals_libsodium_mac_for_key_and_digest_lengths_libsodium_accepts(string implementation)
    {
        HashFunction hash = Implementation(implementation);

        // NSec's keyed BLAKE2b takes keys of 16 to 64 bytes and digests of 16 to 64 bytes; shorter keys and
        // digests are covered by the Python constants above.
        var random = new Random(2012);
        var key = new byte[Blake2bMac.MaxKeySize];
        var expected = new byte[Blake2bMac.MaxMacSize];
        var actual = new byte[Blake2bMac.MaxMacSize];

        for (int length = 0; length <= 4096; length += length < 300 ? 1 : 37)
        {
            var input = new byte[length];
            random.NextBytes(input);
            Span<byte> keyBytes = key.AsSpan(0, random.Next(Blake2bMac.MinKeySize, Blake2bMac.MaxKeySize + 1));
            random.NextBytes(keyBytes);
            int digestLength = random.Next(Blake2bMac.MinMacSize, Blake2bMac.MaxMacSize + 1);
            var algorithm = new Blake2bMac(keyBytes.Length, digestLength);

            using (var nsecKey = NSecKey.Import(algorithm, keyBytes, KeyBlobFormat.RawSymmetricKey))
            {
                algorithm.Mac(nsecKey, input, expected.AsSpan(0, digestLength));
            }

            hash(input, actual.AsSpan(0, digestLength), keyBytes);

            if (!expected.AsSpan(0, digestLength).SequenceEqual(actual.AsSpan(0, digestLength)))
            {
                Assert.Fail($"length {length}, key {keyBytes.Length} B, digest {digestLength} B: "
                    + $"libsodium {Hex.Encode(expected.AsSpan(0, digestLength))}, managed {Hex.Encode(actual.AsSpan(0, digestLength))}");
            }
        }
    }

    [Fact]
    public void Hash256_writes_only_the_first_32_bytes_of_a_longer_destination()
    {
        var digest = new byte[40];
        digest.AsSpan().Fill(0xee);
        Blake2b.Hash256("abc"u8, digest);

        Assert.Equal("bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319", Hex.Encode(digest.AsSpan(0, 32)));
        Assert.All(digest[32..], b => Assert.Equal(0xee, b));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    public void Digest_length_out_of_range_throws(int digestLength)
    {
        var digest = new byte[digestLength];
        foreach (var (_, hash) in Implementations())
        {
            Assert.Throws<ArgumentException>(() => hash("abc"u8, digest, ReadOnlySpan<byte>.Empty));
        }
    }

    [Fact]
    public void Key_longer_than_64_bytes_throws()
    {
        var digest = new byte[32];
        var key = new byte[65];
        foreach (var (_, hash) in Implementations())
        {
            Assert.Throws<ArgumentException>(() => hash("abc"u8, digest, key));
        }
    }

    [Fact]
    public void Digest_may_overlap_the_input()
    {
        var data = Sequence(300);
        var expected = new byte[64];
        Blake2b.Hash(data, expected, ReadOnlySpan<byte>.Empty);

        foreach (var (name, hash) in Implementations())
        {
            var buffer = Sequence(300);
            hash(buffer, buffer.AsSpan(0, 64), ReadOnlySpan<byte>.Empty);
            Assert.True(expected.AsSpan().SequenceEqual(buffer.AsSpan(0, 64)), name);
        }
    }

    [Fact]
    public void Hash256_into_destination_shorter_than_32_bytes_throws()
    {
        var digest = new byte[31];
        Assert.ThrowsAny<ArgumentException>(() => Blake2b.Hash256("abc"u8, digest));
    }

    private static void AssertUnkeyedEqualsLibsodium(HashFunction hash)
    {
        var random = new Random(7693);
        var data = new byte[4096];
        var expected = new byte[32];
        var actual = new byte[32];

        for (int length = 0; length <= data.Length; length++)
        {
            Span<byte> input = data.AsSpan(0, length);
            random.NextBytes(input);

            NSecHash.Blake2b_256.Hash(input, expected);
            hash(input, actual, ReadOnlySpan<byte>.Empty);

            if (!expected.AsSpan().SequenceEqual(actual))
            {
                Assert.Fail($"length {length}: libsodium {Hex.Encode(expected)}, managed {Hex.Encode(actual)}");
            }
        }
    }

    private static byte[] KatOutput(HashFunction hash, int inputLength)
    {
        var digest = new byte[Blake2b.MaxDigestLength];
        hash(Sequence(inputLength), digest, Sequence(Blake2b.MaxKeyLength));
        return digest;
    }

    /// <summary>Bytes 0x00, 0x01, … as the KAT file builds its keys and inputs.</summary>
    private static byte[] Sequence(int length)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)i;
        }

        return bytes;
    }

    private static byte[] Input(string name) => name switch
    {
        "empty" => [],
        "abc" => "abc"u8.ToArray(),
        "0..199" => Sequence(200),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown test input"),
    };
}
