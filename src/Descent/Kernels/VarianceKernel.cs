namespace Descent.Kernels;

/// <summary>
/// Variance and standard deviation along the middle axis of a tensor viewed as [outer, length, inner]:
/// two passes (mean, then squared deviations) accumulated in double in a fixed order, as libtorch's CPU
/// kernels accumulate float in double, so results are bit-identical run to run.
/// </summary>
internal static class VarianceKernel
{
    /// <summary>
    /// Writes each slice's mean and its variance Σ(x − mean)² / max(0, length − correction) (its square
    /// root when <paramref name="sqrt"/>); a divisor of 0 gives ∞, or NaN when the deviations are all 0,
    /// as in PyTorch.
    /// </summary>
    public static void Run(ReadOnlySpan<float> source, int outer, int length, int inner, int correction, bool sqrt, Span<float> mean, Span<float> destination)
    {
        double divisor = Math.Max(0, (double)length - correction);
        var sum = new double[inner];
        var m2 = new double[inner];
        for (int o = 0; o < outer; o++)
        {
            var block = source.Slice(o * length * inner, length * inner);
            Array.Clear(sum);
            Array.Clear(m2);
            for (int l = 0; l < length; l++)
            {
                var row = block.Slice(l * inner, inner);
                for (int i = 0; i < inner; i++) sum[i] += row[i];
            }
            for (int i = 0; i < inner; i++) sum[i] /= length;
            for (int l = 0; l < length; l++)
            {
                var row = block.Slice(l * inner, inner);
                for (int i = 0; i < inner; i++)
                {
                    double d = row[i] - sum[i];
                    m2[i] += d * d;
                }
            }
            for (int i = 0; i < inner; i++)
            {
                double v = m2[i] / divisor;
                mean[o * inner + i] = (float)sum[i];
                destination[o * inner + i] = (float)(sqrt ? Math.Sqrt(v) : v);
            }
        }
    }

    /// <summary>
    /// The gradient of an all-element variance whose divisor N − correction is not positive, as libtorch
    /// writes it: g·NaN where x equals the mean (∞·0), g·∞ elsewhere.
    /// </summary>
    public static void UndefinedGradient(float g, ReadOnlySpan<float> x, float mean, Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = g * (x[i] == mean ? float.NaN : float.PositiveInfinity);
    }
}
