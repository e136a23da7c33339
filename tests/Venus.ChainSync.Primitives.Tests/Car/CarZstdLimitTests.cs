using Venus.ChainSync.Primitives.Car;
using ZstdSharp;
using ZstdSharp.Unsafe;
using static Venus.ChainSync.Primitives.Tests.Car.CarTestData;

namespace Venus.ChainSync.Primitives.Tests.Car;

/// <summary>
/// What a small compressed input may cost: the fuzzing run found a 6 KB <c>.car.zst</c> expanding to 20 sections of
/// 8 MiB (160 MiB allocated) and a decoder window of 128 MiB. The window is capped and the output held to a ratio
/// of the input, each with an option for archives that need more.
/// </summary>
public class CarZstdLimitTests
{
    private const int SectionLength = CarReaderOptions.DefaultMaxSectionLength;

    [Fact]
    public async Task A_decompression_bomb_fails_after_allocating_a_bounded_amount()
    {
        byte[] bomb = CompressedZeroSections(sections: 20, SectionLength, out int compressedLength);
        Assert.True(compressedLength < 64 * 1024, $"the bomb is {compressedLength} bytes");

        long before = GC.GetAllocatedBytesForCurrentThread();
        CarFormatException ex = await ReadExpectingFailureAsync(bomb);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Two sections' allowance (16 MiB) plus 64 times the input, and the reader's own buffers: far from 160 MiB.
        Assert.InRange(ex.Offset, 0, (2L * SectionLength) + (64L * compressedLength) + 1);
        Assert.InRange(allocated, 0, 40L << 20);
    }

    [Fact]
    public async Task A_highly_compressible_archive_reads_when_the_ratio_is_raised()
    {
        byte[] archive = CompressedZeroSections(sections: 3, SectionLength, out _);
        var generous = new CarReaderOptions { MaxExpansionRatio = 1_000_000 };

        await using CarReader reader = await CarReader.CreateAsync(new MemoryStream(archive), generous, cancellationToken: Guard());
        Assert.Equal(3, (await ReadAllAsync(reader)).Count);
        await ReadExpectingFailureAsync(archive);
    }

    [Fact]
    public async Task A_budget_on_decompressed_bytes_stops_an_archive_that_is_otherwise_fine()
    {
        (byte[] car, Block[] blocks) = SmallCar();
        byte[] compressed = new Compressor(3).Wrap(car).ToArray();

        await using (CarReader reader = await CarReader.CreateAsync(new MemoryStream(compressed), new CarReaderOptions { MaxDecompressedLength = car.Length }, cancellationToken: Guard()))
        {
            Assert.Equal(blocks.Length, (await ReadAllAsync(reader)).Count);
        }

        CarFormatException ex = await ReadExpectingFailureAsync(compressed, new CarReaderOptions { MaxDecompressedLength = car.Length - 1 });
        Assert.Equal(car.Length - 1, ex.Offset);
    }

    [Fact]
    public async Task A_frame_needing_a_window_over_the_limit_is_refused_unless_the_limit_is_raised()
    {
        (byte[] car, Block[] blocks) = SmallCar();
        byte[] longWindow = StreamCompressed(car, windowLog: 27);

        await ReadExpectingFailureAsync(longWindow);
        await using CarReader reader = await CarReader.CreateAsync(new MemoryStream(longWindow), new CarReaderOptions { MaxZstdWindowLog = 27 }, cancellationToken: Guard());
        Assert.Equal(blocks.Length, (await ReadAllAsync(reader)).Count);
    }

    [Theory]
    [InlineData(9, 64, null)]
    [InlineData(32, 64, null)]
    [InlineData(23, 0, null)]
    [InlineData(23, 64, 0L)]
    public async Task Limits_out_of_range_are_caller_mistakes(int windowLog, int ratio, long? budget)
    {
        var options = new CarReaderOptions { MaxZstdWindowLog = windowLog, MaxExpansionRatio = ratio, MaxDecompressedLength = budget };
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => CarReader.CreateAsync(new MemoryStream(SmallCar().Car), options).AsTask());
    }

    /// <summary>A CAR of <paramref name="sections"/> raw blocks of zeros, each section of the given length, compressed as it is written.</summary>
    private static byte[] CompressedZeroSections(int sections, int sectionLength, out int compressedLength)
    {
        var output = new MemoryStream();
        using (var compressor = new CompressionStream(output, 1, leaveOpen: true))
        {
            Cid root = IdentityCid("root"u8);
            compressor.Write(WithHeader(HeaderBytes(root)));
            byte[] zeros = new byte[1 << 20];
            for (int s = 0; s < sections; s++)
            {
                Cid cid = IdentityCid([(byte)s]);
                compressor.Write(VarintBytes((ulong)sectionLength));
                compressor.Write(cid.Bytes);
                for (int left = sectionLength - cid.Bytes.Length; left > 0; left -= zeros.Length)
                {
                    compressor.Write(zeros, 0, Math.Min(left, zeros.Length));
                }
            }
        }

        compressedLength = (int)output.Length;
        return output.ToArray();
    }

    /// <summary>Compresses as a stream of unknown size, so the frame declares its window rather than its content size.</summary>
    private static byte[] StreamCompressed(byte[] data, int windowLog)
    {
        var output = new MemoryStream();
        using (var compressor = new CompressionStream(output, 3, leaveOpen: true))
        {
            compressor.SetParameter(ZSTD_cParameter.ZSTD_c_windowLog, windowLog);
            compressor.Write(data);
        }

        return output.ToArray();
    }
}
