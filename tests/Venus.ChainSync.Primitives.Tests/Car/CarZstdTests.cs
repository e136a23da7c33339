using Venus.ChainSync.Primitives.Car;
using Venus.ChainSync.Primitives.Tests.TestSupport;
using ZstdSharp;
using static Venus.ChainSync.Primitives.Tests.Car.CarTestData;

namespace Venus.ChainSync.Primitives.Tests.Car;

public class CarZstdTests
{
    [SkippableFact]
    public async Task Compressed_mainnet_file_reads_the_same_as_the_plain_one()
    {
        byte[] plain = SharedVectors.Bytes("genesis/mainnet.car");
        byte[] compressed = Compress(plain);
        Assert.Equal([0x28, 0xb5, 0x2f, 0xfd], compressed[..4]);

        string path = Path.Combine(Path.GetTempPath(), $"venus-car-{Guid.NewGuid():N}.car.zst");
        await File.WriteAllBytesAsync(path, compressed);
        try
        {
            await using CarReader expected = await CarReader.CreateAsync(new MemoryStream(plain), cancellationToken: Guard());
            await using CarReader actual = await CarReader.OpenFileAsync(path, Verifying, Guard());

            Assert.True(actual.IsCompressed);
            Assert.Equal(expected.Roots, actual.Roots);
            AssertSameBlocks(await ReadAllAsync(expected), await ReadAllAsync(actual));
            Assert.Equal(plain.Length, actual.Position);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [SkippableFact]
    public async Task Compressed_car_is_detected_on_a_trickling_unseekable_stream()
    {
        byte[] plain = SharedVectors.Bytes("genesis/calibnet.car");
        await using CarReader reader = await CarReader.CreateAsync(new TrickleStream(Compress(plain), maxChunk: 50), Verifying, cancellationToken: Guard());

        Assert.True(reader.IsCompressed);
        Assert.Equal("bafy2bzacecyaggy24wol5ruvs6qm73gjibs2l2iyhcqmvi7r7a4ph7zx3yqd4", reader.Roots[0].ToString());
        Assert.Equal(1207, (await ReadAllAsync(reader)).Count);
    }

    [Fact]
    public async Task Small_compressed_car_round_trips()
    {
        (byte[] car, Block[] blocks) = SmallCar();
        await using CarReader reader = await CarReader.CreateAsync(new MemoryStream(Compress(car)), Verifying, cancellationToken: Guard());
        Assert.True(reader.IsCompressed);
        AssertSameBlocks(blocks, await ReadAllAsync(reader));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(12)]
    [InlineData(-3)]
    public async Task Truncated_zstd_stream_fails_with_a_format_error(int keep)
    {
        (byte[] car, _) = SmallCar();
        byte[] compressed = Compress(car);
        int length = keep > 0 ? keep : compressed.Length + keep;

        await ReadExpectingFailureAsync(compressed[..length]);
    }

    [Fact]
    public async Task Plain_car_is_not_mistaken_for_zstd()
    {
        (byte[] car, Block[] blocks) = SmallCar();
        await using CarReader reader = await CarReader.CreateAsync(new MemoryStream(car), cancellationToken: Guard());
        Assert.False(reader.IsCompressed);
        AssertSameBlocks(blocks, await ReadAllAsync(reader));
    }

    private static byte[] Compress(byte[] data)
    {
        using var compressor = new Compressor(3);
        return compressor.Wrap(data).ToArray();
    }
}
