using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Car;
using ZstdSharp;

namespace Venus.ChainSync.Fuzz.Seeds;

/// <summary>CAR seeds: written by the library's own <see cref="CarWriter"/>, and zstd-compressed for <c>car-zst</c>.</summary>
internal static class CarFiles
{
    public static async Task<byte[]> WriteAsync(IReadOnlyList<Cid> roots, IEnumerable<Block> blocks)
    {
        var output = new MemoryStream();
        await using (CarWriter writer = await CarWriter.CreateAsync(output, roots, leaveOpen: true))
        {
            foreach (Block block in blocks)
            {
                await writer.WriteBlockAsync(block);
            }
        }

        return output.ToArray();
    }

    /// <summary>Adds the CAR to <c>car</c>, and compressed three ways to <c>car-zst</c>: fast, strong, and as two frames.</summary>
    public static void AddPlainAndCompressed(SeedSink sink, string name, byte[] car)
    {
        sink.Add("car", name, car);
        sink.Add("car-zst", name + "-level1", Compress(car, 1));
        sink.Add("car-zst", name + "-level19", Compress(car, 19));

        // A zstd stream may hold several frames back to back; the decoder must join them.
        int half = car.Length / 2;
        sink.Add("car-zst", name + "-two-frames", [.. Compress(car[..half], 3), .. Compress(car[half..], 3)]);
    }

    private static byte[] Compress(byte[] data, int level)
    {
        using var compressor = new Compressor(level);
        return compressor.Wrap(data).ToArray();
    }
}
