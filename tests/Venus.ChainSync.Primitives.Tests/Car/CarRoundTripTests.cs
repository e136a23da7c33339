using System.Security.Cryptography;
using Venus.ChainSync.Primitives.Car;
using static Venus.ChainSync.Primitives.Tests.Car.CarTestData;

namespace Venus.ChainSync.Primitives.Tests.Car;

public class CarRoundTripTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Random_blocks_written_then_read_come_back_identical_and_verified(int seed)
    {
        var random = new Random(seed);
        List<Block> blocks = RandomBlocks(random, count: 60);
        Cid[] roots = [blocks[0].Cid, blocks[^1].Cid];

        var output = new MemoryStream();
        long written;
        await using (CarWriter writer = await CarWriter.CreateAsync(output, roots, leaveOpen: true, Guard()))
        {
            foreach (Block block in blocks)
            {
                await writer.WriteBlockAsync(block.Cid, block.Data, Guard());
            }

            written = writer.Position;
        }

        byte[] car = output.ToArray();
        Assert.Equal(car.Length, written);

        // Tiny reads split every varint, CID and block across pipe reads.
        await using CarReader reader = await CarReader.CreateAsync(new TrickleStream(car, maxChunk: 13, seed), Verifying, cancellationToken: Guard());
        Assert.Equal(roots, reader.Roots);
        AssertSameBlocks(blocks, await ReadAllAsync(reader));
        Assert.Equal(car.Length, reader.Position);
    }

    [Fact]
    public async Task Header_only_car_has_roots_and_no_blocks()
    {
        Cid root = Cid.ComputeDagCbor("root"u8);
        var output = new MemoryStream();
        await using (await CarWriter.CreateAsync(output, [root], leaveOpen: true, Guard()))
        {
        }

        Assert.Equal(WithHeader(HeaderBytes(root)), output.ToArray());
        output.Position = 0;
        await using CarReader reader = await CarReader.CreateAsync(output, cancellationToken: Guard());
        Assert.Equal([root], reader.Roots);
        Assert.Null(await reader.ReadNextAsync(Guard()));
        Assert.Null(await reader.ReadNextAsync(Guard()));
    }

    [Fact]
    public async Task Reader_gives_every_block_its_own_array()
    {
        (byte[] car, Block[] expected) = SmallCar();
        await using CarReader reader = await CarReader.CreateAsync(new MemoryStream(car), cancellationToken: Guard());
        Block first = (await reader.ReadNextAsync(Guard()))!.Value;
        Block second = (await reader.ReadNextAsync(Guard()))!.Value;

        car.AsSpan().Clear();
        Assert.True(first.Data.Span.SequenceEqual(expected[0].Data.Span));
        Assert.True(second.Data.Span.SequenceEqual(expected[1].Data.Span));
    }

    [Fact]
    public async Task Disposing_the_reader_disposes_the_stream_unless_left_open()
    {
        (byte[] car, _) = SmallCar();
        var closed = new MemoryStream(car);
        await (await CarReader.CreateAsync(closed, cancellationToken: Guard())).DisposeAsync();
        Assert.False(closed.CanRead);

        var kept = new MemoryStream(car);
        await (await CarReader.CreateAsync(kept, leaveOpen: true, cancellationToken: Guard())).DisposeAsync();
        Assert.True(kept.CanRead);
    }

    [Fact]
    public async Task Writer_refuses_no_roots_and_default_cids()
    {
        await Assert.ThrowsAsync<ArgumentException>(async () => await CarWriter.CreateAsync(new MemoryStream(), [], cancellationToken: Guard()));
        await Assert.ThrowsAsync<ArgumentException>(async () => await CarWriter.CreateAsync(new MemoryStream(), [default], cancellationToken: Guard()));

        await using CarWriter writer = await CarWriter.CreateAsync(new MemoryStream(), [Cid.ComputeDagCbor("r"u8)], cancellationToken: Guard());
        await Assert.ThrowsAsync<ArgumentException>(async () => await writer.WriteBlockAsync(default, new byte[1], Guard()));
    }

    [Fact]
    public async Task Writer_observes_cancellation_and_refuses_use_after_dispose()
    {
        CarWriter writer = await CarWriter.CreateAsync(new MemoryStream(), [Cid.ComputeDagCbor("r"u8)], cancellationToken: Guard());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            async () => await writer.WriteBlockAsync(Cid.ComputeDagCbor("x"u8), "x"u8.ToArray(), new CancellationToken(canceled: true)));

        await writer.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await writer.WriteBlockAsync(Cid.ComputeDagCbor("x"u8), "x"u8.ToArray(), Guard()));
    }

    private static List<Block> RandomBlocks(Random random, int count)
    {
        // Sizes cover one-byte and two-byte-plus length varints, empty blocks and blocks larger than the 64 KiB
        // read buffer; hashes cover every kind the reader can verify, and CIDv0.
        int[] sizes = [0, 1, 90, 127, 128, 200, 1_000, 70_000, 200_000];
        var blocks = new List<Block>(count);
        for (int i = 0; i < count; i++)
        {
            byte[] data = new byte[sizes[random.Next(sizes.Length)]];
            random.NextBytes(data);
            Cid cid = (i % 5) switch
            {
                0 => Cid.ComputeDagCbor(data),
                1 => Cid.Compute(Multicodec.Raw, data),
                2 => Sha256Cid(Multicodec.DagCbor, data),
                3 => Cid.FromBytes([0x12, 0x20, .. SHA256.HashData(data)]),
                _ => data.Length <= Multihash.MaxDigestLength ? IdentityCid(data) : Cid.ComputeDagCbor(data),
            };
            blocks.Add(new Block(cid, data));
        }

        return blocks;
    }
}
