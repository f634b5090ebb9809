namespace Descent.Kernels;

/// <summary>
/// The elementwise pieces of the binary cross-entropy losses whose composed gradients would be wrong at
/// the edges, with PyTorch's own backward formulas: -log σ(x) through max and |x| would give slope -1
/// instead of -0.5 at x = 0, and log(1 - p) through Clamp would give 0/0 at p = 1. Each value is
/// computed in double and rounded once.
/// </summary>
internal static class BinaryCrossEntropyKernel
{
    /// <summary>-log σ(x) = log(1 + e^-x), as max(-x, 0) + log1p(e^-|x|) so that neither tail overflows.</summary>
    public static void NegLogSigmoidForward(ReadOnlySpan<float> x, Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            double v = x[i];
            destination[i] = (float)(Math.Max(-v, 0) + Log1p(Math.Exp(-Math.Abs(v))));
        }
    }

    /// <summary>g·(σ(x) − 1) = −g/(1 + eˣ).</summary>
    public static void NegLogSigmoidBackward(ReadOnlySpan<float> g, ReadOnlySpan<float> x, Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = (float)(-g[i] / (1 + Math.Exp(x[i])));
    }

    /// <summary>PyTorch's unweighted binary cross-entropy: -(y·max(log p, -100) + (1 - y)·max(log(1 - p), -100)).</summary>
    public static void Forward(ReadOnlySpan<float> p, ReadOnlySpan<float> y, Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            double pv = p[i], yv = y[i];
            destination[i] = (float)((yv - 1) * Math.Max(Log1p(-pv), -100) - yv * Math.Max(Math.Log(pv), -100));
        }
    }

    /// <summary>The gradient for p as PyTorch writes it: g·(p − y) / max(p(1 − p), 1e-12).</summary>
    public static void BackwardInput(ReadOnlySpan<float> g, ReadOnlySpan<float> p, ReadOnlySpan<float> y, Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            double pv = p[i];
            destination[i] = (float)(g[i] * (pv - y[i]) / Math.Max((1 - pv) * pv, 1e-12));
        }
    }

    /// <summary>The gradient for y: g·(log(1 − p) − log p), unclamped as in PyTorch.</summary>
    public static void BackwardTarget(ReadOnlySpan<float> g, ReadOnlySpan<float> p, Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            double pv = p[i];
            destination[i] = (float)(g[i] * (Log1p(-pv) - Math.Log(pv)));
        }
    }

    /// <summary>log(1 + u) without losing a tiny u to rounding (the w - 1 quotient cancels the rounding of 1 + u).</summary>
    private static double Log1p(double u)
    {
        double w = 1 + u;
        return w == 1 ? u : Math.Log(w) * u / (w - 1);
    }
}
