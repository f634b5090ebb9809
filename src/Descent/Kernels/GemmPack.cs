namespace Descent.Kernels;

/// <summary>
/// Copies blocks of op(A) and op(B) into the micro-kernels' panel layouts. The transposes live here:
/// whichever way an operand is stored, its panel comes out the same, so the rest of the GEMM never
/// sees a transpose. Panels at the edges are padded with zeros to a full tile.
/// </summary>
internal static unsafe class GemmPack
{
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
                for (int p = 0; p < kc; p++, s += m, d += mr)
                {
                    int r = 0;
                    for (; r < rows; r++) d[r] = s[r];
                    for (; r < mr; r++) d[r] = 0f;
                }
            }
            else
            {
                for (int r = 0; r < rows; r++)
                {
                    float* s = a + (long)(i0 + ir + r) * k + p0;
                    for (int p = 0; p < kc; p++) d[p * mr + r] = s[p];
                }
                for (int r = rows; r < mr; r++)
                    for (int p = 0; p < kc; p++) d[p * mr + r] = 0f;
            }
        }
    }

    /// <summary>
    /// Packs rows [p0, p0 + kc) and columns [j0, j0 + nc) of op(B) (k x n) into panels of
    /// <paramref name="nr"/> columns: panel q holds, for each p, the nr values of columns j0 + q·nr ... in order.
    /// </summary>
    public static void B(bool transB, float* b, int k, int n, int p0, int kc, int j0, int nc, int nr, float* dst)
    {
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            float* d = dst + (long)jr * kc;
            if (transB)
            {
                // B is stored [n, k]: each column of op(B) is a contiguous run.
                for (int c = 0; c < cols; c++)
                {
                    float* s = b + (long)(j0 + jr + c) * k + p0;
                    for (int p = 0; p < kc; p++) d[p * nr + c] = s[p];
                }
                for (int c = cols; c < nr; c++)
                    for (int p = 0; p < kc; p++) d[p * nr + c] = 0f;
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
}
