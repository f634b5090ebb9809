using System.Numerics.Tensors;

namespace Descent.Kernels;

/// <summary>
/// Single-precision matrix multiply C = op(A)·op(B) on row-major spans, where op transposes when the
/// flag is set, so backward passes read transposed operands without copying them. This is the
/// straightforward vectorized version (row-of-B axpy, or dot products); the speed work replaces it
/// with a packed, register-blocked kernel behind the same signature.
/// </summary>
internal static class Gemm
{
    /// <param name="transA">A is stored [k, m] instead of [m, k].</param>
    /// <param name="transB">B is stored [n, k] instead of [k, n].</param>
    /// <param name="accumulate">Add into C instead of overwriting it.</param>
    public static void Run(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, bool accumulate = false)
    {
        if (!accumulate) c[..(m * n)].Clear();
        if (k == 0 || m == 0 || n == 0) return;
        if (transB && !transA)
        {
            for (int i = 0; i < m; i++)
            {
                var aRow = a.Slice(i * k, k);
                var cRow = c.Slice(i * n, n);
                for (int j = 0; j < n; j++) cRow[j] += TensorPrimitives.Dot(aRow, b.Slice(j * k, k));
            }
            return;
        }
        float[]? bT = null;
        if (transB)
        {
            bT = new float[k * n];
            for (int j = 0; j < n; j++)
                for (int p = 0; p < k; p++) bT[p * n + j] = b[j * k + p];
            b = bT;
        }
        for (int i = 0; i < m; i++)
        {
            var cRow = c.Slice(i * n, n);
            for (int p = 0; p < k; p++)
            {
                float aip = transA ? a[p * m + i] : a[i * k + p];
                if (aip != 0f) TensorPrimitives.MultiplyAdd(b.Slice(p * n, n), aip, cRow, cRow);
            }
        }
    }
}
