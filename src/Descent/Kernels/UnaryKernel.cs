namespace Descent.Kernels;

/// <summary>Elementwise maps that <c>TensorPrimitives</c> lacks, and the backward of ones it has.</summary>
internal static class UnaryKernel
{
    private const double TwoOverSqrtPi = 1.1283791670955126;

    /// <summary>erf(x), in double and rounded once.</summary>
    public static void Erf(ReadOnlySpan<float> x, Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = (float)SpecialFunctions.Erf(x[i]);
    }

    /// <summary>g·2/√π·e^(-x²), in double and rounded once.</summary>
    public static void ErfBackward(ReadOnlySpan<float> g, ReadOnlySpan<float> x, Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            double v = x[i];
            destination[i] = (float)(g[i] * TwoOverSqrtPi * Math.Exp(-v * v));
        }
    }

    /// <summary>-0.5·g·r³ for r = 1/√x, in float in PyTorch's order, so x = 0 gives ∓∞ as there.</summary>
    public static void RSqrtBackward(ReadOnlySpan<float> g, ReadOnlySpan<float> r, Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = -0.5f * g[i] * (r[i] * r[i] * r[i]);
    }
}
