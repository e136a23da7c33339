using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using NSec.Cryptography;
using BclChaCha20Poly1305 = System.Security.Cryptography.ChaCha20Poly1305;

namespace Venus.ChainSync.Benchmarks;

/// <summary>
/// One Noise transport frame sealed and opened with ChaCha20-Poly1305, through the BCL's
/// <see cref="BclChaCha20Poly1305"/> (OpenSSL on Linux) and through NSec (libsodium): the measurement behind the
/// choice the Libp2p assembly's Noise cipher makes. Both run in place on one buffer with a 96-bit nonce of four zero
/// bytes and a little-endian counter, as Noise's ChaChaPoly does; each cipher's key object is made once.
/// </summary>
[MemoryDiagnoser]
public class NoiseCipherBenchmarks
{
    private const int TagLength = 16;

    private readonly byte[] _nonce = new byte[12];
    private byte[] _frame = [];
    private byte[] _sealedBcl = [];
    private byte[] _sealedNSec = [];
    private BclChaCha20Poly1305 _bcl = null!;
    private Key _nsecKey = null!;
    private ulong _counter;

    /// <summary>Plaintext size: a small message (1 KiB) and the largest Noise frame's plaintext (65535 - 16).</summary>
    [Params(1024, 65535 - TagLength)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        byte[] key = new byte[32];
        new Random(42).NextBytes(key);
        _bcl = new BclChaCha20Poly1305(key);
        _nsecKey = Key.Import(AeadAlgorithm.ChaCha20Poly1305, key, KeyBlobFormat.RawSymmetricKey);
        _frame = new byte[Size + TagLength];
        new Random(7).NextBytes(_frame);

        _sealedBcl = new byte[Size + TagLength];
        _frame.AsSpan(0, Size).CopyTo(_sealedBcl);
        _bcl.Encrypt(_nonce, _sealedBcl.AsSpan(0, Size), _sealedBcl.AsSpan(0, Size), _sealedBcl.AsSpan(Size), default);
        _sealedNSec = AeadAlgorithm.ChaCha20Poly1305.Encrypt(_nsecKey, _nonce, default, _frame.AsSpan(0, Size));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _bcl.Dispose();
        _nsecKey.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void SealBcl()
    {
        NextNonce();
        Span<byte> frame = _frame;
        _bcl.Encrypt(_nonce, frame[..Size], frame[..Size], frame.Slice(Size, TagLength), default);
    }

    [Benchmark]
    public void SealNSec()
    {
        NextNonce();
        AeadAlgorithm.ChaCha20Poly1305.Encrypt(_nsecKey, _nonce, default, _frame.AsSpan(0, Size), _frame);
    }

    [Benchmark]
    public bool OpenBcl()
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_nonce.AsSpan(4), 0);
        Span<byte> copy = _frame;
        _sealedBcl.CopyTo(copy);
        _bcl.Decrypt(_nonce, copy[..Size], copy.Slice(Size, TagLength), copy[..Size], default);
        return true;
    }

    [Benchmark]
    public bool OpenNSec()
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_nonce.AsSpan(4), 0);
        _sealedNSec.CopyTo(_frame, 0);
        return AeadAlgorithm.ChaCha20Poly1305.Decrypt(_nsecKey, _nonce, default, _frame, _frame.AsSpan(0, Size));
    }

    private void NextNonce() => BinaryPrimitives.WriteUInt64LittleEndian(_nonce.AsSpan(4), _counter++);
}
