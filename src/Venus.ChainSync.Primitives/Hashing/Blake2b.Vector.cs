using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Venus.ChainSync.Primitives.Hashing;

public static partial class Blake2b
{
    /// <summary>
    /// The chaining value as two 256-bit vectors, compressed with AVX2 one row of the 4×4 working state per
    /// register, so that each step works on the four columns (or the four diagonals) at once.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Scalar BLAKE2b is bound by integer ALU throughput (about 16 operations per G, 8 G per round); here each
    /// half-round is one chain of about a dozen dependent vector operations, which is what sets the speed. Three choices
    /// keep anything else off that chain:
    /// </para>
    /// <list type="bullet">
    /// <item>Rows a, c and d are turned to bring the diagonals into columns, not row b: b is the last value a
    /// half-round produces and the first the next one needs, while a, c and d are ready early enough for the
    /// permutes to overlap.</item>
    /// <item>The rotations by 32, 24 and 16 are byte shuffles (one operation each); 63 is a shift, an add and
    /// an xor. AVX-512's <c>vprorq</c> was measured to be no faster here, so there is one path for all AVX2
    /// processors.</item>
    /// <item>The message words each step needs are built from eight registers each holding one pair of words
    /// in both 128-bit halves, with one in-lane shuffle per pair and one blend (the schedule below). Building
    /// them with a two-register permute of the whole block (AVX-512 <c>vpermt2q</c>) or with scalar inserts
    /// was measured to be slower.</item>
    /// </list>
    /// <para>Words are loaded without byte swapping: AVX2 exists only on little-endian x86.</para>
    /// </remarks>
    private struct VectorState : IState<VectorState>
    {
        private Vector256<ulong> _h0123, _h4567;

        public static VectorState Create(ulong parameterWord) => new()
        {
            _h0123 = Vector256.Create(IV0 ^ parameterWord, IV1, IV2, IV3),
            _h4567 = Vector256.Create(IV4, IV5, IV6, IV7),
        };

        public readonly void WriteDigest(Span<byte> digest)
        {
            if (digest.Length == 32)
            {
                _h0123.AsByte().StoreUnsafe(ref MemoryMarshal.GetReference(digest));
                return;
            }

            Span<byte> full = stackalloc byte[MaxDigestLength];
            _h0123.AsByte().StoreUnsafe(ref MemoryMarshal.GetReference(full));
            _h4567.AsByte().StoreUnsafe(ref MemoryMarshal.GetReference(full), 32);
            full[..digest.Length].CopyTo(digest);
        }

