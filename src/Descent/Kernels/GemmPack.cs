using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Descent.Kernels;

/// <summary>
/// Copies blocks of op(A) and op(B) into the micro-kernels' panel layouts. The transposes live here:
/// whichever way an operand is stored, its panel comes out the same, so the rest of the GEMM never
/// sees a transpose. Panels at the edges are padded with zeros to a full tile.
/// </summary>
internal static unsafe class GemmPack
{
    /// <summary>
    /// How many steps ahead the packing of a transposed A fetches its rows. Each step reads 12 values
    /// m floats after the last, a stride the hardware prefetchers do not follow across pages, and a
    /// weight gradient's A (dYᵀ, megabytes) comes from L3, so the packing waited on every line (measured
    /// on one core of a Xeon, model 207: 512 x 128 x 768 TN from 804 to 760 µs, 256³ TN from 237 to
    /// 228 µs; 32 steps ahead was no better, and fetching B's rows ahead the same way gained nothing).
    /// </summary>
    private const int TransposedAPrefetchSteps = 16;

    /// <summary>
    /// Packs rows [i0, i0 + mc) and columns [p0, p0 + kc) of op(A) (m x k) into panels of
    /// <paramref name="mr"/> rows: panel q holds, for each p, the mr values of rows i0 + q·mr ... in order.
    /// </summary>
    public static void A(bool transA, float* a, int m, int k, int i0, int mc, int p0, int kc, int mr, float* dst)
    {
        for (int ir = 0; ir < mc; ir += mr)
        {
            int rows = Math.Min(mr, mc - ir);
            float* d = dst + (long)ir * kc;
            if (transA)
            {
                // A is stored [k, m]: each step p reads `rows` adjacent values.
                float* s = a + (long)p0 * m + i0 + ir;
                if (rows == 12 && mr == 12)
                {
                    // The widest path's full panel: one 8-wide and one 4-wide copy a step.
                    for (int p = 0; p < kc; p++, s += m, d += mr)
                    {
                        // A prefetch past the end of A is harmless: prefetches never fault.
                        Sse.Prefetch0(s + TransposedAPrefetchSteps * (long)m);
                        Sse.Prefetch0(s + TransposedAPrefetchSteps * (long)m + 11);
                        Vector256.Store(Vector256.Load(s), d);
                        Vector128.Store(Vector128.Load(s + 8), d + 8);
                    }
                    continue;
                }
                if (rows == 6 && mr == 6)
                {
                    // The AVX2 path's full panel: four values and two a step.
                    for (int p = 0; p < kc; p++, s += m, d += mr)
                    {
                        Sse.Prefetch0(s + TransposedAPrefetchSteps * (long)m);
                        Vector128.Store(Vector128.Load(s), d);
                        *(double*)(d + 4) = *(double*)(s + 4);
                    }
                    continue;
                }
                if (rows == 8 && mr == 8)
                {
                    // The 8 x 48 tile's full panel: one 8-wide copy a step.
                    for (int p = 0; p < kc; p++, s += m, d += mr)
                    {
                        Sse.Prefetch0(s + TransposedAPrefetchSteps * (long)m);
                        Sse.Prefetch0(s + TransposedAPrefetchSteps * (long)m + 7);
                        Vector256.Store(Vector256.Load(s), d);
                    }
                    continue;
                }
                for (int p = 0; p < kc; p++, s += m, d += mr)
                {
                    int r = 0;
                    for (; r < rows; r++) d[r] = s[r];
                    for (; r < mr; r++) d[r] = 0f;
                }
            }
            else
            {
                // A is stored [m, k]: a panel is the transpose of `rows` row runs, the same layout
                // change as packing a transposed B, so groups of 8 rows go through its 8 x 8 blocks.
                float* s0 = a + (long)(i0 + ir) * k + p0;
                if (rows == 6 && mr == 6 && Avx.IsSupported)
                {
                    SixRows(s0, k, kc, d);
                    continue;
                }
                int r0 = TransposeBlocks(s0, k, kc, rows, mr, d);
                for (int r = r0; r < rows; r++)
                {
                    float* s = s0 + (long)r * k;
                    for (int p = 0; p < kc; p++) d[p * mr + r] = s[p];
                }
                if (rows < mr) ClearPadding(d, kc, rows, mr);
            }
        }
    }

