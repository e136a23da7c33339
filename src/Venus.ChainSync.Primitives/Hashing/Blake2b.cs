using System.Runtime.Intrinsics.X86;

namespace Venus.ChainSync.Primitives.Hashing;

/// <summary>
/// BLAKE2b (RFC 7693) in managed code, unkeyed or keyed, with any digest length from 1 to 64 bytes.
/// </summary>
/// <remarks>
/// <para>
/// Hashing is most of the cost of turning received bytes into CIDs, which is why this exists rather than a call
/// into a library. On x86-64 with AVX2 it runs one message at a time in 256-bit vectors (one row of the state per
/// register), about 10 % faster than the fastest library (libsodium through NSec, or BouncyCastle) on a Zen 4
/// core at 150–1200 B; see <c>benchmarks/README.md</c>, <c>Blake2bBenchmarks</c>. Elsewhere it falls back to
/// unrolled scalar code, which on that same core is about half as fast as those libraries; its speed on
/// processors without AVX2 (ARM64 among them) has not been measured.
/// </para>
/// <para>
/// Both paths are checked against the RFC 7693 example, the official keyed known-answer vectors and, for every
/// input length from 0 to 4 096, against libsodium. Neither allocates. The input and the digest may overlap:
/// the digest is written only after the last input byte has been read.
/// </para>
/// </remarks>
public static partial class Blake2b
{
    /// <summary>Largest digest BLAKE2b produces, in bytes.</summary>
    public const int MaxDigestLength = 64;

    /// <summary>Largest key BLAKE2b accepts, in bytes.</summary>
    public const int MaxKeyLength = 64;

    private const int BlockLength = 128;

    private const ulong IV0 = 0x6a09e667f3bcc908UL;
    private const ulong IV1 = 0xbb67ae8584caa73bUL;
    private const ulong IV2 = 0x3c6ef372fe94f82bUL;
    private const ulong IV3 = 0xa54ff53a5f1d36f1UL;
    private const ulong IV4 = 0x510e527fade682d1UL;
    private const ulong IV5 = 0x9b05688c2b3e6c1fUL;
    private const ulong IV6 = 0x1f83d9abfb41bd6bUL;
    private const ulong IV7 = 0x5be0cd19137e2179UL;

    /// <summary>Computes the 32-byte BLAKE2b-256 digest of <paramref name="data"/> into <paramref name="digest"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="digest"/> is shorter than 32 bytes.</exception>
    public static void Hash256(ReadOnlySpan<byte> data, Span<byte> digest) => Hash(data, digest[..32], ReadOnlySpan<byte>.Empty);

    /// <summary>
    /// Computes a BLAKE2b digest of <c>digest.Length</c> bytes (1–64) of <paramref name="data"/>, keyed with
    /// <paramref name="key"/> (0–64 bytes; empty for the unkeyed hash).
    /// </summary>
    /// <exception cref="ArgumentException">The digest or key length is out of range.</exception>
    public static void Hash(ReadOnlySpan<byte> data, Span<byte> digest, ReadOnlySpan<byte> key)
    {
        Validate(digest, key);
        if (Avx2.IsSupported)
        {
            HashCore<VectorState>(data, digest, key);
        }
        else
        {
            HashCore<ScalarState>(data, digest, key);
        }
    }

    /// <summary>The scalar path, whatever the processor supports, so that tests cover it on every machine.</summary>
    internal static void HashScalar(ReadOnlySpan<byte> data, Span<byte> digest, ReadOnlySpan<byte> key)
    {
        Validate(digest, key);
        HashCore<ScalarState>(data, digest, key);
    }

    /// <summary>The AVX2 path; only to be called where <see cref="Avx2.IsSupported"/>.</summary>
    internal static void HashVector(ReadOnlySpan<byte> data, Span<byte> digest, ReadOnlySpan<byte> key)
    {
        if (!Avx2.IsSupported)
        {
            throw new PlatformNotSupportedException("The vector BLAKE2b path needs AVX2.");
        }

        Validate(digest, key);
        HashCore<VectorState>(data, digest, key);
    }

    private static void Validate(Span<byte> digest, ReadOnlySpan<byte> key)
    {
        if (digest.Length is < 1 or > MaxDigestLength)
        {
            throw new ArgumentException("A BLAKE2b digest is 1 to 64 bytes long.", nameof(digest));
        }

        if (key.Length > MaxKeyLength)
        {
            throw new ArgumentException("A BLAKE2b key is at most 64 bytes long.", nameof(key));
        }
    }

    // The block loop is shared; TState (a struct, so the JIT compiles one copy per state type with the
    // compression function called directly) holds the chaining value h and knows how to compress one block.
    private static void HashCore<TState>(ReadOnlySpan<byte> data, Span<byte> digest, ReadOnlySpan<byte> key)
        where TState : struct, IState<TState>
    {
        // Parameter block word 0 (RFC 7693, section 2.5): digest length, key length, fanout 1, depth 1.
        var state = TState.Create(0x01010000UL ^ ((ulong)(uint)key.Length << 8) ^ (ulong)(uint)digest.Length);

        Span<byte> block = stackalloc byte[BlockLength];
        ulong counter = 0;

        if (key.Length > 0)
        {
            // A key is hashed as a whole zero-padded first block.
            block.Clear();
            key.CopyTo(block);
            counter = BlockLength;
            state.Compress(block, counter, isLast: data.IsEmpty);
        }

        // Every full block except the last one is compressed straight from the input.
        while (data.Length > BlockLength)
        {
            counter += BlockLength;
            state.Compress(data, counter, isLast: false);
            data = data[BlockLength..];
        }

        if (!data.IsEmpty || key.IsEmpty)
        {
            block.Clear();
            data.CopyTo(block);
            counter += (ulong)data.Length;
            state.Compress(block, counter, isLast: true);
        }

        state.WriteDigest(digest);
    }

    /// <summary>The chaining value of one hash in progress, in the representation one compression path uses.</summary>
    private interface IState<TSelf>
        where TSelf : struct, IState<TSelf>
    {
        /// <summary>The initial chaining value: the IV with <paramref name="parameterWord"/> folded into word 0.</summary>
        static abstract TSelf Create(ulong parameterWord);

        /// <summary>
        /// Compresses the first 128 bytes of <paramref name="block"/> (which must hold at least that many);
        /// <paramref name="counter"/> is the number of bytes hashed so far, this block's included.
        /// </summary>
        void Compress(ReadOnlySpan<byte> block, ulong counter, bool isLast);

        /// <summary>Writes the first <c>digest.Length</c> (1–64) bytes of the chaining value, little-endian.</summary>
        void WriteDigest(Span<byte> digest);
    }
}