        public void Compress(ReadOnlySpan<byte> block, ulong counter, bool isLast)
        {
            ref byte m = ref MemoryMarshal.GetReference(block[..BlockLength]);

            // pK holds message words 2K and 2K+1, repeated in both 128-bit halves.
            var p0 = Vector256.Create(Vector128.LoadUnsafe(ref m).AsUInt64());
            var p1 = Vector256.Create(Vector128.LoadUnsafe(ref m, 16).AsUInt64());
            var p2 = Vector256.Create(Vector128.LoadUnsafe(ref m, 32).AsUInt64());
            var p3 = Vector256.Create(Vector128.LoadUnsafe(ref m, 48).AsUInt64());
            var p4 = Vector256.Create(Vector128.LoadUnsafe(ref m, 64).AsUInt64());
            var p5 = Vector256.Create(Vector128.LoadUnsafe(ref m, 80).AsUInt64());
            var p6 = Vector256.Create(Vector128.LoadUnsafe(ref m, 96).AsUInt64());
            var p7 = Vector256.Create(Vector128.LoadUnsafe(ref m, 112).AsUInt64());

            var a = _h0123;
            var b = _h4567;
            var c = Vector256.Create(IV0, IV1, IV2, IV3);
            var d = Vector256.Create(IV4 ^ counter, IV5, isLast ? ~IV6 : IV6, IV7); // Counter high word: see ScalarState.

            // Each round takes the words for the column step (σ[0], σ[2], σ[4], σ[6], then σ[1], σ[3], σ[5], σ[7])
            // and for the diagonal step, in the lane order the turned rows give: lane i of b holds v(4+i), which
            // is in diagonal G number 7, 4, 5, 6 for i = 0..3, hence σ[14], σ[8], σ[10], σ[12] (then σ[15], σ[9],
            // σ[11], σ[13]). Join(x, y) takes lanes 0-1 from x and 2-3 from y; see the pair helpers for the rest.

            // Round 0, σ = 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15: words 0 2 4 6 | 1 3 5 7 | 14 8 10 12 | 15 9 11 13.
            Round(
                ref a, ref b, ref c, ref d,
                Join(Avx2.UnpackLow(p0, p1), Avx2.UnpackLow(p2, p3)),
                Join(Avx2.UnpackHigh(p0, p1), Avx2.UnpackHigh(p2, p3)),
                Join(Avx2.UnpackLow(p7, p4), Avx2.UnpackLow(p5, p6)),
                Join(Avx2.UnpackHigh(p7, p4), Avx2.UnpackHigh(p5, p6)));

            // Round 1, σ = 14 10 4 8 9 15 13 6 1 12 0 2 11 7 5 3: words 14 4 9 13 | 10 8 15 6 | 5 1 0 11 | 3 12 2 7.
            Round(
                ref a, ref b, ref c, ref d,
                Join(Avx2.UnpackLow(p7, p2), Avx2.UnpackHigh(p4, p6)),
                Join(Avx2.UnpackLow(p5, p4), HighLow(p7, p3)),
                Join(Avx2.UnpackHigh(p2, p0), LowHigh(p0, p5)),
                Join(HighLow(p1, p6), LowHigh(p1, p3)));

            // Round 2, σ = 11 8 12 0 5 2 15 13 10 14 3 6 7 1 9 4: words 11 12 5 15 | 8 0 2 13 | 9 10 3 7 | 4 14 6 1.
            Round(
                ref a, ref b, ref c, ref d,
                Join(HighLow(p5, p6), Avx2.UnpackHigh(p2, p7)),
                Join(Avx2.UnpackLow(p4, p0), LowHigh(p1, p6)),
                Join(HighLow(p4, p5), Avx2.UnpackHigh(p1, p3)),
                Join(Avx2.UnpackLow(p2, p7), LowHigh(p3, p0)));

            // Round 3, σ = 7 9 3 1 13 12 11 14 2 6 5 10 4 0 15 8: words 7 3 13 11 | 9 1 12 14 | 15 2 5 4 | 8 6 10 0.
            Round(
                ref a, ref b, ref c, ref d,
                Join(Avx2.UnpackHigh(p3, p1), Avx2.UnpackHigh(p6, p5)),
                Join(Avx2.UnpackHigh(p4, p0), Avx2.UnpackLow(p6, p7)),
                Join(HighLow(p7, p1), Swap(p2)),
                Join(Avx2.UnpackLow(p4, p3), Avx2.UnpackLow(p5, p0)));

            // Round 4, σ = 9 0 5 7 2 4 10 15 14 1 11 12 6 8 3 13: words 9 5 2 10 | 0 7 4 15 | 3 14 11 6 | 13 1 12 8.
            Round(
                ref a, ref b, ref c, ref d,
                Join(Avx2.UnpackHigh(p4, p2), Avx2.UnpackLow(p1, p5)),
                Join(LowHigh(p0, p3), LowHigh(p2, p7)),
                Join(HighLow(p1, p7), HighLow(p5, p3)),
                Join(Avx2.UnpackHigh(p6, p0), Avx2.UnpackLow(p6, p4)));

            // Round 5, σ = 2 12 6 10 0 11 8 3 4 13 7 5 15 14 1 9: words 2 6 0 8 | 12 10 11 3 | 1 4 7 15 | 9 13 5 14.
            Round(
                ref a, ref b, ref c, ref d,
                Join(Avx2.UnpackLow(p1, p3), Avx2.UnpackLow(p0, p4)),
                Join(Avx2.UnpackLow(p6, p5), Avx2.UnpackHigh(p5, p1)),
                Join(HighLow(p0, p2), Avx2.UnpackHigh(p3, p7)),
                Join(Avx2.UnpackHigh(p4, p6), HighLow(p2, p7)));

            // Round 6, σ = 12 5 1 15 14 13 4 10 0 7 6 3 9 2 8 11: words 12 1 14 4 | 5 15 13 10 | 8 0 6 9 | 11 7 3 2.
            Round(
                ref a, ref b, ref c, ref d,
                Join(LowHigh(p6, p0), Avx2.UnpackLow(p7, p2)),
                Join(Avx2.UnpackHigh(p2, p7), HighLow(p6, p5)),
                Join(Avx2.UnpackLow(p4, p0), LowHigh(p3, p4)),
                Join(Avx2.UnpackHigh(p5, p3), Swap(p1)));

            // Round 7, σ = 13 11 7 14 12 1 3 9 5 0 15 4 8 6 2 10: words 13 7 12 3 | 11 14 1 9 | 2 5 15 8 | 10 0 4 6.
            Round(
                ref a, ref b, ref c, ref d,
                Join(Avx2.UnpackHigh(p6, p3), LowHigh(p6, p1)),
                Join(HighLow(p5, p7), Avx2.UnpackHigh(p0, p4)),
                Join(LowHigh(p1, p2), HighLow(p7, p4)),
                Join(Avx2.UnpackLow(p5, p0), Avx2.UnpackLow(p2, p3)));

            // Round 8, σ = 6 15 14 9 11 3 0 8 12 2 13 7 1 4 10 5: words 6 14 11 0 | 15 9 3 8 | 10 12 13 1 | 5 2 7 4.
            Round(
                ref a, ref b, ref c, ref d,
                Join(Avx2.UnpackLow(p3, p7), HighLow(p5, p0)),
                Join(Avx2.UnpackHigh(p7, p4), HighLow(p1, p4)),
                Join(Avx2.UnpackLow(p5, p6), Avx2.UnpackHigh(p6, p0)),
                Join(HighLow(p2, p1), HighLow(p3, p2)));

            // Round 9, σ = 10 2 8 4 7 6 1 5 15 11 9 14 3 12 13 0: words 10 8 7 1 | 2 4 6 5 | 13 15 9 3 | 0 11 14 12.
            Round(
                ref a, ref b, ref c, ref d,
                Join(Avx2.UnpackLow(p5, p4), Avx2.UnpackHigh(p3, p0)),
                Join(Avx2.UnpackLow(p1, p2), LowHigh(p3, p2)),
                Join(Avx2.UnpackHigh(p6, p7), Avx2.UnpackHigh(p4, p1)),
                Join(LowHigh(p0, p5), Avx2.UnpackLow(p7, p6)));

            // Round 10, σ = 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15: words 0 2 4 6 | 1 3 5 7 | 14 8 10 12 | 15 9 11 13.
            Round(
                ref a, ref b, ref c, ref d,
                Join(Avx2.UnpackLow(p0, p1), Avx2.UnpackLow(p2, p3)),
                Join(Avx2.UnpackHigh(p0, p1), Avx2.UnpackHigh(p2, p3)),
                Join(Avx2.UnpackLow(p7, p4), Avx2.UnpackLow(p5, p6)),
                Join(Avx2.UnpackHigh(p7, p4), Avx2.UnpackHigh(p5, p6)));

            // Round 11, σ = 14 10 4 8 9 15 13 6 1 12 0 2 11 7 5 3: words 14 4 9 13 | 10 8 15 6 | 5 1 0 11 | 3 12 2 7.
            Round(
                ref a, ref b, ref c, ref d,
                Join(Avx2.UnpackLow(p7, p2), Avx2.UnpackHigh(p4, p6)),
                Join(Avx2.UnpackLow(p5, p4), HighLow(p7, p3)),
                Join(Avx2.UnpackHigh(p2, p0), LowHigh(p0, p5)),
                Join(HighLow(p1, p6), LowHigh(p1, p3)));

            _h0123 ^= a ^ c;
            _h4567 ^= b ^ d;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Round(
            ref Vector256<ulong> a, ref Vector256<ulong> b, ref Vector256<ulong> c, ref Vector256<ulong> d,
            Vector256<ulong> columnX, Vector256<ulong> columnY, Vector256<ulong> diagonalX, Vector256<ulong> diagonalY)
        {
            HalfRound(ref a, ref b, ref c, ref d, columnX, columnY);

            // Lane i now takes diagonal G (i + 3) mod 4 + 4: a = (v3 v0 v1 v2), c = (v9 v10 v11 v8), d = (v14 v15 v12 v13).
            a = Avx2.Permute4x64(a, 0b10_01_00_11);
            c = Avx2.Permute4x64(c, 0b00_11_10_01);
            d = Avx2.Permute4x64(d, 0b01_00_11_10);

            HalfRound(ref a, ref b, ref c, ref d, diagonalX, diagonalY);

            a = Avx2.Permute4x64(a, 0b00_11_10_01);
            c = Avx2.Permute4x64(c, 0b10_01_00_11);
            d = Avx2.Permute4x64(d, 0b01_00_11_10);
        }

        // Four G functions side by side. (a + x) + b rather than a + b + x: x is ready long before b. The byte
        // shuffle masks are written in place rather than as named properties because this method is inlined 24
        // times into one large method, beyond the JIT's inlining budget, and a call left in the loop would force
        // every vector register to be spilled around it.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void HalfRound(
            ref Vector256<ulong> a, ref Vector256<ulong> b, ref Vector256<ulong> c, ref Vector256<ulong> d,
            Vector256<ulong> x, Vector256<ulong> y)
        {
            a = a + x + b;
            d = Avx2.Shuffle((d ^ a).AsUInt32(), 0b10_11_00_01).AsUInt64();
            c += d;
            b = Avx2.Shuffle(
                (b ^ c).AsByte(),
                Vector256.Create((byte)3, 4, 5, 6, 7, 0, 1, 2, 11, 12, 13, 14, 15, 8, 9, 10, 3, 4, 5, 6, 7, 0, 1, 2, 11, 12, 13, 14, 15, 8, 9, 10))
                .AsUInt64();
            a = a + y + b;
            d = Avx2.Shuffle(
                (d ^ a).AsByte(),
                Vector256.Create((byte)2, 3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9, 2, 3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9))
                .AsUInt64();
            c += d;
            b ^= c;
            b = (b >>> 63) ^ (b + b);
        }

