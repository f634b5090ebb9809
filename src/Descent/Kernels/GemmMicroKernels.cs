using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Descent.Kernels;

// Fully unrolled, one accumulator register per row and vector of the tile, so the JIT keeps the
// whole tile in registers; change all lines of a kernel together. Each kernel multiplies an A
// micro-panel (kc steps of MR values, lda apart: MR when packed) by a B micro-panel (kc steps of NR values, ldb apart: NR when
// packed, B's row length when read in place) into an
// MR x NR tile of C at row stride ldc, summing k in order from zero and then storing (add = false) or
// adding (add = true) the tile: every element of C sees the same operations wherever its tile lies,
// which makes results independent of how the work is split.

/// <summary>A row count fixed at JIT time, for the micro-kernels' generic parameter.</summary>
internal interface IRowCount
{
    static abstract int Count { get; }
}

internal struct Rows4 : IRowCount { public static int Count => 4; }
internal struct Rows8 : IRowCount { public static int Count => 8; }
internal struct Rows12 : IRowCount { public static int Count => 12; }

/// <summary>How a micro-kernel finds A's values, fixed at JIT time like <see cref="IRowCount"/>.</summary>
internal interface IALayout
{
    /// <summary>True: row r's value for step p is at a[r·lda + p]; false: at a[p·lda + r].</summary>
    static abstract bool InRows { get; }
}

/// <summary>A packed panel, or a transposed A read in place: one step's values side by side.</summary>
internal struct PanelA : IALayout { public static bool InRows => false; }

/// <summary>An A stored [m, k] read in place: each row's values side by side.</summary>
internal struct RowsA : IALayout { public static bool InRows => true; }

/// <summary>Whether a micro-kernel also writes the A panel it reads, packed (fixed at JIT time like <see cref="IRowCount"/>).</summary>
internal interface IACopy
{
    static abstract bool Copies { get; }
}

internal struct NoCopy : IACopy { public static bool Copies => false; }
internal struct CopyA : IACopy { public static bool Copies => true; }

/// <summary>Register-blocked GEMM micro-kernels, one per vector width.</summary>
internal static unsafe class GemmMicroKernels
{
    /// <summary>
    /// Up to a 12 x 32 tile in 24 zmm accumulators (AVX-512 has 32 registers). <typeparamref name="TRows"/>
    /// picks 4, 8 or 12 rows at JIT time (the other rows' code is removed), so an edge panel of 4 or 8
    /// rows is computed and stored in place instead of through a scratch tile. <typeparamref name="TA"/>
    /// says how A is laid out: a panel (step p's values at a + p·lda, packed with lda = 12 or a
    /// transposed A read in place), or rows lda apart (an A stored [m, k] read in place, when each A
    /// panel meets too few columns of B to repay packing it). The broadcasts are loads either way.
    /// </summary>
    public static void Vector512Kernel<TRows, TA>(int kc, float* a, int lda, float* b, int ldb, float* c, int ldc, bool add)
        where TRows : struct, IRowCount where TA : struct, IALayout
        => Vector512Tile<TRows, TA, NoCopy>(kc, a, lda, b, ldb, c, ldc, add, null);

    /// <summary>
    /// The 12-row kernel over a transposed A read where it lies (step p's 12 values at a + p·lda), which
    /// also writes the panel it reads, packed, to <paramref name="pack"/> (12 values a step) for the
    /// kernels that read it next. Packed in a phase of its own, a weight gradient's A streamed from L3
    /// with no FMAs to hide behind (a fifth of a 512 x 128 x 768 TN product on a Xeon, model 207); here
    /// its loads overlap the first B panel's FMAs, and rows ahead are fetched as the loop goes.
    /// </summary>
    public static void Vector512KernelPacking(int kc, float* a, int lda, float* b, int ldb, float* c, int ldc, bool add, float* pack)
        => Vector512Tile<Rows12, PanelA, CopyA>(kc, a, lda, b, ldb, c, ldc, add, pack);

