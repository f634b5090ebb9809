namespace Descent.Kernels;

/// <summary>Running sums along the middle axis of a tensor viewed as [outer, length, inner].</summary>
internal static class CumulativeKernel
{
    /// <summary>
    /// destination[o, l, i] = Σ source[o, k, i] over k ≤ l (over k ≥ l when <paramref name="reverse"/>, the
    /// gradient of the forward sum). Accumulates in double, as libtorch's CPU cumsum does, so long runs keep
    /// their precision; the order is fixed.
    /// </summary>
    public static void Sum(ReadOnlySpan<float> source, int outer, int length, int inner, bool reverse, Span<float> destination)
    {
        var acc = new double[inner];
        for (int o = 0; o < outer; o++)
        {
            int block = o * length * inner;
            Array.Clear(acc);
            for (int step = 0; step < length; step++)
            {
                int at = block + (reverse ? length - 1 - step : step) * inner;
                for (int i = 0; i < inner; i++)
                {
                    acc[i] += source[at + i];
                    destination[at + i] = (float)acc[i];
                }
            }
        }
    }
}