        // Pair helpers: with p = (w0 w1 | w0 w1) and q = (w2 w3 | w2 w3) as words, each gives one pair in both
        // halves. Avx2.UnpackLow(p, q) gives (w0 w2), Avx2.UnpackHigh(p, q) gives (w1 w3).

        /// <summary>(w0 w3): the low word of <paramref name="p"/>, then the high word of <paramref name="q"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<ulong> LowHigh(Vector256<ulong> p, Vector256<ulong> q) =>
            Avx2.Blend(p.AsUInt32(), q.AsUInt32(), 0b1100_1100).AsUInt64();

        /// <summary>(w1 w2): the high word of <paramref name="p"/>, then the low word of <paramref name="q"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<ulong> HighLow(Vector256<ulong> p, Vector256<ulong> q) =>
            Avx2.AlignRight(q.AsByte(), p.AsByte(), 8).AsUInt64();

        /// <summary>(w1 w0): the two words of <paramref name="p"/> swapped.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<ulong> Swap(Vector256<ulong> p) => Avx2.Shuffle(p.AsUInt32(), 0b01_00_11_10).AsUInt64();

        /// <summary>Lanes 0-1 of <paramref name="low"/> and lanes 2-3 of <paramref name="high"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<ulong> Join(Vector256<ulong> low, Vector256<ulong> high) =>
            Avx2.Blend(low.AsUInt32(), high.AsUInt32(), 0b1111_0000).AsUInt64();
    }
}
