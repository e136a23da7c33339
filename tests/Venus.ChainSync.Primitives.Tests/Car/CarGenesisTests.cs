using System.Security.Cryptography;
using System.Text.Json;
using Venus.ChainSync.Primitives.Car;
using Venus.ChainSync.Primitives.Tests.TestSupport;
using static Venus.ChainSync.Primitives.Tests.Car.CarTestData;

namespace Venus.ChainSync.Primitives.Tests.Car;

public class CarGenesisTests
{
    [SkippableTheory]
    [InlineData("mainnet")]
    [InlineData("calibnet")]
    public async Task Genesis_car_read_with_hash_checks_matches_the_summary(string network)
    {
        using JsonDocument summary = SharedVectors.Json("genesis/genesis-summary.json");
        JsonElement expected = summary.RootElement.GetProperty(network);
        string path = SharedVectors.PathOf(expected.GetProperty("file").GetString()!);

        await using CarReader reader = await CarReader.OpenFileAsync(path, Verifying, Guard());
        List<Block> blocks = await ReadAllAsync(reader);

        Assert.Equal(expected.GetProperty("car_version").GetInt32(), reader.Version);
        Assert.False(reader.IsCompressed);
        Assert.Equal(
            expected.GetProperty("roots").EnumerateArray().Select(r => r.GetString()),
            reader.Roots.Select(r => r.ToString()));
        Assert.Equal(expected.GetProperty("block_count").GetInt32(), blocks.Count);
        Assert.Equal(expected.GetProperty("unique_blocks").GetInt32(), blocks.Select(b => b.Cid).Distinct().Count());
        Assert.Equal(expected.GetProperty("total_block_bytes").GetInt64(), blocks.Sum(b => (long)b.Data.Length));
        Assert.Equal(expected.GetProperty("size_bytes").GetInt64(), reader.Position);
        Assert.Equal(reader.Roots[0], blocks[expected.GetProperty("root_block_index").GetInt32()].Cid);

        // The reader verified every block; check again here, and that none was skipped as unverifiable.
        Assert.All(blocks, b => Assert.True(b.Cid.CanVerify && b.Verify(), b.ToString()));

        Assert.Equal(
            Counts(expected.GetProperty("codecs")),
            Tally(blocks, b => $"0x{b.Cid.Codec:x}"));
        Assert.Equal(
            Counts(expected.GetProperty("multihashes")),
            Tally(blocks, b => $"0x{b.Cid.Multihash.Code:x}/len{b.Cid.Multihash.Digest.Length}"));
    }

    [SkippableFact]
    public async Task Genesis_car_holds_blake2b_sha256_and_identity_blocks()
    {
        await using CarReader reader = await CarReader.OpenFileAsync(SharedVectors.PathOf("genesis/mainnet.car"), Verifying, Guard());
        List<Block> blocks = await ReadAllAsync(reader);

        var codes = blocks.Select(b => b.Cid.Multihash.Code).ToHashSet();
        Assert.Equal(new HashSet<ulong> { MultihashCode.Blake2b256, MultihashCode.Sha2_256, MultihashCode.Identity }, codes);
        Block parent = Assert.Single(blocks, b => b.Cid.Multihash.Code == MultihashCode.Sha2_256);
        Assert.Equal("bafyreiaqpwbbyjo4a42saasj36kkrpv4tsherf2e7bvezkert2a7dhonoi", parent.Cid.ToString());
        Assert.Contains(blocks, b => b.Cid.Multihash.Code == MultihashCode.Identity && b.Data.Span.SequenceEqual("fil/1/system"u8));
    }

    [SkippableFact]
    public async Task Mainnet_read_then_written_again_is_byte_identical()
    {
        byte[] original = SharedVectors.Bytes("genesis/mainnet.car");
        await using CarReader reader = await CarReader.CreateAsync(new MemoryStream(original), cancellationToken: Guard());
        List<Block> blocks = await ReadAllAsync(reader);

        var output = new MemoryStream();
        await using (CarWriter writer = await CarWriter.CreateAsync(output, reader.Roots, leaveOpen: true, Guard()))
        {
            foreach (Block block in blocks)
            {
                await writer.WriteBlockAsync(block, Guard());
            }

            Assert.Equal(original.Length, writer.Position);
        }

        Assert.Equal(original.Length, output.Length);
        Assert.Equal(Hex.Encode(SHA256.HashData(original)), Hex.Encode(SHA256.HashData(output.ToArray())));
        Assert.True(original.AsSpan().SequenceEqual(output.ToArray()));
    }

    [SkippableFact]
    public async Task Mainnet_read_through_a_trickling_unseekable_stream_gives_the_same_blocks()
    {
        byte[] original = SharedVectors.Bytes("genesis/mainnet.car");
        await using CarReader plain = await CarReader.CreateAsync(new MemoryStream(original), cancellationToken: Guard());
        await using CarReader trickled = await CarReader.CreateAsync(new TrickleStream(original, maxChunk: 97), Verifying, cancellationToken: Guard());

        AssertSameBlocks(await ReadAllAsync(plain), await ReadAllAsync(trickled));
        Assert.Equal(original.Length, trickled.Position);
    }

    [SkippableFact]
    public void Largest_mainnet_genesis_section_is_10632_bytes()
    {
        // Backs the claim in CarReaderOptions.DefaultMaxSectionLength's documentation.
        byte[] car = SharedVectors.Bytes("genesis/mainnet.car");
        int largest = 0;
        int offset = 61;
        while (offset < car.Length)
        {
            Assert.True(Varint.TryRead(car.AsSpan(offset), out ulong length, out int varintLength));
            largest = Math.Max(largest, (int)length);
            offset += varintLength + (int)length;
        }

        Assert.Equal(10_632, largest);
    }

    private static Dictionary<string, int> Counts(JsonElement counts) =>
        counts.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());

    private static Dictionary<string, int> Tally(IEnumerable<Block> blocks, Func<Block, string> key) =>
        blocks.GroupBy(key).ToDictionary(g => g.Key, g => g.Count());
}
