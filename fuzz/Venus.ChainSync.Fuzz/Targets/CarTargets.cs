using System.Runtime.InteropServices;
using Venus.ChainSync.Fuzz.Harness;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Car;
using ZstdSharp;

namespace Venus.ChainSync.Fuzz.Targets;

/// <summary>
/// CAR v1 archives, plain or zstd-compressed, read whole by <see cref="CarReader"/> with
/// <see cref="CarReaderOptions.VerifyHashes"/> on. The reader documents <see cref="CarFormatException"/> as its only
/// refusal of bad input. The zstd target feeds its input as it is (it compresses nothing itself): its seeds are
/// compressed CARs, and the reader tells them apart by the zstd magic number.
/// </summary>
/// <remarks>
/// The reader's expansion limit must stop a zstd bomb with <see cref="CarFormatException"/>; as a safety net the
/// decompressed stream also counts against the target's budget as it is read, so a bomb the library let through is
/// reported as a finding when it passes the budget, not left to exhaust memory.
/// </remarks>
internal static class CarTargets
{
    // The library's own limits, with sections capped at 64 KiB: the reader then promises that a compressed input
    // yields at most two sections plus 64 times its length (MaxExpansionRatio), which lies inside the target's
    // budget (256 × input + 256 KiB), so a bomb must be refused by the library, not by this harness. With the default
    // 8 MiB sections the promise (16 MiB of allowance) is larger than the budget of any small input.
    private static readonly CarReaderOptions Options = new() { VerifyHashes = true, MaxSectionLength = 64 * 1024 };

    public static void Read(ReadOnlyMemory<byte> input, AllocationMeter meter)
    {
        CarContents car;
        try
        {
            car = meter.Call(() => ReadAll(input, meter.Limit));
        }
        catch (CarFormatException)
        {
            return;
        }

        foreach (Block block in car.Blocks)
        {
            RoundTrip.That(!block.Cid.CanVerify || block.Verify(), $"block {block.Cid} was read with hashes verified but does not match its CID");
        }

        // The writer documents that writing the blocks a reader read, in order, under the same roots, reproduces the
        // archive byte for byte; for a compressed archive, its decompressed bytes.
        byte[] expected = car.Compressed ? Decompress(input, meter.Limit) : input.ToArray();
        RoundTrip.Bytes("CarWriter over the blocks read", expected, Rewrite(car));
    }

    private static CarContents ReadAll(ReadOnlyMemory<byte> input, long maxDecompressed)
    {
        CarReader reader = Synchronously.Complete(CarReader.CreateAsync(OpenRead(input), Options));
        try
        {
            var blocks = new List<Block>();
            while (Synchronously.Complete(reader.ReadNextAsync()) is { } block)
            {
                blocks.Add(block);
                if (reader.Position > maxDecompressed)
                {
                    throw new FuzzFailure($"the CAR stream reached {reader.Position} bytes from a {input.Length}-byte input, over the budget of {maxDecompressed}");
                }
            }

            return new CarContents(reader.Roots, blocks, reader.IsCompressed);
        }
        finally
        {
            Synchronously.Complete(reader.DisposeAsync());
        }
    }

    private static MemoryStream OpenRead(ReadOnlyMemory<byte> input)
    {
        // A view over the input, not a copy: a copy would count against the budget as the reader's allocation.
        return MemoryMarshal.TryGetArray(input, out ArraySegment<byte> segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(input.ToArray(), writable: false);
    }

    private static byte[] Rewrite(CarContents car)
    {
        var output = new MemoryStream();
        CarWriter writer = Synchronously.Complete(CarWriter.CreateAsync(output, car.Roots, leaveOpen: true));
        foreach (Block block in car.Blocks)
        {
            Synchronously.Complete(writer.WriteBlockAsync(block));
        }

        Synchronously.Complete(writer.DisposeAsync());
        return output.ToArray();
    }

    private static byte[] Decompress(ReadOnlyMemory<byte> input, long maxBytes)
    {
        using var decompressed = new DecompressionStream(OpenRead(input));
        var output = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = decompressed.Read(buffer)) > 0)
        {
            output.Write(buffer, 0, read);
            RoundTrip.That(output.Length <= maxBytes + buffer.Length, "the independent decompression of an archive the reader accepted passed the budget");
        }

        return output.ToArray();
    }

    private sealed record CarContents(IReadOnlyList<Cid> Roots, List<Block> Blocks, bool Compressed);
}
