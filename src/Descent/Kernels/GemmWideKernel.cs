using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Descent.Kernels;

/// <summary>A tile's width in 512-bit vectors of 16 floats, fixed at JIT time like <see cref="IRowCount"/>.</summary>
internal interface IColumnCount
{
    static abstract int Vectors { get; }
}

internal struct Cols16 : IColumnCount { public static int Vectors => 1; }
internal struct Cols32 : IColumnCount { public static int Vectors => 2; }
internal struct Cols48 : IColumnCount { public static int Vectors => 3; }

/// <summary>
/// The 8 x 48 AVX-512 micro-kernel (<see cref="GemmTile.Wide8x48"/>), the shape of MKL's SGEMM kernel on Intel: per k
/// step 3 vector loads of B, 8 broadcasts of A and 24 FMAs into 24 zmm accumulators, about 36 µops and 11 loads
/// (loop overhead included) where the 12 x 32 tile (<see cref="GemmMicroKernels.Vector512Kernel{TRows, TA}"/>) needs about 45 and 14. Alone
/// on a core both are FMA-bound; when the host's other hyperthread takes half the issue slots, the 12 x 32 becomes
/// issue-bound first (bench/results/2026-12-07-contention-xeon-family6-model207/NOTES.md, sections 5 and 6).
/// </summary>
/// <remarks>
/// Same contract as the 12 x 32 kernels: kc steps of an A micro-panel (a panel, step p's values at a + p·lda, or rows
/// lda apart) times a B micro-panel (step p's values at b + p·ldb) into a tile of C, each element's k steps summed
/// in order from zero and then stored or added, so both tiles give every element the same bits.
/// <c>TRows</c> picks 4 or 8 rows and <c>TCols</c> 16, 32 or 48 columns at JIT
/// time, so a tile at the right or bottom edge runs only the FMAs it keeps and stores in place. The k loop runs
/// four steps per pass with every address a register plus a constant (strides held as <c>nint</c>), so a step
/// carries no index arithmetic; the last kc mod 4 steps run one at a time.
/// </remarks>
internal static unsafe class GemmWideKernel
{
    /// <summary>The tile's rows (8) and columns (48).</summary>
    public const int Rows = 8, Columns = 48;

    /// <summary>
    /// How many steps ahead the packing variant fetches a transposed A's rows (as
    /// <see cref="GemmMicroKernels.Vector512KernelPacking"/>: each step is a line m floats on).
    /// </summary>
    private const int FetchSteps = 16;

    /// <summary>
    /// The kernel for one tile: <paramref name="rows"/> of A (1-8; the 4-row kernel up to 4, else the 8-row) by
    /// <paramref name="vectors"/> x 16 columns, A in rows when <paramref name="aInRows"/> else a panel, and with
    /// <paramref name="copy"/> (8 rows, panel layout) the variant that also packs the panel. A table lookup, so a
    /// tile costs one indirect call as the 12 x 32's do.
    /// </summary>
    public static delegate*<int, float*, int, float*, int, float*, int, bool, float*, void> For(int rows, int vectors, bool aInRows, bool copy)
        => Table[(copy ? 12 : aInRows ? 6 : 0) + (rows > 4 ? 3 : 0) + vectors - 1];

    private static readonly delegate*<int, float*, int, float*, int, float*, int, bool, float*, void>[] Table =
    [
        &Run<Rows4, Cols16, PanelA, NoCopy>, &Run<Rows4, Cols32, PanelA, NoCopy>, &Run<Rows4, Cols48, PanelA, NoCopy>,
        &Run<Rows8, Cols16, PanelA, NoCopy>, &Run<Rows8, Cols32, PanelA, NoCopy>, &Run<Rows8, Cols48, PanelA, NoCopy>,
        &Run<Rows4, Cols16, RowsA, NoCopy>, &Run<Rows4, Cols32, RowsA, NoCopy>, &Run<Rows4, Cols48, RowsA, NoCopy>,
        &Run<Rows8, Cols16, RowsA, NoCopy>, &Run<Rows8, Cols32, RowsA, NoCopy>, &Run<Rows8, Cols48, RowsA, NoCopy>,
        // Packing: full panels only (8 rows; the 4-row slots name the same kernels).
        &Run<Rows8, Cols16, PanelA, CopyA>, &Run<Rows8, Cols32, PanelA, CopyA>, &Run<Rows8, Cols48, PanelA, CopyA>,
        &Run<Rows8, Cols16, PanelA, CopyA>, &Run<Rows8, Cols32, PanelA, CopyA>, &Run<Rows8, Cols48, PanelA, CopyA>,
    ];

