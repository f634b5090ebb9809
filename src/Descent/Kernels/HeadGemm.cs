using System.Numerics;
using System.Runtime.Intrinsics.X86;

namespace Descent.Kernels;

/// <summary>
/// Small products for attention heads, C[m, n] = op(A)·B, with every operand read and written where it lies,
/// its rows a stride apart: a head's q, k and v are columns of a wider projection, and a 64 × 64 × 32 product
/// uses each value of B 64 times from L1, so packing or gathering the operands (as <see cref="Gemm"/> does for
/// large products) copies as much as it saves. B is [k, n] with rows <c>ldb</c> apart; A is [m, k] with rows
/// <c>lda</c> apart or, when <c>transA</c>, stored [k, m] with rows <c>lda</c> apart; C's rows are <c>ldc</c>
/// apart. One thread. Every element is k fused multiply-adds in order from zero, whichever tile it falls in, so
/// the result depends on the shape alone.
/// </summary>
internal static unsafe partial class HeadGemm
{
    private const int TileColumns = 32;

    /// <summary>C = op(A)·B (or C += op(A)·B when <paramref name="add"/>).</summary>
    public static void Run(bool transA, int m, int n, int k, float* a, int lda, float* b, int ldb, float* c, int ldc, bool add = false)
    {
        // On AVX-512 the GEMM's own 12-, 8- and 4-row micro-kernels take A in place in either layout, on AVX2 the
        // 6- and 4-row tiles of HeadGemm.Vector256.cs; the scalar path, and the edges, go through Edge, which does the
        // same adds in the same order. The 12 x 32 tile on every AVX-512 CPU, whichever tile Gemm uses: a head's
        // widths (32, 64) are whole 32-column tiles, which 48-column tiles would leave as 32- or 16-column edges with
        // fewer FMAs per broadcast.
        int fullRows = 0, fullColumns = 0;
        if (Gemm.Path == GemmPath.Vector512 && k > 0)
        {
            fullRows = m - m % 4;
            fullColumns = n - n % TileColumns;
            for (int i = 0; i < fullRows; i += 12)
            {
                int rows = Math.Min(12, fullRows - i);
                float* ai = transA ? a + i : a + (long)i * lda;
                for (int j = 0; j < fullColumns; j += TileColumns)
                    Tile(rows, transA, k, ai, lda, b + j, ldb, c + (long)i * ldc + j, ldc, add);
            }
        }
        else if (Gemm.Path == GemmPath.Vector256 && k > 0)
            (fullRows, fullColumns) = Tiles256(transA, m, n, k, a, lda, b, ldb, c, ldc, add);
        Edge(transA, 0, fullRows, fullColumns, n, k, a, lda, b, ldb, c, ldc, add);
        Edge(transA, fullRows, m, 0, n, k, a, lda, b, ldb, c, ldc, add);
    }

    private static void Tile(int rows, bool transA, int k, float* a, int lda, float* b, int ldb, float* c, int ldc, bool add)
    {
        if (transA)
        {
            if (rows == 12) GemmMicroKernels.Vector512Kernel<Rows12, PanelA>(k, a, lda, b, ldb, c, ldc, add);
            else if (rows == 8) GemmMicroKernels.Vector512Kernel<Rows8, PanelA>(k, a, lda, b, ldb, c, ldc, add);
            else GemmMicroKernels.Vector512Kernel<Rows4, PanelA>(k, a, lda, b, ldb, c, ldc, add);
        }
        else
        {
            if (rows == 12) GemmMicroKernels.Vector512Kernel<Rows12, RowsA>(k, a, lda, b, ldb, c, ldc, add);
            else if (rows == 8) GemmMicroKernels.Vector512Kernel<Rows8, RowsA>(k, a, lda, b, ldb, c, ldc, add);
            else GemmMicroKernels.Vector512Kernel<Rows4, RowsA>(k, a, lda, b, ldb, c, ldc, add);
        }
    }

