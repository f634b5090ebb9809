namespace Descent.Nn;

/// <summary>
/// Differentiable elementwise pieces of the binary cross-entropy losses whose composed gradients would
/// be wrong at the edges: -log σ(x) through max and |x| would give slope -1 instead of -0.5 at x = 0,
/// and log(1 - p) through Clamp would give 0/0 at p = 1. Each carries PyTorch's own backward formula.
/// Values are computed in double and rounded once.
/// </summary>
internal static class BinaryLossOps
{
    /// <summary>-log σ(x) = log(1 + e^-x) = max(-x, 0) + log1p(e^-|x|); gradient σ(x) - 1 = -1/(1 + eˣ).</summary>
    public static Tensor NegLogSigmoid(Tensor x)
    {
        var src = x.Data;
        var result = Tensor.Zeros(x.Shape);
        var dst = result.DataSpan;
        for (int i = 0; i < dst.Length; i++)
        {
            double v = src[i];
            dst[i] = (float)(Math.Max(-v, 0) + Log1p(Math.Exp(-Math.Abs(v))));
        }
        return Graph.RecordNoArrays(result, "NegLogSigmoid", x, (_, g) =>
        {
            var grad = Tensor.Zeros(x.Shape);
            var xs = x.Data;
            var gs = g.Data;
            var gd = grad.DataSpan;
            for (int i = 0; i < gd.Length; i++) gd[i] = (float)(-gs[i] / (1 + Math.Exp(xs[i])));
            return grad;
        });
    }

    /// <summary>
    /// PyTorch's binary cross-entropy per element, unweighted: -(y·max(log p, -100) + (1 - y)·max(log(1 - p), -100)).
    /// Gradients as PyTorch: (p - y) / max(p(1 - p), 1e-12) for p and log(1 - p) - log p for y.
    /// </summary>
    public static Tensor BinaryCrossEntropy(Tensor p, Tensor y)
    {
        var result = Tensor.Zeros(p.Shape);
        var dst = result.DataSpan;
        var ps = p.Data;
        var ys = y.Data;
        for (int i = 0; i < dst.Length; i++)
        {
            double pv = ps[i], yv = ys[i];
            dst[i] = (float)((yv - 1) * Math.Max(Log1p(-pv), -100) - yv * Math.Max(Math.Log(pv), -100));
        }
        return Graph.RecordNoArrays(result, "BinaryCrossEntropy", p, y, (_, g) =>
        {
            Tensor? gp = null, gy = null;
            var gs = g.Data;
            var ps = p.Data;
            var ys = y.Data;
            if (p.RequiresGrad)
            {
                gp = Tensor.Zeros(p.Shape);
                var d = gp.DataSpan;
                for (int i = 0; i < d.Length; i++)
                {
                    double pv = ps[i];
                    d[i] = (float)(gs[i] * (pv - ys[i]) / Math.Max((1 - pv) * pv, 1e-12));
                }
            }
            if (y.RequiresGrad)
            {
                gy = Tensor.Zeros(y.Shape);
                var d = gy.DataSpan;
                for (int i = 0; i < d.Length; i++)
                {
                    double pv = ps[i];
                    d[i] = (float)(gs[i] * (Log1p(-pv) - Math.Log(pv)));
                }
            }
            return (gp, gy);
        });
    }

    /// <summary>log(1 + u) without losing a tiny u to rounding (the w - 1 quotient cancels the rounding of 1 + u).</summary>
    private static double Log1p(double u)
    {
        double w = 1 + u;
        return w == 1 ? u : Math.Log(w) * u / (w - 1);
    }
}
