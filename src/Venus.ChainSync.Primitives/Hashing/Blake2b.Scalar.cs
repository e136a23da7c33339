using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Venus.ChainSync.Primitives.Hashing;

public static partial class Blake2b
{
    /// <summary>
    /// The chaining value as eight 64-bit words, compressed with plain 64-bit arithmetic: the path for
    /// processors without AVX2 (and for big-endian ones, as words are read with explicit byte order).
    /// </summary>
    private struct ScalarState : IState<ScalarState>
    {
        private ulong _h0, _h1, _h2, _h3, _h4, _h5, _h6, _h7;

        public static ScalarState Create(ulong parameterWord) => new()
        {
            _h0 = IV0 ^ parameterWord,
            _h1 = IV1,
            _h2 = IV2,
            _h3 = IV3,
            _h4 = IV4,
            _h5 = IV5,
            _h6 = IV6,
            _h7 = IV7,
        };

        public readonly void WriteDigest(Span<byte> digest)
        {
            Span<byte> full = stackalloc byte[MaxDigestLength];
            BinaryPrimitives.WriteUInt64LittleEndian(full, _h0);
            BinaryPrimitives.WriteUInt64LittleEndian(full[8..], _h1);
            BinaryPrimitives.WriteUInt64LittleEndian(full[16..], _h2);
            BinaryPrimitives.WriteUInt64LittleEndian(full[24..], _h3);
            BinaryPrimitives.WriteUInt64LittleEndian(full[32..], _h4);
            BinaryPrimitives.WriteUInt64LittleEndian(full[40..], _h5);
            BinaryPrimitives.WriteUInt64LittleEndian(full[48..], _h6);
            BinaryPrimitives.WriteUInt64LittleEndian(full[56..], _h7);
            full[..digest.Length].CopyTo(digest);
        }

