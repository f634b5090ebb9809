using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Descent.Kernels;

// AVX2's tile for the heads' products: 6 rows x 16 columns in twelve ymm accumulators, with two for B and one for
// A's broadcast (AVX2 has sixteen), so every register holds work and nothing spills. Twelve independent chains
// cover the FMA latency (4 cycles on two pipes, Zen 3); the 4 x 4 Vector<float> chains of Edge covered half of it.
// The rows left past the last six take a 4 x 16 tile (eight chains), and what is left after that goes to Edge, which
// sums each element in the same order, so an element's bits do not depend on the tile it falls in.
internal static unsafe partial class HeadGemm
{
    private const int Columns256 = 16;

    private struct Rows6 : IRowCount { public static int Count => 6; }

    /// <summary>The rows and columns the AVX2 tiles cover, from the top-left corner; Edge does the rest.</summary>
    private static (int Rows, int Columns) Tiles256(bool transA, int m, int n, int k, float* a, int lda, float* b, int ldb, float* c, int ldc, bool add)
    {
        int columns = n - n % Columns256;
        int sixes = m - m % 6;
        int rows = m - sixes >= 4 ? sixes + 4 : sixes;
        if (columns == 0) return (0, 0);
        for (int i = 0; i < rows; i += 6)
        {
            float* ai = transA ? a + i : a + (long)i * lda;
            float* ci = c + (long)i * ldc;
            bool six = i < sixes;
            for (int j = 0; j < columns; j += Columns256)
            {
                if (transA)
                {
                    if (six) Tile256<Rows6, PanelA>(k, ai, lda, b + j, ldb, ci + j, ldc, add);
                    else Tile256<Rows4, PanelA>(k, ai, lda, b + j, ldb, ci + j, ldc, add);
                }
                else
                {
                    if (six) Tile256<Rows6, RowsA>(k, ai, lda, b + j, ldb, ci + j, ldc, add);
                    else Tile256<Rows4, RowsA>(k, ai, lda, b + j, ldb, ci + j, ldc, add);
                }
            }
        }
        return (rows, columns);
    }

    // Up to 6 x 16: row r's value for step p is at a[r·rowStep + p·step] as in Edge; each accumulator starts at zero
    // and takes the k steps in order, then C is stored or added to as Put does.
    private static void Tile256<TRows, TA>(int k, float* a, int lda, float* b, int ldb, float* c, int ldc, bool add)
        where TRows : struct, IRowCount where TA : struct, IALayout
    {
        bool six = TRows.Count == 6;
        nint rowStep = TA.InRows ? lda : 1, step = TA.InRows ? 1 : lda;
        // Rows 3-5 from a second base, so every row is one of three offsets (0, rowStep, 2·rowStep) from a base.
        float* a3 = a + 3 * rowStep;
        nint r2 = 2 * rowStep;
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        nint bStep = ldb;
        for (int p = 0; p < k; p++, a += step, a3 += step, b += bStep)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var x = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(x, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(a[rowStep]);
            c10 = Vector256.FusedMultiplyAdd(x, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(a[r2]);
            c20 = Vector256.FusedMultiplyAdd(x, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(a3[0]);
            c30 = Vector256.FusedMultiplyAdd(x, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
            if (six)
            {
                x = Vector256.Create(a3[rowStep]);
                c40 = Vector256.FusedMultiplyAdd(x, b0, c40);
                c41 = Vector256.FusedMultiplyAdd(x, b1, c41);
                x = Vector256.Create(a3[r2]);
                c50 = Vector256.FusedMultiplyAdd(x, b0, c50);
                c51 = Vector256.FusedMultiplyAdd(x, b1, c51);
            }
        }
        Put2(c, c00, c01, add);
        Put2(c + ldc, c10, c11, add);
        Put2(c + 2 * (nint)ldc, c20, c21, add);
        Put2(c + 3 * (nint)ldc, c30, c31, add);
        if (six)
        {
            Put2(c + 4 * (nint)ldc, c40, c41, add);
            Put2(c + 5 * (nint)ldc, c50, c51, add);
        }
    }

    /// <summary>
    /// The 8 × 8 block at <paramref name="src"/> (rows <paramref name="ld"/> apart) written transposed at
    /// <paramref name="dst"/> (rows <paramref name="ldd"/> apart) in ymm registers: AVX2's counterpart of
    /// <see cref="RegisterTranspose.Block16"/>, eight loads and stores instead of a store per value. Interleave pairs of
    /// rows, then pairs of pairs, then swap 128-bit halves.
    /// </summary>
    private static void Block8(float* src, long ld, float* dst, long ldd)
    {
        var r0 = Vector256.Load(src); var r1 = Vector256.Load(src + ld);
        var r2 = Vector256.Load(src + 2 * ld); var r3 = Vector256.Load(src + 3 * ld);
        var r4 = Vector256.Load(src + 4 * ld); var r5 = Vector256.Load(src + 5 * ld);
        var r6 = Vector256.Load(src + 6 * ld); var r7 = Vector256.Load(src + 7 * ld);
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
        r0 = Avx.Shuffle(t0, t2, 0x44); r1 = Avx.Shuffle(t0, t2, 0xEE);
        r2 = Avx.Shuffle(t1, t3, 0x44); r3 = Avx.Shuffle(t1, t3, 0xEE);
        r4 = Avx.Shuffle(t4, t6, 0x44); r5 = Avx.Shuffle(t4, t6, 0xEE);
        r6 = Avx.Shuffle(t5, t7, 0x44); r7 = Avx.Shuffle(t5, t7, 0xEE);
        Vector256.Store(Avx.Permute2x128(r0, r4, 0x20), dst);
        Vector256.Store(Avx.Permute2x128(r1, r5, 0x20), dst + ldd);
        Vector256.Store(Avx.Permute2x128(r2, r6, 0x20), dst + 2 * ldd);
        Vector256.Store(Avx.Permute2x128(r3, r7, 0x20), dst + 3 * ldd);
        Vector256.Store(Avx.Permute2x128(r0, r4, 0x31), dst + 4 * ldd);
        Vector256.Store(Avx.Permute2x128(r1, r5, 0x31), dst + 5 * ldd);
        Vector256.Store(Avx.Permute2x128(r2, r6, 0x31), dst + 6 * ldd);
        Vector256.Store(Avx.Permute2x128(r3, r7, 0x31), dst + 7 * ldd);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put2(float* c, Vector256<float> s0, Vector256<float> s1, bool add)
    {
        if (add)
        {
            s0 += Vector256.Load(c);
            s1 += Vector256.Load(c + 8);
        }
        Vector256.Store(s0, c);
        Vector256.Store(s1, c + 8);
    }
}
