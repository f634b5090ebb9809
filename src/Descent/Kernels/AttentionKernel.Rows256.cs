using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Descent.Kernels;

// The row functions' AVX2 forms. ScaledSoftmaxRow's three passes: TensorPrimitives' calls (scale, mask, max, subtract,
// exp, sum, multiply) made seven passes over each row of 64 scores and evaluated eˣ in double; here eˣ is SoftmaxExp's,
// as on AVX-512. RowDot inline, as on AVX-512, rather than a library call per row of 32.
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

    private static void ScaledSoftmaxRow256(float* row, int visible, float scale, float* mask)
    {
        const int w = 8;
        int full = visible - visible % w;
        var maxV = Vector256.Create(float.NegativeInfinity);
        var scaleV = Vector256.Create(scale);
        for (int j = 0; j < full; j += w)
        {
            var v = Vector256.Load(row + j) * scaleV;
            if (mask != null) v += Vector256.Load(mask + j);
            Vector256.Store(v, row + j);
            maxV = Vector256.MaxNative(maxV, v);
        }
        float max = SoftmaxExp.HorizontalMax(maxV);
        for (int j = full; j < visible; j++)
        {
            float v = row[j] * scale;
            if (mask != null) v += mask[j];
            row[j] = v;
            max = MathF.Max(max, v);
        }
        if (float.IsNegativeInfinity(max))
        {
            new Span<float>(row, visible).Clear();
            return;
        }
        var maxB = Vector256.Create(max);
        // Two sums, so the adds of a 64-key row (eight vectors) are two chains of four instead of one of eight.
        Vector256<float> sum0 = Vector256<float>.Zero, sum1 = Vector256<float>.Zero;
        int j2 = 0;
        for (; j2 + 2 * w <= full; j2 += 2 * w)
        {
            var v0 = SoftmaxExp.Exp(Vector256.Load(row + j2) - maxB);
            var v1 = SoftmaxExp.Exp(Vector256.Load(row + j2 + w) - maxB);
            Vector256.Store(v0, row + j2);
            Vector256.Store(v1, row + j2 + w);
            sum0 += v0;
            sum1 += v1;
        }
        for (; j2 < full; j2 += w)
        {
            var v = SoftmaxExp.Exp(Vector256.Load(row + j2) - maxB);
            Vector256.Store(v, row + j2);
            sum0 += v;
        }
        float sum = Vector256.Sum(sum0 + sum1);
        for (int j = full; j < visible; j++)
        {
            float v = SoftmaxExp.Exp(row[j] - max);
            row[j] = v;
            sum += v;
        }
        var inv = Vector256.Create(1f / sum);
        for (int j = 0; j < full; j += w) Vector256.Store(Vector256.Load(row + j) * inv, row + j);
        for (int j = full; j < visible; j++) row[j] *= 1f / sum;
    }
}
