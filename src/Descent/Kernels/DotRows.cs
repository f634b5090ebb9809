using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Descent.Kernels;

/// <summary>
/// c[j] = a · b[j] for a run of rows of B (the m = 1, B-transposed GEMM, a matrix-vector product as
/// in batch-1 inference): four rows at a time share each load of a, with two accumulators per row to
/// hide the FMA latency. Every row is summed in the same order whether it falls in a group of four or
/// in the remainder, so the grouping (and the thread split) never changes a result.
/// </summary>
internal static unsafe class DotRows
{
    /// <summary>Rows [n0, n1) of B (row stride k) dotted with a, into c[n0..n1) (added to it when <paramref name="accumulate"/>).</summary>
    public static void Run(float* a, float* b, int k, int n0, int n1, float* c, bool accumulate)
    {
        int j = n0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j + 4 <= n1; j += 4) Four512(a, b + (long)j * k, k, c + j, accumulate);
            for (; j < n1; j++) Store(c + j, One512(a, b + (long)j * k, k), accumulate);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; j + 4 <= n1; j += 4) Four256(a, b + (long)j * k, k, c + j, accumulate);
            for (; j < n1; j++) Store(c + j, One256(a, b + (long)j * k, k), accumulate);
        }
        else
        {
            for (; j < n1; j++) Store(c + j, Tail(a, b + (long)j * k, 0, k), accumulate);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, float dot, bool accumulate) => *c = accumulate ? *c + dot : dot;

    // Inlined so the kernels make no calls: a call after the loop makes the JIT's fully optimizing
    // mode (no tiering) spill accumulators inside the loop, which cost batch-1 inference 40 %.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Tail(float* a, float* b, int from, int k)
    {
        float s = 0f;
        for (int p = from; p < k; p++) s += a[p] * b[p];
        return s;
    }

    private static void Four512(float* a, float* b, int k, float* c, bool accumulate)
    {
        const int W = 16;
        float* b1 = b + k, b2 = b1 + k, b3 = b2 + k;
        Vector512<float> x0 = default, x1 = default, y0 = default, y1 = default, z0 = default, z1 = default, w0 = default, w1 = default;
        int p = 0;
        for (; p + 2 * W <= k; p += 2 * W)
        {
            var a0 = Vector512.Load(a + p);
            var a1 = Vector512.Load(a + p + W);
            x0 = Vector512.FusedMultiplyAdd(a0, Vector512.Load(b + p), x0);
            x1 = Vector512.FusedMultiplyAdd(a1, Vector512.Load(b + p + W), x1);
            y0 = Vector512.FusedMultiplyAdd(a0, Vector512.Load(b1 + p), y0);
            y1 = Vector512.FusedMultiplyAdd(a1, Vector512.Load(b1 + p + W), y1);
            z0 = Vector512.FusedMultiplyAdd(a0, Vector512.Load(b2 + p), z0);
            z1 = Vector512.FusedMultiplyAdd(a1, Vector512.Load(b2 + p + W), z1);
            w0 = Vector512.FusedMultiplyAdd(a0, Vector512.Load(b3 + p), w0);
            w1 = Vector512.FusedMultiplyAdd(a1, Vector512.Load(b3 + p + W), w1);
        }
        if (p + W <= k)
        {
            var a0 = Vector512.Load(a + p);
            x0 = Vector512.FusedMultiplyAdd(a0, Vector512.Load(b + p), x0);
            y0 = Vector512.FusedMultiplyAdd(a0, Vector512.Load(b1 + p), y0);
            z0 = Vector512.FusedMultiplyAdd(a0, Vector512.Load(b2 + p), z0);
            w0 = Vector512.FusedMultiplyAdd(a0, Vector512.Load(b3 + p), w0);
            p += W;
        }
        Store(c, Vector512.Sum(x0 + x1) + Tail(a, b, p, k), accumulate);
        Store(c + 1, Vector512.Sum(y0 + y1) + Tail(a, b1, p, k), accumulate);
        Store(c + 2, Vector512.Sum(z0 + z1) + Tail(a, b2, p, k), accumulate);
        Store(c + 3, Vector512.Sum(w0 + w1) + Tail(a, b3, p, k), accumulate);
    }

    private static float One512(float* a, float* b, int k)
    {
        const int W = 16;
        Vector512<float> x0 = default, x1 = default;
        int p = 0;
        for (; p + 2 * W <= k; p += 2 * W)
        {
            x0 = Vector512.FusedMultiplyAdd(Vector512.Load(a + p), Vector512.Load(b + p), x0);
            x1 = Vector512.FusedMultiplyAdd(Vector512.Load(a + p + W), Vector512.Load(b + p + W), x1);
        }
        if (p + W <= k)
        {
            x0 = Vector512.FusedMultiplyAdd(Vector512.Load(a + p), Vector512.Load(b + p), x0);
            p += W;
        }
        return Vector512.Sum(x0 + x1) + Tail(a, b, p, k);
    }

    private static void Four256(float* a, float* b, int k, float* c, bool accumulate)
    {
        const int W = 8;
        float* b1 = b + k, b2 = b1 + k, b3 = b2 + k;
        Vector256<float> x0 = default, x1 = default, y0 = default, y1 = default, z0 = default, z1 = default, w0 = default, w1 = default;
        int p = 0;
        for (; p + 2 * W <= k; p += 2 * W)
        {
            var a0 = Vector256.Load(a + p);
            var a1 = Vector256.Load(a + p + W);
            x0 = Vector256.FusedMultiplyAdd(a0, Vector256.Load(b + p), x0);
            x1 = Vector256.FusedMultiplyAdd(a1, Vector256.Load(b + p + W), x1);
            y0 = Vector256.FusedMultiplyAdd(a0, Vector256.Load(b1 + p), y0);
            y1 = Vector256.FusedMultiplyAdd(a1, Vector256.Load(b1 + p + W), y1);
            z0 = Vector256.FusedMultiplyAdd(a0, Vector256.Load(b2 + p), z0);
            z1 = Vector256.FusedMultiplyAdd(a1, Vector256.Load(b2 + p + W), z1);
            w0 = Vector256.FusedMultiplyAdd(a0, Vector256.Load(b3 + p), w0);
            w1 = Vector256.FusedMultiplyAdd(a1, Vector256.Load(b3 + p + W), w1);
        }
        if (p + W <= k)
        {
            var a0 = Vector256.Load(a + p);
            x0 = Vector256.FusedMultiplyAdd(a0, Vector256.Load(b + p), x0);
            y0 = Vector256.FusedMultiplyAdd(a0, Vector256.Load(b1 + p), y0);
            z0 = Vector256.FusedMultiplyAdd(a0, Vector256.Load(b2 + p), z0);
            w0 = Vector256.FusedMultiplyAdd(a0, Vector256.Load(b3 + p), w0);
            p += W;
        }
        Store(c, Vector256.Sum(x0 + x1) + Tail(a, b, p, k), accumulate);
        Store(c + 1, Vector256.Sum(y0 + y1) + Tail(a, b1, p, k), accumulate);
        Store(c + 2, Vector256.Sum(z0 + z1) + Tail(a, b2, p, k), accumulate);
        Store(c + 3, Vector256.Sum(w0 + w1) + Tail(a, b3, p, k), accumulate);
    }

    private static float One256(float* a, float* b, int k)
    {
        const int W = 8;
        Vector256<float> x0 = default, x1 = default;
        int p = 0;
        for (; p + 2 * W <= k; p += 2 * W)
        {
            x0 = Vector256.FusedMultiplyAdd(Vector256.Load(a + p), Vector256.Load(b + p), x0);
            x1 = Vector256.FusedMultiplyAdd(Vector256.Load(a + p + W), Vector256.Load(b + p + W), x1);
        }
        if (p + W <= k)
        {
            x0 = Vector256.FusedMultiplyAdd(Vector256.Load(a + p), Vector256.Load(b + p), x0);
            p += W;
        }
        return Vector256.Sum(x0 + x1) + Tail(a, b, p, k);
    }
}