        // The twelve rounds are written out with the message schedule (RFC 7693, section 2.7) applied by hand,
        // so that every message word stays in a register instead of being looked up through a table.
        public void Compress(ReadOnlySpan<byte> block, ulong counter, bool isLast)
        {
            block = block[..BlockLength];
            ulong m0 = BinaryPrimitives.ReadUInt64LittleEndian(block);
            ulong m1 = BinaryPrimitives.ReadUInt64LittleEndian(block[8..]);
            ulong m2 = BinaryPrimitives.ReadUInt64LittleEndian(block[16..]);
            ulong m3 = BinaryPrimitives.ReadUInt64LittleEndian(block[24..]);
            ulong m4 = BinaryPrimitives.ReadUInt64LittleEndian(block[32..]);
            ulong m5 = BinaryPrimitives.ReadUInt64LittleEndian(block[40..]);
            ulong m6 = BinaryPrimitives.ReadUInt64LittleEndian(block[48..]);
            ulong m7 = BinaryPrimitives.ReadUInt64LittleEndian(block[56..]);
            ulong m8 = BinaryPrimitives.ReadUInt64LittleEndian(block[64..]);
            ulong m9 = BinaryPrimitives.ReadUInt64LittleEndian(block[72..]);
            ulong m10 = BinaryPrimitives.ReadUInt64LittleEndian(block[80..]);
            ulong m11 = BinaryPrimitives.ReadUInt64LittleEndian(block[88..]);
            ulong m12 = BinaryPrimitives.ReadUInt64LittleEndian(block[96..]);
            ulong m13 = BinaryPrimitives.ReadUInt64LittleEndian(block[104..]);
            ulong m14 = BinaryPrimitives.ReadUInt64LittleEndian(block[112..]);
            ulong m15 = BinaryPrimitives.ReadUInt64LittleEndian(block[120..]);

            ulong v0 = _h0, v1 = _h1, v2 = _h2, v3 = _h3, v4 = _h4, v5 = _h5, v6 = _h6, v7 = _h7;
            ulong v8 = IV0, v9 = IV1, v10 = IV2, v11 = IV3;
            ulong v12 = IV4 ^ counter;
            ulong v13 = IV5; // The high word of the counter: inputs never reach 2^64 bytes.
            ulong v14 = isLast ? ~IV6 : IV6;
            ulong v15 = IV7;

            Round(ref v0, ref v1, ref v2, ref v3, ref v4, ref v5, ref v6, ref v7, ref v8, ref v9, ref v10, ref v11, ref v12, ref v13, ref v14, ref v15,
                m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15);
            Round(ref v0, ref v1, ref v2, ref v3, ref v4, ref v5, ref v6, ref v7, ref v8, ref v9, ref v10, ref v11, ref v12, ref v13, ref v14, ref v15,
                m14, m10, m4, m8, m9, m15, m13, m6, m1, m12, m0, m2, m11, m7, m5, m3);
            Round(ref v0, ref v1, ref v2, ref v3, ref v4, ref v5, ref v6, ref v7, ref v8, ref v9, ref v10, ref v11, ref v12, ref v13, ref v14, ref v15,
                m11, m8, m12, m0, m5, m2, m15, m13, m10, m14, m3, m6, m7, m1, m9, m4);
            Round(ref v0, ref v1, ref v2, ref v3, ref v4, ref v5, ref v6, ref v7, ref v8, ref v9, ref v10, ref v11, ref v12, ref v13, ref v14, ref v15,
                m7, m9, m3, m1, m13, m12, m11, m14, m2, m6, m5, m10, m4, m0, m15, m8);
            Round(ref v0, ref v1, ref v2, ref v3, ref v4, ref v5, ref v6, ref v7, ref v8, ref v9, ref v10, ref v11, ref v12, ref v13, ref v14, ref v15,
                m9, m0, m5, m7, m2, m4, m10, m15, m14, m1, m11, m12, m6, m8, m3, m13);
            Round(ref v0, ref v1, ref v2, ref v3, ref v4, ref v5, ref v6, ref v7, ref v8, ref v9, ref v10, ref v11, ref v12, ref v13, ref v14, ref v15,
                m2, m12, m6, m10, m0, m11, m8, m3, m4, m13, m7, m5, m15, m14, m1, m9);
            Round(ref v0, ref v1, ref v2, ref v3, ref v4, ref v5, ref v6, ref v7, ref v8, ref v9, ref v10, ref v11, ref v12, ref v13, ref v14, ref v15,
                m12, m5, m1, m15, m14, m13, m4, m10, m0, m7, m6, m3, m9, m2, m8, m11);
            Round(ref v0, ref v1, ref v2, ref v3, ref v4, ref v5, ref v6, ref v7, ref v8, ref v9, ref v10, ref v11, ref v12, ref v13, ref v14, ref v15,
                m13, m11, m7, m14, m12, m1, m3, m9, m5, m0, m15, m4, m8, m6, m2, m10);
            Round(ref v0, ref v1, ref v2, ref v3, ref v4, ref v5, ref v6, ref v7, ref v8, ref v9, ref v10, ref v11, ref v12, ref v13, ref v14, ref v15,
                m6, m15, m14, m9, m11, m3, m0, m8, m12, m2, m13, m7, m1, m4, m10, m5);
            Round(ref v0, ref v1, ref v2, ref v3, ref v4, ref v5, ref v6, ref v7, ref v8, ref v9, ref v10, ref v11, ref v12, ref v13, ref v14, ref v15,
                m10, m2, m8, m4, m7, m6, m1, m5, m15, m11, m9, m14, m3, m12, m13, m0);
            Round(ref v0, ref v1, ref v2, ref v3, ref v4, ref v5, ref v6, ref v7, ref v8, ref v9, ref v10, ref v11, ref v12, ref v13, ref v14, ref v15,
                m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15);
            Round(ref v0, ref v1, ref v2, ref v3, ref v4, ref v5, ref v6, ref v7, ref v8, ref v9, ref v10, ref v11, ref v12, ref v13, ref v14, ref v15,
                m14, m10, m4, m8, m9, m15, m13, m6, m1, m12, m0, m2, m11, m7, m5, m3);

            _h0 ^= v0 ^ v8;
            _h1 ^= v1 ^ v9;
            _h2 ^= v2 ^ v10;
            _h3 ^= v3 ^ v11;
            _h4 ^= v4 ^ v12;
            _h5 ^= v5 ^ v13;
            _h6 ^= v6 ^ v14;
            _h7 ^= v7 ^ v15;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void G(ref ulong a, ref ulong b, ref ulong c, ref ulong d, ulong x, ulong y)
        {
            a += b + x;
            d = BitOperations.RotateRight(d ^ a, 32);
            c += d;
            b = BitOperations.RotateRight(b ^ c, 24);
            a += b + y;
            d = BitOperations.RotateRight(d ^ a, 16);
            c += d;
            b = BitOperations.RotateRight(b ^ c, 63);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Round(
            ref ulong v0, ref ulong v1, ref ulong v2, ref ulong v3, ref ulong v4, ref ulong v5, ref ulong v6, ref ulong v7,
            ref ulong v8, ref ulong v9, ref ulong v10, ref ulong v11, ref ulong v12, ref ulong v13, ref ulong v14, ref ulong v15,
            ulong s0, ulong s1, ulong s2, ulong s3, ulong s4, ulong s5, ulong s6, ulong s7,
            ulong s8, ulong s9, ulong s10, ulong s11, ulong s12, ulong s13, ulong s14, ulong s15)
        {
            G(ref v0, ref v4, ref v8, ref v12, s0, s1);
            G(ref v1, ref v5, ref v9, ref v13, s2, s3);
            G(ref v2, ref v6, ref v10, ref v14, s4, s5);
            G(ref v3, ref v7, ref v11, ref v15, s6, s7);
            G(ref v0, ref v5, ref v10, ref v15, s8, s9);
            G(ref v1, ref v6, ref v11, ref v12, s10, s11);
            G(ref v2, ref v7, ref v8, ref v13, s12, s13);
            G(ref v3, ref v4, ref v9, ref v14, s14, s15);
        }
    }
}
