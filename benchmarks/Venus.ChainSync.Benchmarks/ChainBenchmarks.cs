using System.Buffers;
using System.Formats.Cbor;
using BenchmarkDotNet.Attributes;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Cbor;
using Venus.ChainSync.Primitives.Hashing;

namespace Venus.ChainSync.Benchmarks;

/// <summary>
/// Decode, encode and naming of the objects sync handles most: a real mainnet header and a message. The
/// blake2b-only benchmark over the same header bytes is the floor the decode+CID goal is measured against.
/// </summary>
[MemoryDiagnoser]
public class HeaderBenchmarks
{
    private readonly byte[] _header = BenchmarkData.MainnetHeader();
    private readonly byte[] _message = BenchmarkData.Message();
    private readonly byte[] _digest = new byte[32];
    private readonly ArrayBufferWriter<byte> _output = new(2048);
    private readonly CborReader _sfcReader = new(ReadOnlyMemory<byte>.Empty, CborConformanceMode.Canonical);
    private BlockHeader _decoded = null!;

    [GlobalSetup]
    public void Setup() => _decoded = BlockHeader.Decode(_header);

    [Benchmark(Baseline = true, Description = "blake2b-256 of the header bytes (floor)")]
    public byte[] Blake2bOnly()
    {
        Blake2b.Hash256(_header, _digest);
        return _digest;
    }

    [Benchmark(Description = "header decode")]
    public BlockHeader HeaderDecode() => BlockHeader.Decode(_header);

    [Benchmark(Description = "header decode + CID")]
    public Cid HeaderDecodeAndCid() => BlockHeader.Decode(_header).Cid;

    [Benchmark(Description = "header encode (fields, reused buffer)")]
    public int HeaderEncode()
    {
        _output.ResetWrittenCount();
        _decoded.EncodeFields(new DagCborWriter(_output));
        return _output.WrittenCount;
    }

    [Benchmark(Description = "header decode, System.Formats.Cbor (comparison)")]
    public long HeaderDecodeSystemFormatsCbor() => SfcHeaderDecoder.Decode(_sfcReader, _header).Height;

    [Benchmark(Description = "header decode + CID, System.Formats.Cbor (comparison)")]
    public Cid HeaderDecodeSystemFormatsCborAndCid()
    {
        SfcHeaderDecoder.Decode(_sfcReader, _header);
        return Cid.ComputeDagCbor(_header);
    }

    [Benchmark(Description = "message decode + CID")]
    public Cid MessageDecodeAndCid() => Message.Decode(_message).Cid;
}

/// <summary>Message roots (two AMT v0 trees and a MsgMeta) of blocks with many messages.</summary>
[MemoryDiagnoser]
public class MessageRootBenchmarks
{
    private Cid[] _cids = [];

    [Params(1_000, 10_000)]
    public int Messages { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _cids = new Cid[Messages];
        var buffer = new byte[16];
        for (int i = 0; i < _cids.Length; i++)
        {
            random.NextBytes(buffer);
            _cids[i] = Cid.ComputeDagCbor(buffer);
        }
    }

    [Benchmark(Description = "message root (all BLS)")]
    public Cid MessageRoot() => Primitives.MessageRoot.Compute(_cids, []).Cid;
}

/// <summary>Streaming read of the real mainnet genesis CAR (1 222 blocks, 1.1 MB) from memory.</summary>
[MemoryDiagnoser]
public class CarBenchmarks
{
    private readonly byte[] _car = BenchmarkData.MainnetCar();

    [Params(false, true)]
    public bool VerifyHashes { get; set; }

    [Benchmark(Description = "CAR read, mainnet genesis")]
    public async Task<int> ReadMainnetGenesis()
    {
        using var stream = new MemoryStream(_car, writable: false);
        await using Primitives.Car.CarReader reader = await Primitives.Car.CarReader.CreateAsync(
            stream, new Primitives.Car.CarReaderOptions { VerifyHashes = VerifyHashes });
        int blocks = 0;
        await foreach (Primitives.Block block in reader.ReadBlocksAsync())
        {
            blocks++;
        }

        return blocks;
    }
}