    /// <summary>C (+)= A·B for one tile; <paramref name="pack"/> is unused unless <typeparamref name="TCopy"/> copies.</summary>
    /// <remarks>With <see cref="CopyA"/> (panel layout, 8 rows only) it also writes the 8 values of each step it
    /// reads to <paramref name="pack"/>, packed, for the kernels that read the panel next.</remarks>
    public static void Run<TRows, TCols, TA, TCopy>(int kc, float* a, int lda, float* b, int ldb, float* c, int ldc, bool add, float* pack)
        where TRows : struct, IRowCount where TCols : struct, IColumnCount where TA : struct, IALayout where TCopy : struct, IACopy
    {
        int rows = TRows.Count, cols = TCols.Vectors;
        Vector512<float> c0_0 = default, c0_1 = default, c0_2 = default;
        Vector512<float> c1_0 = default, c1_1 = default, c1_2 = default;
        Vector512<float> c2_0 = default, c2_1 = default, c2_2 = default;
        Vector512<float> c3_0 = default, c3_1 = default, c3_2 = default;
        Vector512<float> c4_0 = default, c4_1 = default, c4_2 = default;
        Vector512<float> c5_0 = default, c5_1 = default, c5_2 = default;
        Vector512<float> c6_0 = default, c6_1 = default, c6_2 = default;
        Vector512<float> c7_0 = default, c7_1 = default, c7_2 = default;
        Vector512<float> b0, b1 = default, b2 = default, x;
        nint ldb2 = 2 * (nint)ldb, ldb3 = 3 * (nint)ldb, ldb4 = 4 * (nint)ldb;
        int p = 0;
        if (TA.InRows)
        {
            // Row r's step p at (r < 4 ? a : a4) + offset (r mod 4) + p: the offsets in registers, p a displacement.
            nint o1 = lda, o2 = 2 * o1, o3 = 3 * o1;
            float* a4 = a + 4 * o1;
            for (int end = kc - 3; p < end; p += 4)
            {
                b0 = Vector512.Load(b);
                if (cols > 1) b1 = Vector512.Load(b + 16);
                if (cols > 2) b2 = Vector512.Load(b + 32);
                x = Vector512.Create(*a); c0_0 = Vector512.FusedMultiplyAdd(x, b0, c0_0); if (cols > 1) c0_1 = Vector512.FusedMultiplyAdd(x, b1, c0_1); if (cols > 2) c0_2 = Vector512.FusedMultiplyAdd(x, b2, c0_2);
                x = Vector512.Create(*(a + o1)); c1_0 = Vector512.FusedMultiplyAdd(x, b0, c1_0); if (cols > 1) c1_1 = Vector512.FusedMultiplyAdd(x, b1, c1_1); if (cols > 2) c1_2 = Vector512.FusedMultiplyAdd(x, b2, c1_2);
                x = Vector512.Create(*(a + o2)); c2_0 = Vector512.FusedMultiplyAdd(x, b0, c2_0); if (cols > 1) c2_1 = Vector512.FusedMultiplyAdd(x, b1, c2_1); if (cols > 2) c2_2 = Vector512.FusedMultiplyAdd(x, b2, c2_2);
                x = Vector512.Create(*(a + o3)); c3_0 = Vector512.FusedMultiplyAdd(x, b0, c3_0); if (cols > 1) c3_1 = Vector512.FusedMultiplyAdd(x, b1, c3_1); if (cols > 2) c3_2 = Vector512.FusedMultiplyAdd(x, b2, c3_2);
                if (rows > 4)
                {
                    x = Vector512.Create(*a4); c4_0 = Vector512.FusedMultiplyAdd(x, b0, c4_0); if (cols > 1) c4_1 = Vector512.FusedMultiplyAdd(x, b1, c4_1); if (cols > 2) c4_2 = Vector512.FusedMultiplyAdd(x, b2, c4_2);
                    x = Vector512.Create(*(a4 + o1)); c5_0 = Vector512.FusedMultiplyAdd(x, b0, c5_0); if (cols > 1) c5_1 = Vector512.FusedMultiplyAdd(x, b1, c5_1); if (cols > 2) c5_2 = Vector512.FusedMultiplyAdd(x, b2, c5_2);
                    x = Vector512.Create(*(a4 + o2)); c6_0 = Vector512.FusedMultiplyAdd(x, b0, c6_0); if (cols > 1) c6_1 = Vector512.FusedMultiplyAdd(x, b1, c6_1); if (cols > 2) c6_2 = Vector512.FusedMultiplyAdd(x, b2, c6_2);
                    x = Vector512.Create(*(a4 + o3)); c7_0 = Vector512.FusedMultiplyAdd(x, b0, c7_0); if (cols > 1) c7_1 = Vector512.FusedMultiplyAdd(x, b1, c7_1); if (cols > 2) c7_2 = Vector512.FusedMultiplyAdd(x, b2, c7_2);
                }
                b0 = Vector512.Load(b + ldb);
                if (cols > 1) b1 = Vector512.Load(b + ldb + 16);
                if (cols > 2) b2 = Vector512.Load(b + ldb + 32);
                x = Vector512.Create(*(a + 1)); c0_0 = Vector512.FusedMultiplyAdd(x, b0, c0_0); if (cols > 1) c0_1 = Vector512.FusedMultiplyAdd(x, b1, c0_1); if (cols > 2) c0_2 = Vector512.FusedMultiplyAdd(x, b2, c0_2);
                x = Vector512.Create(*(a + o1 + 1)); c1_0 = Vector512.FusedMultiplyAdd(x, b0, c1_0); if (cols > 1) c1_1 = Vector512.FusedMultiplyAdd(x, b1, c1_1); if (cols > 2) c1_2 = Vector512.FusedMultiplyAdd(x, b2, c1_2);
                x = Vector512.Create(*(a + o2 + 1)); c2_0 = Vector512.FusedMultiplyAdd(x, b0, c2_0); if (cols > 1) c2_1 = Vector512.FusedMultiplyAdd(x, b1, c2_1); if (cols > 2) c2_2 = Vector512.FusedMultiplyAdd(x, b2, c2_2);
                x = Vector512.Create(*(a + o3 + 1)); c3_0 = Vector512.FusedMultiplyAdd(x, b0, c3_0); if (cols > 1) c3_1 = Vector512.FusedMultiplyAdd(x, b1, c3_1); if (cols > 2) c3_2 = Vector512.FusedMultiplyAdd(x, b2, c3_2);
                if (rows > 4)
                {
                    x = Vector512.Create(*(a4 + 1)); c4_0 = Vector512.FusedMultiplyAdd(x, b0, c4_0); if (cols > 1) c4_1 = Vector512.FusedMultiplyAdd(x, b1, c4_1); if (cols > 2) c4_2 = Vector512.FusedMultiplyAdd(x, b2, c4_2);
                    x = Vector512.Create(*(a4 + o1 + 1)); c5_0 = Vector512.FusedMultiplyAdd(x, b0, c5_0); if (cols > 1) c5_1 = Vector512.FusedMultiplyAdd(x, b1, c5_1); if (cols > 2) c5_2 = Vector512.FusedMultiplyAdd(x, b2, c5_2);
                    x = Vector512.Create(*(a4 + o2 + 1)); c6_0 = Vector512.FusedMultiplyAdd(x, b0, c6_0); if (cols > 1) c6_1 = Vector512.FusedMultiplyAdd(x, b1, c6_1); if (cols > 2) c6_2 = Vector512.FusedMultiplyAdd(x, b2, c6_2);
                    x = Vector512.Create(*(a4 + o3 + 1)); c7_0 = Vector512.FusedMultiplyAdd(x, b0, c7_0); if (cols > 1) c7_1 = Vector512.FusedMultiplyAdd(x, b1, c7_1); if (cols > 2) c7_2 = Vector512.FusedMultiplyAdd(x, b2, c7_2);
                }
                b0 = Vector512.Load(b + ldb2);
                if (cols > 1) b1 = Vector512.Load(b + ldb2 + 16);
                if (cols > 2) b2 = Vector512.Load(b + ldb2 + 32);
                x = Vector512.Create(*(a + 2)); c0_0 = Vector512.FusedMultiplyAdd(x, b0, c0_0); if (cols > 1) c0_1 = Vector512.FusedMultiplyAdd(x, b1, c0_1); if (cols > 2) c0_2 = Vector512.FusedMultiplyAdd(x, b2, c0_2);
                x = Vector512.Create(*(a + o1 + 2)); c1_0 = Vector512.FusedMultiplyAdd(x, b0, c1_0); if (cols > 1) c1_1 = Vector512.FusedMultiplyAdd(x, b1, c1_1); if (cols > 2) c1_2 = Vector512.FusedMultiplyAdd(x, b2, c1_2);
                x = Vector512.Create(*(a + o2 + 2)); c2_0 = Vector512.FusedMultiplyAdd(x, b0, c2_0); if (cols > 1) c2_1 = Vector512.FusedMultiplyAdd(x, b1, c2_1); if (cols > 2) c2_2 = Vector512.FusedMultiplyAdd(x, b2, c2_2);
                x = Vector512.Create(*(a + o3 + 2)); c3_0 = Vector512.FusedMultiplyAdd(x, b0, c3_0); if (cols > 1) c3_1 = Vector512.FusedMultiplyAdd(x, b1, c3_1); if (cols > 2) c3_2 = Vector512.FusedMultiplyAdd(x, b2, c3_2);
                if (rows > 4)
                {
                    x = Vector512.Create(*(a4 + 2)); c4_0 = Vector512.FusedMultiplyAdd(x, b0, c4_0); if (cols > 1) c4_1 = Vector512.FusedMultiplyAdd(x, b1, c4_1); if (cols > 2) c4_2 = Vector512.FusedMultiplyAdd(x, b2, c4_2);
                    x = Vector512.Create(*(a4 + o1 + 2)); c5_0 = Vector512.FusedMultiplyAdd(x, b0, c5_0); if (cols > 1) c5_1 = Vector512.FusedMultiplyAdd(x, b1, c5_1); if (cols > 2) c5_2 = Vector512.FusedMultiplyAdd(x, b2, c5_2);
                    x = Vector512.Create(*(a4 + o2 + 2)); c6_0 = Vector512.FusedMultiplyAdd(x, b0, c6_0); if (cols > 1) c6_1 = Vector512.FusedMultiplyAdd(x, b1, c6_1); if (cols > 2) c6_2 = Vector512.FusedMultiplyAdd(x, b2, c6_2);
                    x = Vector512.Create(*(a4 + o3 + 2)); c7_0 = Vector512.FusedMultiplyAdd(x, b0, c7_0); if (cols > 1) c7_1 = Vector512.FusedMultiplyAdd(x, b1, c7_1); if (cols > 2) c7_2 = Vector512.FusedMultiplyAdd(x, b2, c7_2);
                }
                b0 = Vector512.Load(b + ldb3);
                if (cols > 1) b1 = Vector512.Load(b + ldb3 + 16);
                if (cols > 2) b2 = Vector512.Load(b + ldb3 + 32);
                x = Vector512.Create(*(a + 3)); c0_0 = Vector512.FusedMultiplyAdd(x, b0, c0_0); if (cols > 1) c0_1 = Vector512.FusedMultiplyAdd(x, b1, c0_1); if (cols > 2) c0_2 = Vector512.FusedMultiplyAdd(x, b2, c0_2);
                x = Vector512.Create(*(a + o1 + 3)); c1_0 = Vector512.FusedMultiplyAdd(x, b0, c1_0); if (cols > 1) c1_1 = Vector512.FusedMultiplyAdd(x, b1, c1_1); if (cols > 2) c1_2 = Vector512.FusedMultiplyAdd(x, b2, c1_2);
                x = Vector512.Create(*(a + o2 + 3)); c2_0 = Vector512.FusedMultiplyAdd(x, b0, c2_0); if (cols > 1) c2_1 = Vector512.FusedMultiplyAdd(x, b1, c2_1); if (cols > 2) c2_2 = Vector512.FusedMultiplyAdd(x, b2, c2_2);
                x = Vector512.Create(*(a + o3 + 3)); c3_0 = Vector512.FusedMultiplyAdd(x, b0, c3_0); if (cols > 1) c3_1 = Vector512.FusedMultiplyAdd(x, b1, c3_1); if (cols > 2) c3_2 = Vector512.FusedMultiplyAdd(x, b2, c3_2);
                if (rows > 4)
                {
                    x = Vector512.Create(*(a4 + 3)); c4_0 = Vector512.FusedMultiplyAdd(x, b0, c4_0); if (cols > 1) c4_1 = Vector512.FusedMultiplyAdd(x, b1, c4_1); if (cols > 2) c4_2 = Vector512.FusedMultiplyAdd(x, b2, c4_2);
                    x = Vector512.Create(*(a4 + o1 + 3)); c5_0 = Vector512.FusedMultiplyAdd(x, b0, c5_0); if (cols > 1) c5_1 = Vector512.FusedMultiplyAdd(x, b1, c5_1); if (cols > 2) c5_2 = Vector512.FusedMultiplyAdd(x, b2, c5_2);
                    x = Vector512.Create(*(a4 + o2 + 3)); c6_0 = Vector512.FusedMultiplyAdd(x, b0, c6_0); if (cols > 1) c6_1 = Vector512.FusedMultiplyAdd(x, b1, c6_1); if (cols > 2) c6_2 = Vector512.FusedMultiplyAdd(x, b2, c6_2);
                    x = Vector512.Create(*(a4 + o3 + 3)); c7_0 = Vector512.FusedMultiplyAdd(x, b0, c7_0); if (cols > 1) c7_1 = Vector512.FusedMultiplyAdd(x, b1, c7_1); if (cols > 2) c7_2 = Vector512.FusedMultiplyAdd(x, b2, c7_2);
                }
                a += 4;
                if (rows > 4) a4 += 4;
                b += ldb4;
            }
            for (; p < kc; p++)
            {
                b0 = Vector512.Load(b);
                if (cols > 1) b1 = Vector512.Load(b + 16);
                if (cols > 2) b2 = Vector512.Load(b + 32);
                x = Vector512.Create(*a); c0_0 = Vector512.FusedMultiplyAdd(x, b0, c0_0); if (cols > 1) c0_1 = Vector512.FusedMultiplyAdd(x, b1, c0_1); if (cols > 2) c0_2 = Vector512.FusedMultiplyAdd(x, b2, c0_2);
                x = Vector512.Create(*(a + o1)); c1_0 = Vector512.FusedMultiplyAdd(x, b0, c1_0); if (cols > 1) c1_1 = Vector512.FusedMultiplyAdd(x, b1, c1_1); if (cols > 2) c1_2 = Vector512.FusedMultiplyAdd(x, b2, c1_2);
                x = Vector512.Create(*(a + o2)); c2_0 = Vector512.FusedMultiplyAdd(x, b0, c2_0); if (cols > 1) c2_1 = Vector512.FusedMultiplyAdd(x, b1, c2_1); if (cols > 2) c2_2 = Vector512.FusedMultiplyAdd(x, b2, c2_2);
                x = Vector512.Create(*(a + o3)); c3_0 = Vector512.FusedMultiplyAdd(x, b0, c3_0); if (cols > 1) c3_1 = Vector512.FusedMultiplyAdd(x, b1, c3_1); if (cols > 2) c3_2 = Vector512.FusedMultiplyAdd(x, b2, c3_2);
                if (rows > 4)
                {
                    x = Vector512.Create(*a4); c4_0 = Vector512.FusedMultiplyAdd(x, b0, c4_0); if (cols > 1) c4_1 = Vector512.FusedMultiplyAdd(x, b1, c4_1); if (cols > 2) c4_2 = Vector512.FusedMultiplyAdd(x, b2, c4_2);
                    x = Vector512.Create(*(a4 + o1)); c5_0 = Vector512.FusedMultiplyAdd(x, b0, c5_0); if (cols > 1) c5_1 = Vector512.FusedMultiplyAdd(x, b1, c5_1); if (cols > 2) c5_2 = Vector512.FusedMultiplyAdd(x, b2, c5_2);
                    x = Vector512.Create(*(a4 + o2)); c6_0 = Vector512.FusedMultiplyAdd(x, b0, c6_0); if (cols > 1) c6_1 = Vector512.FusedMultiplyAdd(x, b1, c6_1); if (cols > 2) c6_2 = Vector512.FusedMultiplyAdd(x, b2, c6_2);
                    x = Vector512.Create(*(a4 + o3)); c7_0 = Vector512.FusedMultiplyAdd(x, b0, c7_0); if (cols > 1) c7_1 = Vector512.FusedMultiplyAdd(x, b1, c7_1); if (cols > 2) c7_2 = Vector512.FusedMultiplyAdd(x, b2, c7_2);
                }
                a++;
                if (rows > 4) a4++;
                b += ldb;
            }
        }
        else
        {
            // Step p's row r at a + p·lda + r: the step strides in registers, r a displacement.
            nint s1 = lda, s2 = 2 * s1, s3 = 3 * s1, s4 = 4 * s1, fetch = FetchSteps * s1;
            for (int end = kc - 3; p < end; p += 4)
            {
                if (TCopy.Copies)
                {
                    // Prefetches never fault, so fetching past A's end is harmless.
                    float* ahead = a + fetch;
                    Sse.Prefetch0(ahead); Sse.Prefetch0(ahead + 7);
                    Sse.Prefetch0(ahead + s1); Sse.Prefetch0(ahead + s1 + 7);
                    Sse.Prefetch0(ahead + s2); Sse.Prefetch0(ahead + s2 + 7);
                    Sse.Prefetch0(ahead + s3); Sse.Prefetch0(ahead + s3 + 7);
                }
                b0 = Vector512.Load(b);
                if (cols > 1) b1 = Vector512.Load(b + 16);
                if (cols > 2) b2 = Vector512.Load(b + 32);
                x = Vector512.Create(*a); c0_0 = Vector512.FusedMultiplyAdd(x, b0, c0_0); if (cols > 1) c0_1 = Vector512.FusedMultiplyAdd(x, b1, c0_1); if (cols > 2) c0_2 = Vector512.FusedMultiplyAdd(x, b2, c0_2);
                x = Vector512.Create(*(a + 1)); c1_0 = Vector512.FusedMultiplyAdd(x, b0, c1_0); if (cols > 1) c1_1 = Vector512.FusedMultiplyAdd(x, b1, c1_1); if (cols > 2) c1_2 = Vector512.FusedMultiplyAdd(x, b2, c1_2);
                x = Vector512.Create(*(a + 2)); c2_0 = Vector512.FusedMultiplyAdd(x, b0, c2_0); if (cols > 1) c2_1 = Vector512.FusedMultiplyAdd(x, b1, c2_1); if (cols > 2) c2_2 = Vector512.FusedMultiplyAdd(x, b2, c2_2);
                x = Vector512.Create(*(a + 3)); c3_0 = Vector512.FusedMultiplyAdd(x, b0, c3_0); if (cols > 1) c3_1 = Vector512.FusedMultiplyAdd(x, b1, c3_1); if (cols > 2) c3_2 = Vector512.FusedMultiplyAdd(x, b2, c3_2);
                if (rows > 4)
                {
                    x = Vector512.Create(*(a + 4)); c4_0 = Vector512.FusedMultiplyAdd(x, b0, c4_0); if (cols > 1) c4_1 = Vector512.FusedMultiplyAdd(x, b1, c4_1); if (cols > 2) c4_2 = Vector512.FusedMultiplyAdd(x, b2, c4_2);
                    x = Vector512.Create(*(a + 5)); c5_0 = Vector512.FusedMultiplyAdd(x, b0, c5_0); if (cols > 1) c5_1 = Vector512.FusedMultiplyAdd(x, b1, c5_1); if (cols > 2) c5_2 = Vector512.FusedMultiplyAdd(x, b2, c5_2);
                    x = Vector512.Create(*(a + 6)); c6_0 = Vector512.FusedMultiplyAdd(x, b0, c6_0); if (cols > 1) c6_1 = Vector512.FusedMultiplyAdd(x, b1, c6_1); if (cols > 2) c6_2 = Vector512.FusedMultiplyAdd(x, b2, c6_2);
                    x = Vector512.Create(*(a + 7)); c7_0 = Vector512.FusedMultiplyAdd(x, b0, c7_0); if (cols > 1) c7_1 = Vector512.FusedMultiplyAdd(x, b1, c7_1); if (cols > 2) c7_2 = Vector512.FusedMultiplyAdd(x, b2, c7_2);
                }
                if (TCopy.Copies) Vector256.Store(Vector256.Load(a), pack + 0);
                b0 = Vector512.Load(b + ldb);
                if (cols > 1) b1 = Vector512.Load(b + ldb + 16);
                if (cols > 2) b2 = Vector512.Load(b + ldb + 32);
                x = Vector512.Create(*(a + s1)); c0_0 = Vector512.FusedMultiplyAdd(x, b0, c0_0); if (cols > 1) c0_1 = Vector512.FusedMultiplyAdd(x, b1, c0_1); if (cols > 2) c0_2 = Vector512.FusedMultiplyAdd(x, b2, c0_2);
                x = Vector512.Create(*(a + s1 + 1)); c1_0 = Vector512.FusedMultiplyAdd(x, b0, c1_0); if (cols > 1) c1_1 = Vector512.FusedMultiplyAdd(x, b1, c1_1); if (cols > 2) c1_2 = Vector512.FusedMultiplyAdd(x, b2, c1_2);
                x = Vector512.Create(*(a + s1 + 2)); c2_0 = Vector512.FusedMultiplyAdd(x, b0, c2_0); if (cols > 1) c2_1 = Vector512.FusedMultiplyAdd(x, b1, c2_1); if (cols > 2) c2_2 = Vector512.FusedMultiplyAdd(x, b2, c2_2);
                x = Vector512.Create(*(a + s1 + 3)); c3_0 = Vector512.FusedMultiplyAdd(x, b0, c3_0); if (cols > 1) c3_1 = Vector512.FusedMultiplyAdd(x, b1, c3_1); if (cols > 2) c3_2 = Vector512.FusedMultiplyAdd(x, b2, c3_2);
                if (rows > 4)
                {
                    x = Vector512.Create(*(a + s1 + 4)); c4_0 = Vector512.FusedMultiplyAdd(x, b0, c4_0); if (cols > 1) c4_1 = Vector512.FusedMultiplyAdd(x, b1, c4_1); if (cols > 2) c4_2 = Vector512.FusedMultiplyAdd(x, b2, c4_2);
                    x = Vector512.Create(*(a + s1 + 5)); c5_0 = Vector512.FusedMultiplyAdd(x, b0, c5_0); if (cols > 1) c5_1 = Vector512.FusedMultiplyAdd(x, b1, c5_1); if (cols > 2) c5_2 = Vector512.FusedMultiplyAdd(x, b2, c5_2);
                    x = Vector512.Create(*(a + s1 + 6)); c6_0 = Vector512.FusedMultiplyAdd(x, b0, c6_0); if (cols > 1) c6_1 = Vector512.FusedMultiplyAdd(x, b1, c6_1); if (cols > 2) c6_2 = Vector512.FusedMultiplyAdd(x, b2, c6_2);
                    x = Vector512.Create(*(a + s1 + 7)); c7_0 = Vector512.FusedMultiplyAdd(x, b0, c7_0); if (cols > 1) c7_1 = Vector512.FusedMultiplyAdd(x, b1, c7_1); if (cols > 2) c7_2 = Vector512.FusedMultiplyAdd(x, b2, c7_2);
                }
                if (TCopy.Copies) Vector256.Store(Vector256.Load(a + s1), pack + 8);
                b0 = Vector512.Load(b + ldb2);
                if (cols > 1) b1 = Vector512.Load(b + ldb2 + 16);
                if (cols > 2) b2 = Vector512.Load(b + ldb2 + 32);
                x = Vector512.Create(*(a + s2)); c0_0 = Vector512.FusedMultiplyAdd(x, b0, c0_0); if (cols > 1) c0_1 = Vector512.FusedMultiplyAdd(x, b1, c0_1); if (cols > 2) c0_2 = Vector512.FusedMultiplyAdd(x, b2, c0_2);
                x = Vector512.Create(*(a + s2 + 1)); c1_0 = Vector512.FusedMultiplyAdd(x, b0, c1_0); if (cols > 1) c1_1 = Vector512.FusedMultiplyAdd(x, b1, c1_1); if (cols > 2) c1_2 = Vector512.FusedMultiplyAdd(x, b2, c1_2);
                x = Vector512.Create(*(a + s2 + 2)); c2_0 = Vector512.FusedMultiplyAdd(x, b0, c2_0); if (cols > 1) c2_1 = Vector512.FusedMultiplyAdd(x, b1, c2_1); if (cols > 2) c2_2 = Vector512.FusedMultiplyAdd(x, b2, c2_2);
                x = Vector512.Create(*(a + s2 + 3)); c3_0 = Vector512.FusedMultiplyAdd(x, b0, c3_0); if (cols > 1) c3_1 = Vector512.FusedMultiplyAdd(x, b1, c3_1); if (cols > 2) c3_2 = Vector512.FusedMultiplyAdd(x, b2, c3_2);
                if (rows > 4)
                {
                    x = Vector512.Create(*(a + s2 + 4)); c4_0 = Vector512.FusedMultiplyAdd(x, b0, c4_0); if (cols > 1) c4_1 = Vector512.FusedMultiplyAdd(x, b1, c4_1); if (cols > 2) c4_2 = Vector512.FusedMultiplyAdd(x, b2, c4_2);
                    x = Vector512.Create(*(a + s2 + 5)); c5_0 = Vector512.FusedMultiplyAdd(x, b0, c5_0); if (cols > 1) c5_1 = Vector512.FusedMultiplyAdd(x, b1, c5_1); if (cols > 2) c5_2 = Vector512.FusedMultiplyAdd(x, b2, c5_2);
                    x = Vector512.Create(*(a + s2 + 6)); c6_0 = Vector512.FusedMultiplyAdd(x, b0, c6_0); if (cols > 1) c6_1 = Vector512.FusedMultiplyAdd(x, b1, c6_1); if (cols > 2) c6_2 = Vector512.FusedMultiplyAdd(x, b2, c6_2);
                    x = Vector512.Create(*(a + s2 + 7)); c7_0 = Vector512.FusedMultiplyAdd(x, b0, c7_0); if (cols > 1) c7_1 = Vector512.FusedMultiplyAdd(x, b1, c7_1); if (cols > 2) c7_2 = Vector512.FusedMultiplyAdd(x, b2, c7_2);
                }
                if (TCopy.Copies) Vector256.Store(Vector256.Load(a + s2), pack + 16);
                b0 = Vector512.Load(b + ldb3);
                if (cols > 1) b1 = Vector512.Load(b + ldb3 + 16);
                if (cols > 2) b2 = Vector512.Load(b + ldb3 + 32);
                x = Vector512.Create(*(a + s3)); c0_0 = Vector512.FusedMultiplyAdd(x, b0, c0_0); if (cols > 1) c0_1 = Vector512.FusedMultiplyAdd(x, b1, c0_1); if (cols > 2) c0_2 = Vector512.FusedMultiplyAdd(x, b2, c0_2);
                x = Vector512.Create(*(a + s3 + 1)); c1_0 = Vector512.FusedMultiplyAdd(x, b0, c1_0); if (cols > 1) c1_1 = Vector512.FusedMultiplyAdd(x, b1, c1_1); if (cols > 2) c1_2 = Vector512.FusedMultiplyAdd(x, b2, c1_2);
                x = Vector512.Create(*(a + s3 + 2)); c2_0 = Vector512.FusedMultiplyAdd(x, b0, c2_0); if (cols > 1) c2_1 = Vector512.FusedMultiplyAdd(x, b1, c2_1); if (cols > 2) c2_2 = Vector512.FusedMultiplyAdd(x, b2, c2_2);
                x = Vector512.Create(*(a + s3 + 3)); c3_0 = Vector512.FusedMultiplyAdd(x, b0, c3_0); if (cols > 1) c3_1 = Vector512.FusedMultiplyAdd(x, b1, c3_1); if (cols > 2) c3_2 = Vector512.FusedMultiplyAdd(x, b2, c3_2);
                if (rows > 4)
                {
                    x = Vector512.Create(*(a + s3 + 4)); c4_0 = Vector512.FusedMultiplyAdd(x, b0, c4_0); if (cols > 1) c4_1 = Vector512.FusedMultiplyAdd(x, b1, c4_1); if (cols > 2) c4_2 = Vector512.FusedMultiplyAdd(x, b2, c4_2);
                    x = Vector512.Create(*(a + s3 + 5)); c5_0 = Vector512.FusedMultiplyAdd(x, b0, c5_0); if (cols > 1) c5_1 = Vector512.FusedMultiplyAdd(x, b1, c5_1); if (cols > 2) c5_2 = Vector512.FusedMultiplyAdd(x, b2, c5_2);
                    x = Vector512.Create(*(a + s3 + 6)); c6_0 = Vector512.FusedMultiplyAdd(x, b0, c6_0); if (cols > 1) c6_1 = Vector512.FusedMultiplyAdd(x, b1, c6_1); if (cols > 2) c6_2 = Vector512.FusedMultiplyAdd(x, b2, c6_2);
                    x = Vector512.Create(*(a + s3 + 7)); c7_0 = Vector512.FusedMultiplyAdd(x, b0, c7_0); if (cols > 1) c7_1 = Vector512.FusedMultiplyAdd(x, b1, c7_1); if (cols > 2) c7_2 = Vector512.FusedMultiplyAdd(x, b2, c7_2);
                }
                if (TCopy.Copies) Vector256.Store(Vector256.Load(a + s3), pack + 24);
                a += s4;
                if (TCopy.Copies) pack += 32;
                b += ldb4;
            }
            for (; p < kc; p++)
            {
                if (TCopy.Copies) { Sse.Prefetch0(a + fetch); Sse.Prefetch0(a + fetch + 7); }
                b0 = Vector512.Load(b);
                if (cols > 1) b1 = Vector512.Load(b + 16);
                if (cols > 2) b2 = Vector512.Load(b + 32);
                x = Vector512.Create(*a); c0_0 = Vector512.FusedMultiplyAdd(x, b0, c0_0); if (cols > 1) c0_1 = Vector512.FusedMultiplyAdd(x, b1, c0_1); if (cols > 2) c0_2 = Vector512.FusedMultiplyAdd(x, b2, c0_2);
                x = Vector512.Create(*(a + 1)); c1_0 = Vector512.FusedMultiplyAdd(x, b0, c1_0); if (cols > 1) c1_1 = Vector512.FusedMultiplyAdd(x, b1, c1_1); if (cols > 2) c1_2 = Vector512.FusedMultiplyAdd(x, b2, c1_2);
                x = Vector512.Create(*(a + 2)); c2_0 = Vector512.FusedMultiplyAdd(x, b0, c2_0); if (cols > 1) c2_1 = Vector512.FusedMultiplyAdd(x, b1, c2_1); if (cols > 2) c2_2 = Vector512.FusedMultiplyAdd(x, b2, c2_2);
                x = Vector512.Create(*(a + 3)); c3_0 = Vector512.FusedMultiplyAdd(x, b0, c3_0); if (cols > 1) c3_1 = Vector512.FusedMultiplyAdd(x, b1, c3_1); if (cols > 2) c3_2 = Vector512.FusedMultiplyAdd(x, b2, c3_2);
                if (rows > 4)
                {
                    x = Vector512.Create(*(a + 4)); c4_0 = Vector512.FusedMultiplyAdd(x, b0, c4_0); if (cols > 1) c4_1 = Vector512.FusedMultiplyAdd(x, b1, c4_1); if (cols > 2) c4_2 = Vector512.FusedMultiplyAdd(x, b2, c4_2);
                    x = Vector512.Create(*(a + 5)); c5_0 = Vector512.FusedMultiplyAdd(x, b0, c5_0); if (cols > 1) c5_1 = Vector512.FusedMultiplyAdd(x, b1, c5_1); if (cols > 2) c5_2 = Vector512.FusedMultiplyAdd(x, b2, c5_2);
                    x = Vector512.Create(*(a + 6)); c6_0 = Vector512.FusedMultiplyAdd(x, b0, c6_0); if (cols > 1) c6_1 = Vector512.FusedMultiplyAdd(x, b1, c6_1); if (cols > 2) c6_2 = Vector512.FusedMultiplyAdd(x, b2, c6_2);
                    x = Vector512.Create(*(a + 7)); c7_0 = Vector512.FusedMultiplyAdd(x, b0, c7_0); if (cols > 1) c7_1 = Vector512.FusedMultiplyAdd(x, b1, c7_1); if (cols > 2) c7_2 = Vector512.FusedMultiplyAdd(x, b2, c7_2);
                }
                if (TCopy.Copies) Vector256.Store(Vector256.Load(a), pack + 0);
                a += s1;
                if (TCopy.Copies) pack += 8;
                b += ldb;
            }
        }
        if (add)
        {
            Vector512.Store(Vector512.Load(c) + c0_0, c); if (cols > 1) Vector512.Store(Vector512.Load(c + 16) + c0_1, c + 16); if (cols > 2) Vector512.Store(Vector512.Load(c + 32) + c0_2, c + 32);
            Vector512.Store(Vector512.Load(c + 1 * ldc) + c1_0, c + 1 * ldc); if (cols > 1) Vector512.Store(Vector512.Load(c + 1 * ldc + 16) + c1_1, c + 1 * ldc + 16); if (cols > 2) Vector512.Store(Vector512.Load(c + 1 * ldc + 32) + c1_2, c + 1 * ldc + 32);
            Vector512.Store(Vector512.Load(c + 2 * ldc) + c2_0, c + 2 * ldc); if (cols > 1) Vector512.Store(Vector512.Load(c + 2 * ldc + 16) + c2_1, c + 2 * ldc + 16); if (cols > 2) Vector512.Store(Vector512.Load(c + 2 * ldc + 32) + c2_2, c + 2 * ldc + 32);
            Vector512.Store(Vector512.Load(c + 3 * ldc) + c3_0, c + 3 * ldc); if (cols > 1) Vector512.Store(Vector512.Load(c + 3 * ldc + 16) + c3_1, c + 3 * ldc + 16); if (cols > 2) Vector512.Store(Vector512.Load(c + 3 * ldc + 32) + c3_2, c + 3 * ldc + 32);
            if (rows > 4)
            {
                Vector512.Store(Vector512.Load(c + 4 * ldc) + c4_0, c + 4 * ldc); if (cols > 1) Vector512.Store(Vector512.Load(c + 4 * ldc + 16) + c4_1, c + 4 * ldc + 16); if (cols > 2) Vector512.Store(Vector512.Load(c + 4 * ldc + 32) + c4_2, c + 4 * ldc + 32);
                Vector512.Store(Vector512.Load(c + 5 * ldc) + c5_0, c + 5 * ldc); if (cols > 1) Vector512.Store(Vector512.Load(c + 5 * ldc + 16) + c5_1, c + 5 * ldc + 16); if (cols > 2) Vector512.Store(Vector512.Load(c + 5 * ldc + 32) + c5_2, c + 5 * ldc + 32);
                Vector512.Store(Vector512.Load(c + 6 * ldc) + c6_0, c + 6 * ldc); if (cols > 1) Vector512.Store(Vector512.Load(c + 6 * ldc + 16) + c6_1, c + 6 * ldc + 16); if (cols > 2) Vector512.Store(Vector512.Load(c + 6 * ldc + 32) + c6_2, c + 6 * ldc + 32);
                Vector512.Store(Vector512.Load(c + 7 * ldc) + c7_0, c + 7 * ldc); if (cols > 1) Vector512.Store(Vector512.Load(c + 7 * ldc + 16) + c7_1, c + 7 * ldc + 16); if (cols > 2) Vector512.Store(Vector512.Load(c + 7 * ldc + 32) + c7_2, c + 7 * ldc + 32);
            }
        }
        else
        {
            Vector512.Store(c0_0, c); if (cols > 1) Vector512.Store(c0_1, c + 16); if (cols > 2) Vector512.Store(c0_2, c + 32);
            Vector512.Store(c1_0, c + 1 * ldc); if (cols > 1) Vector512.Store(c1_1, c + 1 * ldc + 16); if (cols > 2) Vector512.Store(c1_2, c + 1 * ldc + 32);
            Vector512.Store(c2_0, c + 2 * ldc); if (cols > 1) Vector512.Store(c2_1, c + 2 * ldc + 16); if (cols > 2) Vector512.Store(c2_2, c + 2 * ldc + 32);
            Vector512.Store(c3_0, c + 3 * ldc); if (cols > 1) Vector512.Store(c3_1, c + 3 * ldc + 16); if (cols > 2) Vector512.Store(c3_2, c + 3 * ldc + 32);
            if (rows > 4)
            {
                Vector512.Store(c4_0, c + 4 * ldc); if (cols > 1) Vector512.Store(c4_1, c + 4 * ldc + 16); if (cols > 2) Vector512.Store(c4_2, c + 4 * ldc + 32);
                Vector512.Store(c5_0, c + 5 * ldc); if (cols > 1) Vector512.Store(c5_1, c + 5 * ldc + 16); if (cols > 2) Vector512.Store(c5_2, c + 5 * ldc + 32);
                Vector512.Store(c6_0, c + 6 * ldc); if (cols > 1) Vector512.Store(c6_1, c + 6 * ldc + 16); if (cols > 2) Vector512.Store(c6_2, c + 6 * ldc + 32);
                Vector512.Store(c7_0, c + 7 * ldc); if (cols > 1) Vector512.Store(c7_1, c + 7 * ldc + 16); if (cols > 2) Vector512.Store(c7_2, c + 7 * ldc + 32);
            }
        }
    }
}