    /// <summary>
    /// Rows [r0, r1) by columns [j0, j1): four rows at once so four chains of multiply-adds overlap, in vectors of
    /// <see cref="Vector{T}"/> and then single columns, each element summed as in the micro-kernels.
    /// </summary>
    private static void Edge(bool transA, int r0, int r1, int j0, int j1, int k, float* a, int lda, float* b, int ldb, float* c, int ldc, bool add)
    {
        if (r0 >= r1 || j0 >= j1) return;
        // Row i's value for step p is at a[i·rowStep + p·step].
        nint rowStep = transA ? 1 : lda, step = transA ? lda : 1;
        int w = Vector<float>.Count;
        int i = r0;
        for (; i + 4 <= r1; i += 4)
        {
            float* a0 = a + i * rowStep, a1 = a0 + rowStep, a2 = a1 + rowStep, a3 = a2 + rowStep;
            float* c0 = c + (long)i * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
            int j = j0;
            for (; j + w <= j1; j += w)
            {
                Vector<float> s0 = default, s1 = default, s2 = default, s3 = default;
                float* bp = b + j;
                for (int p = 0; p < k; p++, bp += ldb)
                {
                    var bv = Vector.Load(bp);
                    nint o = p * step;
                    s0 = Vector.FusedMultiplyAdd(new Vector<float>(a0[o]), bv, s0);
                    s1 = Vector.FusedMultiplyAdd(new Vector<float>(a1[o]), bv, s1);
                    s2 = Vector.FusedMultiplyAdd(new Vector<float>(a2[o]), bv, s2);
                    s3 = Vector.FusedMultiplyAdd(new Vector<float>(a3[o]), bv, s3);
                }
                Put(c0 + j, s0, add);
                Put(c1 + j, s1, add);
                Put(c2 + j, s2, add);
                Put(c3 + j, s3, add);
            }
            for (; j < j1; j++)
            {
                float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                float* bp = b + j;
                for (int p = 0; p < k; p++, bp += ldb)
                {
                    nint o = p * step;
                    s0 = MathF.FusedMultiplyAdd(a0[o], *bp, s0);
                    s1 = MathF.FusedMultiplyAdd(a1[o], *bp, s1);
                    s2 = MathF.FusedMultiplyAdd(a2[o], *bp, s2);
                    s3 = MathF.FusedMultiplyAdd(a3[o], *bp, s3);
                }
                c0[j] = add ? c0[j] + s0 : s0;
                c1[j] = add ? c1[j] + s1 : s1;
                c2[j] = add ? c2[j] + s2 : s2;
                c3[j] = add ? c3[j] + s3 : s3;
            }
        }
        for (; i < r1; i++)
        {
            float* ai = a + i * rowStep;
            float* ci = c + (long)i * ldc;
            int j = j0;
            for (; j + w <= j1; j += w)
            {
                Vector<float> s = default;
                float* bp = b + j;
                for (int p = 0; p < k; p++, bp += ldb) s = Vector.FusedMultiplyAdd(new Vector<float>(ai[p * step]), Vector.Load(bp), s);
                Put(ci + j, s, add);
            }
            for (; j < j1; j++)
            {
                float s = 0;
                float* bp = b + j;
                for (int p = 0; p < k; p++, bp += ldb) s = MathF.FusedMultiplyAdd(ai[p * step], *bp, s);
                ci[j] = add ? ci[j] + s : s;
            }
        }
    }

    private static void Put(float* c, Vector<float> s, bool add) => Vector.Store(add ? Vector.Load(c) + s : s, c);

    /// <summary>
    /// dst [cols, rows] (rows apart <paramref name="rows"/>) = src [rows, cols] (rows <paramref name="ld"/> apart)
    /// transposed: the B of a product by a head's transpose (q·kᵀ, dO·vᵀ), made once per head in L1.
    /// </summary>
    public static void Transpose(float* src, int ld, int rows, int cols, float* dst)
    {
        int fullRows = 0, fullCols = 0;
        if (Avx512F.IsSupported)
        {
            fullRows = rows - rows % 16;
            fullCols = cols - cols % 16;
            for (int r = 0; r < fullRows; r += 16)
                for (int j = 0; j < fullCols; j += 16) RegisterTranspose.Block16(src + (long)r * ld + j, ld, dst + (long)j * rows + r, rows);
        }
        else if (Avx.IsSupported)
        {
            fullRows = rows - rows % 8;
            fullCols = cols - cols % 8;
            for (int r = 0; r < fullRows; r += 8)
                for (int j = 0; j < fullCols; j += 8) Block8(src + (long)r * ld + j, ld, dst + (long)j * rows + r, rows);
        }
        TransposeScalar(src, ld, 0, fullRows, fullCols, cols, rows, dst);
        TransposeScalar(src, ld, fullRows, rows, 0, cols, rows, dst);
    }

    private static void TransposeScalar(float* src, int ld, int r0, int r1, int j0, int j1, int rows, float* dst)
    {
        for (int r = r0; r < r1; r++)
        {
            float* s = src + (long)r * ld;
            for (int j = j0; j < j1; j++) dst[(long)j * rows + r] = s[j];
        }
    }
}
