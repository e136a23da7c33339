using System.Security.Cryptography;
using Venus.ChainSync.Primitives.Car;

namespace Venus.ChainSync.Primitives.Tests.Car;

/// <summary>Builders and helpers shared by the CAR tests.</summary>
internal static class CarTestData
{
    public static CarReaderOptions Verifying { get; } = new() { VerifyHashes = true };

    /// <summary>A guard against a hang: no test here waits on anything that should take more than a moment.</summary>
    public static CancellationToken Guard() => TestGuard.Token(120);

    public static byte[] VarintBytes(ulong value)
    {
        var bytes = new byte[Varint.SizeOf(value)];
        Varint.Write(value, bytes);
        return bytes;
    }

    public static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    /// <summary>A CAR stream of the given header bytes (length-prefixed) followed by raw tail bytes.</summary>
    public static byte[] WithHeader(byte[] header, params byte[][] tail) => Concat([VarintBytes((ulong)header.Length), header, .. tail]);

    /// <summary>A section: varint(length) || CID || data.</summary>
    public static byte[] Section(Cid cid, byte[] data) => Concat(VarintBytes((ulong)(cid.Bytes.Length + data.Length)), cid.Bytes.ToArray(), data);

    /// <summary>
    /// A small CAR with known offsets: a 61-byte header (one chain-CID root), a 240-byte section at 61
    /// (CID at 63, data at 101), and a 49-byte section at 301 (CID at 302, data at 340); 350 bytes in all.
    /// </summary>
    public static (byte[] Car, Block[] Blocks) SmallCar()
    {
        byte[] first = [.. Enumerable.Range(0, 200).Select(i => (byte)(i * 7))];
        byte[] second = "ten bytes!"u8.ToArray();
        Block[] blocks =
        [
            new(Cid.ComputeDagCbor(first), first),
            new(Cid.Compute(Multicodec.Raw, second), second),
        ];
        byte[] car = Concat(VarintBytes(60), HeaderBytes(blocks[0].Cid), Section(blocks[0].Cid, first), Section(blocks[1].Cid, second));
        return (car, blocks);
    }

    /// <summary>The canonical header for <paramref name="roots"/>, built by hand rather than by the code under test.</summary>
    public static byte[] HeaderBytes(params Cid[] roots) =>
        Concat([[0xa2], Text("roots"), [(byte)(0x80 + roots.Length)], .. roots.Select(Link), Text("version"), [0x01]]);

    public static byte[] Text(string value)
    {
        byte[] utf8 = System.Text.Encoding.UTF8.GetBytes(value);
        return [(byte)(0x60 + utf8.Length), .. utf8];
    }

    public static byte[] Link(Cid cid)
    {
        int length = cid.Bytes.Length + 1;
        byte[] head = length < 24 ? [(byte)(0x40 + length)] : [0x58, (byte)length];
        return [0xd8, 0x2a, .. head, 0x00, .. cid.Bytes];
    }

    public static Cid Sha256Cid(ulong codec, ReadOnlySpan<byte> data) =>
        Cid.Create(codec, Multihash.Create(MultihashCode.Sha2_256, SHA256.HashData(data)));

    public static Cid IdentityCid(ReadOnlySpan<byte> data) =>
        Cid.Create(Multicodec.Raw, Multihash.Create(MultihashCode.Identity, data));

    public static async Task<List<Block>> ReadAllAsync(CarReader reader)
    {
        var blocks = new List<Block>();
        await foreach (Block block in reader.ReadBlocksAsync(Guard()))
        {
            blocks.Add(block);
        }

        return blocks;
    }

    /// <summary>Reads a whole CAR from bytes and returns the failure, for tests that expect one.</summary>
    public static async Task<CarFormatException> ReadExpectingFailureAsync(byte[] car, CarReaderOptions? options = null)
    {
        return await Assert.ThrowsAsync<CarFormatException>(async () =>
        {
            await using CarReader reader = await CarReader.CreateAsync(new MemoryStream(car), options, cancellationToken: Guard());
            await ReadAllAsync(reader);
        });
    }

    public static void AssertSameBlocks(IReadOnlyList<Block> expected, IReadOnlyList<Block> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Cid, actual[i].Cid);
            Assert.True(expected[i].Data.Span.SequenceEqual(actual[i].Data.Span), $"block {i} ({expected[i].Cid}) differs");
        }
    }
}

/// <summary>
/// A read-only, non-seekable stream that hands out its bytes in small pieces of pseudo-random size, so varints,
/// CIDs and sections arrive split across reads.
/// </summary>
internal sealed class TrickleStream(byte[] data, int maxChunk, int seed = 1) : Stream
{
    private readonly Random _random = new(seed);
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = Math.Min(Math.Min(buffer.Length, data.Length - _position), _random.Next(1, maxChunk + 1));
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        cancellationToken.IsCancellationRequested ? ValueTask.FromCanceled<int>(cancellationToken) : ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