    /// <summary>
    /// Packs six rows of an A stored [m, k] (<paramref name="kc"/> values each, <paramref name="k"/> apart) into the
    /// AVX2 tile's 6-row panel, eight steps at a time through an 8 x 8 register transpose whose two missing rows are
    /// zeros. Element by element, with one store per value, the packing of A took 43 % of the micro-kernel's time in
    /// a 1024³ product on one core of an AMD EPYC (family 25, model 1): 6 rows never fill the 8 x 8 blocks
    /// <see cref="TransposeBlocks"/> moves.
    /// </summary>
    private static void SixRows(float* s, int k, int kc, float* d)
    {
        int p = 0;
        for (; p + 8 <= kc; p += 8, d += 48)
        {
            float* r = s + p;
            var t0 = Avx.UnpackLow(Avx.LoadVector256(r), Avx.LoadVector256(r + k));
            var t1 = Avx.UnpackHigh(Avx.LoadVector256(r), Avx.LoadVector256(r + k));
            var t2 = Avx.UnpackLow(Avx.LoadVector256(r + 2 * (long)k), Avx.LoadVector256(r + 3 * (long)k));
            var t3 = Avx.UnpackHigh(Avx.LoadVector256(r + 2 * (long)k), Avx.LoadVector256(r + 3 * (long)k));
            var t4 = Avx.UnpackLow(Avx.LoadVector256(r + 4 * (long)k), Avx.LoadVector256(r + 5 * (long)k));
            var t5 = Avx.UnpackHigh(Avx.LoadVector256(r + 4 * (long)k), Avx.LoadVector256(r + 5 * (long)k));
            var z = Vector256<float>.Zero;
            var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xEE);
            var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xEE);
            var u4 = Avx.Shuffle(t4, z, 0x44); var u5 = Avx.Shuffle(t4, z, 0xEE);
            var u6 = Avx.Shuffle(t5, z, 0x44); var u7 = Avx.Shuffle(t5, z, 0xEE);
            // Step j's six values, and two zeros that step j + 1's store overwrites; the last step's two extra lanes
            // would land past the panel (past the buffer, for the last panel), so its store is 4 + 2 values.
            Avx.Store(d, Avx.Permute2x128(u0, u4, 0x20));
            Avx.Store(d + 6, Avx.Permute2x128(u1, u5, 0x20));
            Avx.Store(d + 12, Avx.Permute2x128(u2, u6, 0x20));
            Avx.Store(d + 18, Avx.Permute2x128(u3, u7, 0x20));
            Avx.Store(d + 24, Avx.Permute2x128(u0, u4, 0x31));
            Avx.Store(d + 30, Avx.Permute2x128(u1, u5, 0x31));
            Avx.Store(d + 36, Avx.Permute2x128(u2, u6, 0x31));
            var last = Avx.Permute2x128(u3, u7, 0x31);
            Vector128.Store(last.GetLower(), d + 42);
            *(double*)(d + 46) = last.GetUpper().AsDouble().ToScalar();
        }
        for (; p < kc; p++, d += 6)
            for (int r = 0; r < 6; r++) d[r] = s[(long)r * k + p];
    }

    /// <summary>
    /// Packs rows [p0, p0 + kc) and columns [j0, j0 + nc) of op(B) (k x n) into panels of
    /// <paramref name="nr"/> columns: panel q holds, for each p, the nr values of columns j0 + q·nr ... in order.
    /// </summary>
    public static void B(bool transB, float* b, int k, int n, int p0, int kc, int j0, int nc, int nr, float* dst)
    {
        int jr = transB ? 0 : FullPanelsByRows(b + (long)p0 * n + j0, n, kc, nc, nr, dst);
        for (; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            float* d = dst + (long)jr * kc;
            if (transB)
            {
                // B is stored [n, k]: each column of op(B) is a contiguous run.
                int c0 = TransposeBlocks(b + (long)(j0 + jr) * k + p0, k, kc, cols, nr, d);
                for (int c = c0; c < cols; c++)
                {
                    float* s = b + (long)(j0 + jr + c) * k + p0;
                    for (int p = 0; p < kc; p++) d[p * nr + c] = s[p];
                }
                if (cols < nr) ClearPadding(d, kc, cols, nr);
            }
            else
            {
                float* s = b + (long)p0 * n + j0 + jr;
                for (int p = 0; p < kc; p++, s += n, d += nr)
                {
                    new ReadOnlySpan<float>(s, cols).CopyTo(new Span<float>(d, cols));
                    if (cols < nr) new Span<float>(d + cols, nr - cols).Clear();
                }
            }
        }
    }

    /// <summary>
    /// Zeros lanes [<paramref name="used"/>, <paramref name="width"/>) of every step of a panel: one run per step
    /// rather than one strided store per value and step (a 48-wide panel with 16 columns left took 25 k such
    /// stores to pack the MLP's 256 x 784 weight, a quarter of the packing's time).
    /// </summary>
    private static void ClearPadding(float* d, int kc, int used, int width)
    {
        for (int p = 0; p < kc; p++) new Span<float>(d + (long)p * width + used, width - used).Clear();
    }

    /// <summary>
    /// Packs the full panels of a B stored [k, n] row by row: each row's run across all of them is read
    /// in one pass and dealt out nr floats to a panel. Panel by panel, every step of a panel read two
    /// lines of a row n floats from the last, a page apart for n = 1024, which the hardware prefetchers
    /// do not follow; row by row the reads are sequential (measured on one core of a Xeon, model 207:
    /// the packing from 4.7 % to 3.8 % of the micro-kernel's time in a 1024³ product, which ran 1.6-1.9 %
    /// faster; 2048³ 0.8-1.2 %).
    /// Returns the first column left for the panel-by-panel loop (the partial panel, or all of them
    /// where nr is not a whole number of vectors).
    /// </summary>
    private static int FullPanelsByRows(float* s, int n, int kc, int nc, int nr, float* dst)
    {
        int full = nc - nc % nr;
        if (nr % Vector256<float>.Count != 0) return 0;
        long panelStride = (long)nr * kc;
        for (int p = 0; p < kc; p++, s += n)
        {
            float* d = dst + (long)p * nr;
            for (int j = 0; j < full; j += nr, d += panelStride)
            {
                if (Vector512.IsHardwareAccelerated && nr % Vector512<float>.Count == 0)
                    for (int c = 0; c < nr; c += Vector512<float>.Count) Vector512.Store(Vector512.Load(s + j + c), d + c);
                else
                    for (int c = 0; c < nr; c += Vector256<float>.Count) Vector256.Store(Vector256.Load(s + j + c), d + c);
            }
        }
        return full;
    }

    /// <summary>
    /// Packs runs of <paramref name="kc"/> floats, <paramref name="k"/> apart (columns of a B stored [n, k], or
    /// rows of an A stored [m, k]), into a panel of width <paramref name="nr"/> with register transposes, because
    /// the scalar loop's one store per element dominates a GEMM with few rows of A. Returns the first run left
    /// for the scalar loop.
    /// </summary>
    private static int TransposeBlocks(float* s, int k, int kc, int cols, int nr, float* d)
    {
        if (Avx512F.IsSupported && cols >= RegisterTranspose.Side && kc >= RegisterTranspose.Side)
        {
            Transpose16Blocks(s, k, kc, cols, nr, d);
            return cols;
        }
        if (!Avx.IsSupported) return 0;
        int cEnd = cols & ~7, pEnd = kc & ~7;
        if (nr > 32)
        {
            // Panels wider than 32 (the 8 x 48 tile's) go eight steps of the whole panel at a time: the groups' stores
            // then fill each line in one pass, and the packing took 0.7 (B of 128 x 384) to 0.95 (128 x 480) of the
            // time group by group takes (one core of a Xeon, model 207). For 32-wide panels the two orders read mixed
            // (one shape faster, one slower), so they keep the group order.
            for (int p = 0; p < pEnd; p += 8)
                for (int c = 0; c < cEnd; c += 8) Transpose8x8(s + (long)c * k + p, k, d + (long)p * nr + c, nr);
        }
        else
        {
            for (int c = 0; c < cEnd; c += 8)
                for (int p = 0; p < pEnd; p += 8) Transpose8x8(s + (long)c * k + p, k, d + (long)p * nr + c, nr);
        }
        for (int cc = 0; cc < cEnd; cc++)
        {
            float* sc = s + (long)cc * k;
            for (int p = pEnd; p < kc; p++) d[p * nr + cc] = sc[p];
        }
        return cEnd;
    }

    /// <summary>
    /// All <paramref name="cols"/> runs (at least 16, as is <paramref name="kc"/>) in 16 x 16 blocks: a load and
    /// a store per full line where 8 x 8 blocks move half lines (a Linear layer's weight, packed as the B of
    /// x·Wᵀ every step: the MLP's 256 x 784 in 32-wide panels from 39 to 27 µs on one core of a Xeon, model 207,
    /// thread CPU time with the load average at 9). A last group
    /// of columns or steps shorter than 16 is the last 16 instead, overlapping the block before: packing only
    /// copies, so the overlap writes the same values twice and no scalar edge is left.
    /// </summary>
    private static void Transpose16Blocks(float* s, int k, int kc, int cols, int nr, float* d)
    {
        const int side = RegisterTranspose.Side;
        for (int c = 0; c < cols; c += side)
        {
            int cc = Math.Min(c, cols - side);
            float* src = s + (long)cc * k;
            float* dst = d + cc;
            for (int p = 0; p < kc; p += side)
            {
                int pp = Math.Min(p, kc - side);
                RegisterTranspose.Block16(src + pp, k, dst + (long)pp * nr, nr);
            }
        }
    }

    /// <summary>
    /// The 8 x 8 block of floats at <paramref name="s"/> (rows <paramref name="sourceStride"/> apart) written
    /// transposed at <paramref name="d"/> (rows <paramref name="destinationStride"/> apart), in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transpose8x8(float* s, long sourceStride, float* d, long destinationStride)
    {
        long k = sourceStride, nr = destinationStride;
        var t0 = Avx.UnpackLow(Avx.LoadVector256(s), Avx.LoadVector256(s + k));
        var t1 = Avx.UnpackHigh(Avx.LoadVector256(s), Avx.LoadVector256(s + k));
        var t2 = Avx.UnpackLow(Avx.LoadVector256(s + 2 * k), Avx.LoadVector256(s + 3 * k));
        var t3 = Avx.UnpackHigh(Avx.LoadVector256(s + 2 * k), Avx.LoadVector256(s + 3 * k));
        var t4 = Avx.UnpackLow(Avx.LoadVector256(s + 4 * k), Avx.LoadVector256(s + 5 * k));
        var t5 = Avx.UnpackHigh(Avx.LoadVector256(s + 4 * k), Avx.LoadVector256(s + 5 * k));
        var t6 = Avx.UnpackLow(Avx.LoadVector256(s + 6 * k), Avx.LoadVector256(s + 7 * k));
        var t7 = Avx.UnpackHigh(Avx.LoadVector256(s + 6 * k), Avx.LoadVector256(s + 7 * k));
        var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44); var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44); var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(d, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(d + nr, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(d + 2 * nr, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(d + 3 * nr, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(d + 4 * nr, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(d + 5 * nr, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(d + 6 * nr, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(d + 7 * nr, Avx.Permute2x128(u3, u7, 0x31));
    }
}
