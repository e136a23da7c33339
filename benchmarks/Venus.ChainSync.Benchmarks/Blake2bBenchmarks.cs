using BenchmarkDotNet.Attributes;
using Konscious.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;
using Venus.ChainSync.Primitives.Hashing;
using NSecHash = NSec.Cryptography.HashAlgorithm;

namespace Venus.ChainSync.Benchmarks;

/// <summary>
/// Unkeyed BLAKE2b-256 of one buffer, the operation behind every chain CID: the managed implementation against
/// each library the project could use instead. Every library is used through its fastest working path, with its
/// hasher object created once and reused, so that the comparison is of hashing, not setup.
/// </summary>
[MemoryDiagnoser]
public class Blake2bBenchmarks
{
    private readonly byte[] _digest = new byte[32];
    private byte[] _data = [];
    private Blake2bDigest _bouncy = null!;
    private HMACBlake2B _konscious = null!;

    /// <summary>Input size: a typical message (150 B), a typical header (900 B), a large header (1200 B).</summary>
    [Params(150, 900, 1200)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = new byte[Size];
        new Random(42).NextBytes(_data);
        _bouncy = new Blake2bDigest(256);

        // With no key, HMACBlake2B is plain unkeyed BLAKE2b (its Key is empty); it checks out against the others below.
        _konscious = new HMACBlake2B(256);

        // A benchmark of a wrong answer is worthless: every implementation must agree before anything is timed.
        var expected = new byte[32];
        Blake2b.Hash256(_data, expected);
        foreach (Action run in new Action[] { ManagedScalar, NSecLibsodium, BouncyCastle, Konscious })
        {
            Array.Clear(_digest);
            run();
            if (!_digest.AsSpan().SequenceEqual(expected))
            {
                throw new InvalidOperationException($"{run.Method.Name} disagrees with Blake2b.Hash256 at {Size} B.");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _konscious.Dispose();

    /// <summary>The public entry point: the AVX2 path on this machine.</summary>
    [Benchmark(Baseline = true)]
    public void Managed() => Blake2b.Hash256(_data, _digest);

    /// <summary>The scalar fallback that processors without AVX2 (and ARM64) get, measured here for reference.</summary>
    [Benchmark]
    public void ManagedScalar() => Blake2b.HashScalar(_data, _digest, ReadOnlySpan<byte>.Empty);

    [Benchmark]
    public void NSecLibsodium() => NSecHash.Blake2b_256.Hash(_data, _digest);

    [Benchmark]
    public void BouncyCastle()
    {
        _bouncy.BlockUpdate(_data);
        _bouncy.DoFinal(_digest);
    }

    // HMACBlake2B derives from HMAC but overrides only the array overload of HashCore, so the span path
    // (TryComputeHash) throws PlatformNotSupportedException from HMAC's own HashCore(ReadOnlySpan<byte>).
    // ComputeHash(byte[]) is the only path that works; it returns a new array per call, which is part of
    // what is measured. The copy into _digest keeps the output the same as the other benchmarks.
    [Benchmark]
    public void Konscious() => _konscious.ComputeHash(_data).CopyTo(_digest, 0);
}
