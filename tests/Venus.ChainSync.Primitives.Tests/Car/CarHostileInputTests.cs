using Venus.ChainSync.Primitives.Car;
using static Venus.ChainSync.Primitives.Tests.Car.CarTestData;

namespace Venus.ChainSync.Primitives.Tests.Car;

public class CarHostileInputTests
{
    [Theory]
    [InlineData(0, 0)] // empty input
    [InlineData(1, 0)] // header length only
    [InlineData(30, 0)] // inside the header
    [InlineData(62, 61)] // inside the first section's two-byte length varint
    [InlineData(63, 61)] // after the length, before the CID
    [InlineData(80, 61)] // inside the CID
    [InlineData(200, 61)] // inside the block data
    [InlineData(300, 61)] // one byte short of the first section
    [InlineData(320, 301)] // inside the second section's CID
    [InlineData(349, 301)] // one byte short of the end
    public async Task Truncated_car_fails_at_the_start_of_the_cut_item(int keep, long offset)
    {
        (byte[] car, _) = SmallCar();
        CarFormatException ex = await ReadExpectingFailureAsync(car[..keep]);
        Assert.Equal(offset, ex.Offset);
    }

    [Theory]
    [InlineData(61, 0)]
    [InlineData(301, 1)]
    [InlineData(350, 2)]
    public async Task Car_cut_between_sections_is_a_valid_shorter_car(int keep, int blocks)
    {
        (byte[] car, _) = SmallCar();
        await using CarReader reader = await CarReader.CreateAsync(new MemoryStream(car[..keep]), cancellationToken: Guard());
        Assert.Equal(blocks, (await ReadAllAsync(reader)).Count);
    }

    [Theory]
    [InlineData(1UL << 62)]
    [InlineData(ulong.MaxValue)]
    [InlineData(CarReaderOptions.DefaultMaxSectionLength + 1UL)]
    public async Task Section_length_over_the_limit_fails_without_allocating_it(ulong declared)
    {
        Cid root = Cid.ComputeDagCbor("root"u8);
        byte[] car = WithHeader(HeaderBytes(root), VarintBytes(declared), new byte[64]);

        long before = GC.GetAllocatedBytesForCurrentThread();
        CarFormatException ex = await ReadExpectingFailureAsync(car);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(61, ex.Offset);
        Assert.InRange(allocated, 0, 1 << 20);
    }

    [Fact]
    public async Task Section_length_within_the_limit_but_not_backed_by_input_allocates_only_what_arrived()
    {
        Cid root = Cid.ComputeDagCbor("root"u8);
        byte[] car = WithHeader(HeaderBytes(root), VarintBytes(CarReaderOptions.DefaultMaxSectionLength), new byte[64]);

        long before = GC.GetAllocatedBytesForCurrentThread();
        CarFormatException ex = await ReadExpectingFailureAsync(car);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(61, ex.Offset);
        Assert.InRange(allocated, 0, 1 << 20);
    }

    [Fact]
    public async Task Section_over_a_custom_limit_is_refused()
    {
        (byte[] car, _) = SmallCar();
        CarFormatException ex = await ReadExpectingFailureAsync(car, new CarReaderOptions { MaxSectionLength = 100 });
        Assert.Equal(61, ex.Offset);
    }

