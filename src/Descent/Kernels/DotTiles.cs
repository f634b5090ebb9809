using System.Runtime.Intrinsics;

namespace Descent.Kernels;

/// <summary>
/// C = A·Bᵀ for a few rows of A (a small batch times a weight stored [out, in], as Linear's forward
/// pass computes it) straight from both operands: rows of A and rows of B are both contiguous along
/// k, so a 4 x 4 block of outputs is sixteen dot products that share every load, and nothing is
/// packed or transposed (packing would copy the whole weight to use it a few times). Vector512 only;
/// elsewhere the packed path runs. Whether an output falls in a 4 x 4 block or in the leftover rows
/// and columns (summed by <see cref="DotRows"/>) depends only on its position and the shape, and
/// threads split the columns on multiples of 4, so the split never changes a result.
/// </summary>
internal static unsafe class DotTiles
{
    public static bool IsSupported => Vector512.IsHardwareAccelerated;

    /// <summary>Rows [n0, n1) of B against all m rows of A into C (m x n, row stride n), added when <paramref name="accumulate"/>.</summary>
    public static void Run(float* a, float* b, int m, int k, int n, int n0, int n1, float* c, bool accumulate)
    {
        // A's rows outside, so a 4-row block of A (16 KiB at k = 1024) stays in L1 while B streams by.
        int i = 0;
        for (; i + 4 <= m; i += 4)
        {
            int j = n0;
            for (; j + 4 <= n1; j += 4) Block4x4(a + (long)i * k, b + (long)j * k, k, c + (long)i * n + j, n, accumulate);
            for (int r = 0; r < 4; r++) DotRows.Run(a + (long)(i + r) * k, b, k, j, n1, c + (long)(i + r) * n, accumulate);
        }
        for (; i < m; i++) DotRows.Run(a + (long)i * k, b, k, n0, n1, c + (long)i * n, accumulate);
    }

    private static void Block4x4(float* a, float* b, int k, float* c, int ldc, bool accumulate)
    {
        const int W = 16;
        float* a1 = a + k, a2 = a1 + k, a3 = a2 + k;
        float* b1 = b + k, b2 = b1 + k, b3 = b2 + k;
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<float> c30 = default, c31 = default, c32 = default, c33 = default;
        // The ragged end of k is one more step over the last 16 floats with the lanes already summed
        // zeroed in both operands (zeroing one would turn an infinity there into NaN): k >= 16 here.
        int steps = (k + W - 1) / W;
        var keep = Vector512<float>.AllBitsSet;
        for (int step = 0; step < steps; step++)
        {
            int p = step * W;
            if (p + W > k)
            {
                keep = Vector512.GreaterThanOrEqual(Vector512<int>.Indices, Vector512.Create(p + W - k)).AsSingle();
                p = k - W;
            }
            var y0 = Vector512.Load(b + p) & keep;
            var y1 = Vector512.Load(b1 + p) & keep;
            var y2 = Vector512.Load(b2 + p) & keep;
            var y3 = Vector512.Load(b3 + p) & keep;
            var x = Vector512.Load(a + p) & keep;
            c00 = Vector512.FusedMultiplyAdd(x, y0, c00); c01 = Vector512.FusedMultiplyAdd(x, y1, c01);
            c02 = Vector512.FusedMultiplyAdd(x, y2, c02); c03 = Vector512.FusedMultiplyAdd(x, y3, c03);
            x = Vector512.Load(a1 + p) & keep;
            c10 = Vector512.FusedMultiplyAdd(x, y0, c10); c11 = Vector512.FusedMultiplyAdd(x, y1, c11);
            c12 = Vector512.FusedMultiplyAdd(x, y2, c12); c13 = Vector512.FusedMultiplyAdd(x, y3, c13);
            x = Vector512.Load(a2 + p) & keep;
            c20 = Vector512.FusedMultiplyAdd(x, y0, c20); c21 = Vector512.FusedMultiplyAdd(x, y1, c21);
            c22 = Vector512.FusedMultiplyAdd(x, y2, c22); c23 = Vector512.FusedMultiplyAdd(x, y3, c23);
            x = Vector512.Load(a3 + p) & keep;
            c30 = Vector512.FusedMultiplyAdd(x, y0, c30); c31 = Vector512.FusedMultiplyAdd(x, y1, c31);
            c32 = Vector512.FusedMultiplyAdd(x, y2, c32); c33 = Vector512.FusedMultiplyAdd(x, y3, c33);
        }
        Store(c, c00, c01, c02, c03, accumulate);
        Store(c + ldc, c10, c11, c12, c13, accumulate);
        Store(c + 2 * ldc, c20, c21, c22, c23, accumulate);
        Store(c + 3 * ldc, c30, c31, c32, c33, accumulate);
    }

    // Inlined, since a call here makes the JIT spill the accumulators inside the loop.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector512<float> s0, Vector512<float> s1, Vector512<float> s2, Vector512<float> s3, bool accumulate)
    {
        float d0 = Vector512.Sum(s0), d1 = Vector512.Sum(s1), d2 = Vector512.Sum(s2), d3 = Vector512.Sum(s3);
        if (accumulate)
        {
            c[0] += d0; c[1] += d1; c[2] += d2; c[3] += d3;
        }
        else
        {
            c[0] = d0; c[1] = d1; c[2] = d2; c[3] = d3;
        }
    }
}