    private static void Vector512Tile<TRows, TA, TCopy>(int kc, float* a, int lda, float* b, int ldb, float* c, int ldc, bool add, float* pack)
        where TRows : struct, IRowCount where TA : struct, IALayout where TCopy : struct, IACopy
    {
        int rows = TRows.Count;
        bool inRows = TA.InRows;
        // Row 3q + s (s < 3) is read at base q plus offset s, both set here for either layout, so each
        // broadcast in the loop is a plain load from memory. A choice between layouts inside the loop
        // makes the JIT load into a register and broadcast from there, a shuffle on the port that
        // also runs FMAs (measured: the whole GEMM capped at 60 % of the FMA peak).
        nint o1 = inRows ? lda : 1, o2 = 2 * o1, q = inRows ? 3 * (nint)lda : 3;
        float* a3 = a + q, a6 = a + 2 * q, a9 = a + 3 * q;
        nint step = inRows ? 1 : lda;
        var c0_0 = Vector512<float>.Zero; var c0_1 = Vector512<float>.Zero;
        var c1_0 = Vector512<float>.Zero; var c1_1 = Vector512<float>.Zero;
        var c2_0 = Vector512<float>.Zero; var c2_1 = Vector512<float>.Zero;
        var c3_0 = Vector512<float>.Zero; var c3_1 = Vector512<float>.Zero;
        var c4_0 = Vector512<float>.Zero; var c4_1 = Vector512<float>.Zero;
        var c5_0 = Vector512<float>.Zero; var c5_1 = Vector512<float>.Zero;
        var c6_0 = Vector512<float>.Zero; var c6_1 = Vector512<float>.Zero;
        var c7_0 = Vector512<float>.Zero; var c7_1 = Vector512<float>.Zero;
        var c8_0 = Vector512<float>.Zero; var c8_1 = Vector512<float>.Zero;
        var c9_0 = Vector512<float>.Zero; var c9_1 = Vector512<float>.Zero;
        var c10_0 = Vector512<float>.Zero; var c10_1 = Vector512<float>.Zero;
        var c11_0 = Vector512<float>.Zero; var c11_1 = Vector512<float>.Zero;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b + 0);
            var b1 = Vector512.Load(b + 16);
            var a0 = Vector512.Create(a[0]);
            c0_0 = Vector512.FusedMultiplyAdd(a0, b0, c0_0);
            c0_1 = Vector512.FusedMultiplyAdd(a0, b1, c0_1);
            var a1 = Vector512.Create(a[o1]);
            c1_0 = Vector512.FusedMultiplyAdd(a1, b0, c1_0);
            c1_1 = Vector512.FusedMultiplyAdd(a1, b1, c1_1);
            var a2 = Vector512.Create(a[o2]);
            c2_0 = Vector512.FusedMultiplyAdd(a2, b0, c2_0);
            c2_1 = Vector512.FusedMultiplyAdd(a2, b1, c2_1);
            var a3v = Vector512.Create(a3[0]);
            c3_0 = Vector512.FusedMultiplyAdd(a3v, b0, c3_0);
            c3_1 = Vector512.FusedMultiplyAdd(a3v, b1, c3_1);
            if (rows > 4)
            {
                var a4 = Vector512.Create(a3[o1]);
                c4_0 = Vector512.FusedMultiplyAdd(a4, b0, c4_0);
                c4_1 = Vector512.FusedMultiplyAdd(a4, b1, c4_1);
                var a5 = Vector512.Create(a3[o2]);
                c5_0 = Vector512.FusedMultiplyAdd(a5, b0, c5_0);
                c5_1 = Vector512.FusedMultiplyAdd(a5, b1, c5_1);
                var a6v = Vector512.Create(a6[0]);
                c6_0 = Vector512.FusedMultiplyAdd(a6v, b0, c6_0);
                c6_1 = Vector512.FusedMultiplyAdd(a6v, b1, c6_1);
                var a7 = Vector512.Create(a6[o1]);
                c7_0 = Vector512.FusedMultiplyAdd(a7, b0, c7_0);
                c7_1 = Vector512.FusedMultiplyAdd(a7, b1, c7_1);
            }
            if (rows > 8)
            {
                var a8 = Vector512.Create(a6[o2]);
                c8_0 = Vector512.FusedMultiplyAdd(a8, b0, c8_0);
                c8_1 = Vector512.FusedMultiplyAdd(a8, b1, c8_1);
                var a9v = Vector512.Create(a9[0]);
                c9_0 = Vector512.FusedMultiplyAdd(a9v, b0, c9_0);
                c9_1 = Vector512.FusedMultiplyAdd(a9v, b1, c9_1);
                var a10 = Vector512.Create(a9[o1]);
                c10_0 = Vector512.FusedMultiplyAdd(a10, b0, c10_0);
                c10_1 = Vector512.FusedMultiplyAdd(a10, b1, c10_1);
                var a11 = Vector512.Create(a9[o2]);
                c11_0 = Vector512.FusedMultiplyAdd(a11, b0, c11_0);
                c11_1 = Vector512.FusedMultiplyAdd(a11, b1, c11_1);
            }
            if (TCopy.Copies)
            {
                Vector256.Store(Vector256.Load(a), pack);
                Vector128.Store(Vector128.Load(a + 8), pack + 8);
                // Prefetches never fault, so fetching past A's end is harmless.
                Sse.Prefetch0(a + 16 * step);
                Sse.Prefetch0(a + 16 * step + 11);
                pack += 12;
            }
            a += step;
            a3 += step;
            if (rows > 4) a6 += step;
            if (rows > 8) a9 += step;
            b += ldb;
        }
        if (add)
        {
            Vector512.Store(Vector512.Load(c + 0) + c0_0, c + 0);
            Vector512.Store(Vector512.Load(c + 16) + c0_1, c + 16);
            Vector512.Store(Vector512.Load(c + 1 * ldc + 0) + c1_0, c + 1 * ldc + 0);
            Vector512.Store(Vector512.Load(c + 1 * ldc + 16) + c1_1, c + 1 * ldc + 16);
            Vector512.Store(Vector512.Load(c + 2 * ldc + 0) + c2_0, c + 2 * ldc + 0);
            Vector512.Store(Vector512.Load(c + 2 * ldc + 16) + c2_1, c + 2 * ldc + 16);
            Vector512.Store(Vector512.Load(c + 3 * ldc + 0) + c3_0, c + 3 * ldc + 0);
            Vector512.Store(Vector512.Load(c + 3 * ldc + 16) + c3_1, c + 3 * ldc + 16);
            if (rows > 4)
            {
                Vector512.Store(Vector512.Load(c + 4 * ldc + 0) + c4_0, c + 4 * ldc + 0);
                Vector512.Store(Vector512.Load(c + 4 * ldc + 16) + c4_1, c + 4 * ldc + 16);
                Vector512.Store(Vector512.Load(c + 5 * ldc + 0) + c5_0, c + 5 * ldc + 0);
                Vector512.Store(Vector512.Load(c + 5 * ldc + 16) + c5_1, c + 5 * ldc + 16);
                Vector512.Store(Vector512.Load(c + 6 * ldc + 0) + c6_0, c + 6 * ldc + 0);
                Vector512.Store(Vector512.Load(c + 6 * ldc + 16) + c6_1, c + 6 * ldc + 16);
                Vector512.Store(Vector512.Load(c + 7 * ldc + 0) + c7_0, c + 7 * ldc + 0);
                Vector512.Store(Vector512.Load(c + 7 * ldc + 16) + c7_1, c + 7 * ldc + 16);
            }
            if (rows > 8)
            {
                Vector512.Store(Vector512.Load(c + 8 * ldc + 0) + c8_0, c + 8 * ldc + 0);
                Vector512.Store(Vector512.Load(c + 8 * ldc + 16) + c8_1, c + 8 * ldc + 16);
                Vector512.Store(Vector512.Load(c + 9 * ldc + 0) + c9_0, c + 9 * ldc + 0);
                Vector512.Store(Vector512.Load(c + 9 * ldc + 16) + c9_1, c + 9 * ldc + 16);
                Vector512.Store(Vector512.Load(c + 10 * ldc + 0) + c10_0, c + 10 * ldc + 0);
                Vector512.Store(Vector512.Load(c + 10 * ldc + 16) + c10_1, c + 10 * ldc + 16);
                Vector512.Store(Vector512.Load(c + 11 * ldc + 0) + c11_0, c + 11 * ldc + 0);
                Vector512.Store(Vector512.Load(c + 11 * ldc + 16) + c11_1, c + 11 * ldc + 16);
            }
        }
        else
        {
            Vector512.Store(c0_0, c + 0);
            Vector512.Store(c0_1, c + 16);
            Vector512.Store(c1_0, c + 1 * ldc + 0);
            Vector512.Store(c1_1, c + 1 * ldc + 16);
            Vector512.Store(c2_0, c + 2 * ldc + 0);
            Vector512.Store(c2_1, c + 2 * ldc + 16);
            Vector512.Store(c3_0, c + 3 * ldc + 0);
            Vector512.Store(c3_1, c + 3 * ldc + 16);
            if (rows > 4)
            {
                Vector512.Store(c4_0, c + 4 * ldc + 0);
                Vector512.Store(c4_1, c + 4 * ldc + 16);
                Vector512.Store(c5_0, c + 5 * ldc + 0);
                Vector512.Store(c5_1, c + 5 * ldc + 16);
                Vector512.Store(c6_0, c + 6 * ldc + 0);
                Vector512.Store(c6_1, c + 6 * ldc + 16);
                Vector512.Store(c7_0, c + 7 * ldc + 0);
                Vector512.Store(c7_1, c + 7 * ldc + 16);
            }
            if (rows > 8)
            {
                Vector512.Store(c8_0, c + 8 * ldc + 0);
                Vector512.Store(c8_1, c + 8 * ldc + 16);
                Vector512.Store(c9_0, c + 9 * ldc + 0);
                Vector512.Store(c9_1, c + 9 * ldc + 16);
                Vector512.Store(c10_0, c + 10 * ldc + 0);
                Vector512.Store(c10_1, c + 10 * ldc + 16);
                Vector512.Store(c11_0, c + 11 * ldc + 0);
                Vector512.Store(c11_1, c + 11 * ldc + 16);
            }
        }
    }

    /// <summary>
    /// 6 x 16 tile in 12 ymm accumulators (AVX2 has 16 registers). Packed panels (lda 6, ldb 16) run four steps
    /// per trip with constant displacements: one step per trip spent 7 of its 27 instructions on the loop and its
    /// strides, and reached 70-86 % of the FMA peak with both panels in L1 (kc 64-256) on one core of an AMD EPYC
    /// (family 25, model 1) against 91-94 % unrolled. Each accumulator still takes its k steps in order.
    /// </summary>
    public static void Vector256Kernel(int kc, float* a, int lda, float* b, int ldb, float* c, int ldc, bool add)
    {
        var c0_0 = Vector256<float>.Zero; var c0_1 = Vector256<float>.Zero;
        var c1_0 = Vector256<float>.Zero; var c1_1 = Vector256<float>.Zero;
        var c2_0 = Vector256<float>.Zero; var c2_1 = Vector256<float>.Zero;
        var c3_0 = Vector256<float>.Zero; var c3_1 = Vector256<float>.Zero;
        var c4_0 = Vector256<float>.Zero; var c4_1 = Vector256<float>.Zero;
        var c5_0 = Vector256<float>.Zero; var c5_1 = Vector256<float>.Zero;
        int p = 0;
        if (lda == 6 && ldb == 16)
        {
            for (; p + 4 <= kc; p += 4, a += 24, b += 64)
            {
                Step256(a, b, ref c0_0, ref c0_1, ref c1_0, ref c1_1, ref c2_0, ref c2_1, ref c3_0, ref c3_1, ref c4_0, ref c4_1, ref c5_0, ref c5_1);
                Step256(a + 6, b + 16, ref c0_0, ref c0_1, ref c1_0, ref c1_1, ref c2_0, ref c2_1, ref c3_0, ref c3_1, ref c4_0, ref c4_1, ref c5_0, ref c5_1);
                Step256(a + 12, b + 32, ref c0_0, ref c0_1, ref c1_0, ref c1_1, ref c2_0, ref c2_1, ref c3_0, ref c3_1, ref c4_0, ref c4_1, ref c5_0, ref c5_1);
                Step256(a + 18, b + 48, ref c0_0, ref c0_1, ref c1_0, ref c1_1, ref c2_0, ref c2_1, ref c3_0, ref c3_1, ref c4_0, ref c4_1, ref c5_0, ref c5_1);
            }
        }
        for (; p < kc; p++, a += lda, b += ldb)
            Step256(a, b, ref c0_0, ref c0_1, ref c1_0, ref c1_1, ref c2_0, ref c2_1, ref c3_0, ref c3_1, ref c4_0, ref c4_1, ref c5_0, ref c5_1);
        if (add)
        {
            c0_0 = Vector256.Load(c + 0) + c0_0; c0_1 = Vector256.Load(c + 8) + c0_1;
            c1_0 = Vector256.Load(c + 1 * ldc + 0) + c1_0; c1_1 = Vector256.Load(c + 1 * ldc + 8) + c1_1;
            c2_0 = Vector256.Load(c + 2 * ldc + 0) + c2_0; c2_1 = Vector256.Load(c + 2 * ldc + 8) + c2_1;
            c3_0 = Vector256.Load(c + 3 * ldc + 0) + c3_0; c3_1 = Vector256.Load(c + 3 * ldc + 8) + c3_1;
            c4_0 = Vector256.Load(c + 4 * ldc + 0) + c4_0; c4_1 = Vector256.Load(c + 4 * ldc + 8) + c4_1;
            c5_0 = Vector256.Load(c + 5 * ldc + 0) + c5_0; c5_1 = Vector256.Load(c + 5 * ldc + 8) + c5_1;
        }
        Vector256.Store(c0_0, c + 0);
        Vector256.Store(c0_1, c + 8);
        Vector256.Store(c1_0, c + 1 * ldc + 0);
        Vector256.Store(c1_1, c + 1 * ldc + 8);
        Vector256.Store(c2_0, c + 2 * ldc + 0);
        Vector256.Store(c2_1, c + 2 * ldc + 8);
        Vector256.Store(c3_0, c + 3 * ldc + 0);
        Vector256.Store(c3_1, c + 3 * ldc + 8);
        Vector256.Store(c4_0, c + 4 * ldc + 0);
        Vector256.Store(c4_1, c + 4 * ldc + 8);
        Vector256.Store(c5_0, c + 5 * ldc + 0);
        Vector256.Store(c5_1, c + 5 * ldc + 8);
    }

    /// <summary>One k step of the 6 x 16 tile: two vectors of B, six broadcasts of A (loads from memory).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step256(float* a, float* b,
        ref Vector256<float> c0_0, ref Vector256<float> c0_1, ref Vector256<float> c1_0, ref Vector256<float> c1_1,
        ref Vector256<float> c2_0, ref Vector256<float> c2_1, ref Vector256<float> c3_0, ref Vector256<float> c3_1,
        ref Vector256<float> c4_0, ref Vector256<float> c4_1, ref Vector256<float> c5_0, ref Vector256<float> c5_1)
    {
        var b0 = Vector256.Load(b + 0);
        var b1 = Vector256.Load(b + 8);
        var a0 = Vector256.Create(a[0]);
        c0_0 = Vector256.FusedMultiplyAdd(a0, b0, c0_0);
        c0_1 = Vector256.FusedMultiplyAdd(a0, b1, c0_1);
        var a1 = Vector256.Create(a[1]);
        c1_0 = Vector256.FusedMultiplyAdd(a1, b0, c1_0);
        c1_1 = Vector256.FusedMultiplyAdd(a1, b1, c1_1);
        var a2 = Vector256.Create(a[2]);
        c2_0 = Vector256.FusedMultiplyAdd(a2, b0, c2_0);
        c2_1 = Vector256.FusedMultiplyAdd(a2, b1, c2_1);
        var a3 = Vector256.Create(a[3]);
        c3_0 = Vector256.FusedMultiplyAdd(a3, b0, c3_0);
        c3_1 = Vector256.FusedMultiplyAdd(a3, b1, c3_1);
        var a4 = Vector256.Create(a[4]);
        c4_0 = Vector256.FusedMultiplyAdd(a4, b0, c4_0);
        c4_1 = Vector256.FusedMultiplyAdd(a4, b1, c4_1);
        var a5 = Vector256.Create(a[5]);
        c5_0 = Vector256.FusedMultiplyAdd(a5, b0, c5_0);
        c5_1 = Vector256.FusedMultiplyAdd(a5, b1, c5_1);
    }

    /// <summary>4 x 4 tile in plain floats, for CPUs without AVX2 or AVX-512.</summary>
    public static void ScalarKernel(int kc, float* a, int lda, float* b, int ldb, float* c, int ldc, bool add)
    {
        float c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (int p = 0; p < kc; p++)
        {
            float b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
            float a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
            c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
            c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
            c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
            c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
            a += lda;
            b += ldb;
        }
        Write(c, add, c00, c01, c02, c03);
        Write(c + ldc, add, c10, c11, c12, c13);
        Write(c + 2 * ldc, add, c20, c21, c22, c23);
        Write(c + 3 * ldc, add, c30, c31, c32, c33);
    }

    private static void Write(float* row, bool add, float x0, float x1, float x2, float x3)
    {
        if (add)
        {
            row[0] += x0; row[1] += x1; row[2] += x2; row[3] += x3;
        }
        else
        {
            row[0] = x0; row[1] = x1; row[2] = x2; row[3] = x3;
        }
    }
}
