using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Descent.Kernels;

// The row functions' AVX2 vector loops. ScaledSoftmaxRow's three passes: TensorPrimitives' calls (scale, mask, max,
// subtract, exp, sum, multiply) made seven passes over each row of 64 scores and evaluated eˣ in double; here eˣ is
// SoftmaxExp's, as on AVX-512. RowDot inline, as on AVX-512, rather than a library call per row of 32.
internal static unsafe partial class AttentionKernel
{
    private static readonly bool Avx2Fma = Avx2.IsSupported && Fma.IsSupported;

    private static float RowDot256(float* x, float* y, int n)
    {
        var sum = Vector256<float>.Zero;
        int j = 0;
        for (; j + 8 <= n; j += 8) sum = Vector256.FusedMultiplyAdd(Vector256.Load(x + j), Vector256.Load(y + j), sum);
        float total = Vector256.Sum(sum);
        for (; j < n; j++) total = MathF.FusedMultiplyAdd(x[j], y[j], total);
        return total;
    }

    private static float ScaleMax256(float* row, int full, float scale, float* mask)
    {
        var maxV = Vector256.Create(float.NegativeInfinity);
        var scaleV = Vector256.Create(scale);
        for (int j = 0; j < full; j += 8)
        {
            var v = Vector256.Load(row + j) * scaleV;
            if (mask != null) v += Vector256.Load(mask + j);
            Vector256.Store(v, row + j);
            maxV = Vector256.MaxNative(maxV, v);
        }
        return SoftmaxExp.HorizontalMax(maxV);
    }

    // Two sums, so the adds of a 64-key row (eight vectors) are two chains of four instead of one of eight.
    private static float ExpSum256(float* row, int full, float max)
    {
        var maxB = Vector256.Create(max);
        Vector256<float> sum0 = Vector256<float>.Zero, sum1 = Vector256<float>.Zero;
        int j = 0;
        for (; j + 16 <= full; j += 16)
        {
            var v0 = SoftmaxExp.Exp(Vector256.Load(row + j) - maxB);
            var v1 = SoftmaxExp.Exp(Vector256.Load(row + j + 8) - maxB);
            Vector256.Store(v0, row + j);
            Vector256.Store(v1, row + j + 8);
            sum0 += v0;
            sum1 += v1;
        }
        if (j < full)
        {
            var v = SoftmaxExp.Exp(Vector256.Load(row + j) - maxB);
            Vector256.Store(v, row + j);
            sum0 += v;
        }
        return Vector256.Sum(sum0 + sum1);
    }

    private static void Normalize256(float* row, int full, float inverse)
    {
        var inv = Vector256.Create(inverse);
        for (int j = 0; j < full; j += 8) Vector256.Store(Vector256.Load(row + j) * inv, row + j);
    }
}