    [Fact]
    public async Task Header_length_over_the_limit_fails_before_reading_the_header()
    {
        // The bytes are all there, so the failure can only be the limit, not truncation.
        int declared = CarReaderOptions.DefaultMaxHeaderLength + 1;
        byte[] car = Concat(VarintBytes((ulong)declared), new byte[declared]);

        long before = GC.GetAllocatedBytesForCurrentThread();
        CarFormatException ex = await ReadExpectingFailureAsync(car);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, ex.Offset);
        Assert.InRange(allocated, 0, 1 << 20);
        await ReadExpectingFailureAsync(SmallCar().Car, new CarReaderOptions { MaxHeaderLength = 59 });
    }

    [Fact]
    public async Task Non_minimal_header_length_varint_is_refused()
    {
        Cid root = Cid.ComputeDagCbor("root"u8);
        byte[] car = Concat([0xbc, 0x00], HeaderBytes(root));

        CarFormatException ex = await ReadExpectingFailureAsync(car);
        Assert.Equal(0, ex.Offset);
    }

    [Fact]
    public async Task Non_minimal_section_length_varint_is_refused()
    {
        (byte[] car, _) = SmallCar();

        // 240 - 2 = 238 is 0xee 0x01; 0xee 0x81 0x00 is the same number padded with a zero group.
        byte[] padded = Concat(car[..61], [0xee, 0x81, 0x00], car[63..]);

        CarFormatException ex = await ReadExpectingFailureAsync(padded);
        Assert.Equal(61, ex.Offset);
    }

    [Fact]
    public async Task Section_length_varint_overflowing_64_bits_is_refused()
    {
        (byte[] car, _) = SmallCar();
        byte[] overflow = Concat(car[..301], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);

        CarFormatException ex = await ReadExpectingFailureAsync(overflow);
        Assert.Equal(301, ex.Offset);
    }

    [Fact]
    public async Task Zero_length_section_is_refused()
    {
        (byte[] car, _) = SmallCar();
        CarFormatException ex = await ReadExpectingFailureAsync(Concat(car, [0x00]));
        Assert.Equal(350, ex.Offset);
    }

    [Fact]
    public async Task Section_shorter_than_its_cid_is_refused_at_the_cid()
    {
        (byte[] car, Block[] blocks) = SmallCar();
        byte[] cidPrefix = blocks[0].Cid.Bytes[..20].ToArray();
        CarFormatException ex = await ReadExpectingFailureAsync(Concat(car[..61], VarintBytes(20), cidPrefix));
        Assert.Equal(62, ex.Offset);
    }

    [Fact]
    public async Task Section_with_an_unknown_cid_version_is_refused_at_the_cid()
    {
        (byte[] car, _) = SmallCar();
        byte[] corrupt = (byte[])car.Clone();
        corrupt[63] = 0x02;

        CarFormatException ex = await ReadExpectingFailureAsync(corrupt);
        Assert.Equal(63, ex.Offset);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task Garbage_is_refused_with_a_format_error(int seed)
    {
        var random = new Random(seed);
        byte[] garbage = new byte[random.Next(1, 5_000)];
        random.NextBytes(garbage);

        await ReadExpectingFailureAsync(garbage);
        await ReadExpectingFailureAsync("this is not a CAR file at all"u8.ToArray());
    }

    [Fact]
    public async Task Garbage_after_valid_blocks_fails_after_yielding_them()
    {
        (byte[] car, Block[] blocks) = SmallCar();
        await using CarReader reader = await CarReader.CreateAsync(new MemoryStream(Concat(car, "\u0005junk"u8.ToArray())), cancellationToken: Guard());

        AssertSameBlocks(blocks, [(await reader.ReadNextAsync(Guard()))!.Value, (await reader.ReadNextAsync(Guard()))!.Value]);
        CarFormatException ex = await Assert.ThrowsAsync<CarFormatException>(async () => await reader.ReadNextAsync(Guard()));
        Assert.Equal(350, ex.Offset);
    }

    [Fact]
    public async Task Carv2_pragma_is_refused_as_unsupported()
    {
        // The 11-byte CARv2 pragma, then the 40-byte CARv2 header.
        byte[] carv2 = Concat([0x0a, 0xa1, 0x67], "version"u8.ToArray(), [0x02], new byte[40]);

        CarFormatException ex = await ReadExpectingFailureAsync(carv2);
        Assert.Equal(1, ex.Offset);
        Assert.Contains("CAR v2 is not supported", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hash_mismatch_fails_when_verifying_and_passes_through_otherwise()
    {
        (byte[] car, _) = SmallCar();
        byte[] corrupt = (byte[])car.Clone();
        corrupt[150] ^= 0x01; // inside the first block's data

        CarFormatException ex = await ReadExpectingFailureAsync(corrupt, Verifying);
        Assert.Equal(61, ex.Offset);

        await using CarReader trusting = await CarReader.CreateAsync(new MemoryStream(corrupt), cancellationToken: Guard());
        List<Block> blocks = await ReadAllAsync(trusting);
        Assert.False(blocks[0].Verify());
        Assert.True(blocks[1].Verify());
    }

    [Fact]
    public async Task Identity_cid_whose_digest_differs_from_the_data_fails_when_verifying()
    {
        Cid root = IdentityCid("fil/1/system"u8);
        byte[] car = WithHeader(HeaderBytes(root), Section(root, "fil/1/sYstem"u8.ToArray()));

        CarFormatException ex = await ReadExpectingFailureAsync(car, Verifying);
        // A 16-byte identity CID makes a 37-byte header, so the section starts at 38.
        Assert.Equal(38, ex.Offset);
    }

    [Fact]
    public async Task Unverifiable_hash_is_passed_through_when_verifying()
    {
        // sha3-256 (0x16) is a real multihash this library does not compute.
        Cid sha3 = Cid.Create(Multicodec.Raw, Multihash.Create(0x16, new byte[32]));
        Cid root = Cid.ComputeDagCbor("root"u8);
        byte[] car = WithHeader(HeaderBytes(root), Section(sha3, "anything"u8.ToArray()));

        await using CarReader reader = await CarReader.CreateAsync(new MemoryStream(car), Verifying, cancellationToken: Guard());
        Block block = Assert.Single(await ReadAllAsync(reader));
        Assert.False(block.Cid.CanVerify);
    }

    [Fact]
    public async Task Reader_refuses_to_continue_after_a_failure()
    {
        (byte[] car, _) = SmallCar();
        await using CarReader reader = await CarReader.CreateAsync(new MemoryStream(car[..200]), cancellationToken: Guard());

        await Assert.ThrowsAsync<CarFormatException>(async () => await reader.ReadNextAsync(Guard()));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await reader.ReadNextAsync(Guard()));
    }

    [Fact]
    public async Task Cancelled_token_cancels_reading()
    {
        (byte[] car, _) = SmallCar();
        var cancelled = new CancellationToken(canceled: true);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await CarReader.CreateAsync(new MemoryStream(car), cancellationToken: cancelled));

        await using CarReader reader = await CarReader.CreateAsync(new MemoryStream(car), cancellationToken: Guard());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await reader.ReadNextAsync(cancelled));

        // Cancellation is not a fault of the input: the reader carries on.
        Assert.NotNull(await reader.ReadNextAsync(Guard()));
    }

    [Fact]
    public async Task Cancelling_in_the_middle_of_a_section_leaves_the_reader_failed()
    {
        (byte[] car, _) = SmallCar();
        var pipe = new System.IO.Pipelines.Pipe();
        await pipe.Writer.WriteAsync(car.AsMemory(0, 200), Guard());

        await using CarReader reader = await CarReader.CreateAsync(pipe.Reader.AsStream(), cancellationToken: Guard());
        using var cts = new CancellationTokenSource();

        // The read consumes the section length, then waits for the rest of the section, which never comes.
        ValueTask<Block?> pending = reader.ReadNextAsync(cts.Token);
        Assert.False(pending.IsCompleted);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await pending);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await reader.ReadNextAsync(Guard()));
    }

    [Fact]
    public async Task Invalid_limits_are_refused()
    {
        (byte[] car, _) = SmallCar();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () =>
            await CarReader.CreateAsync(new MemoryStream(car), new CarReaderOptions { MaxSectionLength = 0 }, cancellationToken: Guard()));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () =>
            await CarReader.CreateAsync(new MemoryStream(car), new CarReaderOptions { MaxHeaderLength = -1 }, cancellationToken: Guard()));
    }
}
