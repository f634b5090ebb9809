using Descent.Kernels;

namespace Descent;

// The fused batch normalisation behind `Functional.BatchNorm`: one node instead of a dozen elementwise ops.
public partial class Tensor
{
    /// <summary>
    /// Normalises [N, C, ...] per channel with the batch's statistics (<paramref name="training"/>) or the
    /// given running ones, then applies the optional affine weight and bias. The backward is PyTorch's
    /// batch_norm_backward: dx = (1/M)·γ·invstd·(M·g − Σg − x̂·Σ(g·x̂)) when training (M = values per
    /// channel), γ·invstd·g otherwise; dγ = Σ(g·x̂), dβ = Σg. Running statistics get no gradient: the
    /// caller routes inputs whose running statistics require grad elsewhere. The caller has checked the
    /// shapes; <paramref name="batchMean"/> and <paramref name="batchVariance"/> (biased) are set when training.
    /// </summary>
    internal Tensor BatchNormFused(Tensor? runningMean, Tensor? runningVar, Tensor? weight, Tensor? bias, bool training, float eps,
        out Tensor? batchMean, out Tensor? batchVariance)
    {
        int n = _shape[0], c = _shape[1], s = Descent.Shape.Numel(_shape.AsSpan(2));
        var mean = new float[c];
        var invStd = new float[c];
        batchMean = batchVariance = null;
        if (training)
        {
            var variance = new float[c];
            BatchNormKernel.Statistics(Data, n, c, s, mean, variance);
            for (int ch = 0; ch < c; ch++) invStd[ch] = 1f / MathF.Sqrt(variance[ch] + eps);
            batchMean = new Tensor(mean, 0, [c]);
            batchVariance = new Tensor(variance, 0, [c]);
        }
        else
        {
            runningMean!.Data.CopyTo(mean);
            var rv = runningVar!.Data;
            for (int ch = 0; ch < c; ch++) invStd[ch] = 1f / MathF.Sqrt(rv[ch] + eps);
        }
        var result = Uninitialized(_shape);
        BatchNormKernel.Normalize(Data, n, c, s, mean, invStd, weight == null ? default : weight.Data, bias == null ? default : bias.Data, result.DataSpan);

        var x = this;
        var inputs = new List<Tensor>(3) { x };
        if (weight != null) inputs.Add(weight);
        if (bias != null) inputs.Add(bias);
        return Graph.Record(result, "BatchNorm", inputs.ToArray(), g =>
        {
            var sumG = new float[c];
            var dot = new float[c];
            var gx = x.RequiresGrad ? Uninitialized(x._shape) : null;
            BatchNormKernel.Backward(g.Data, x.Data, n, c, s, mean, invStd, weight == null ? default : weight.Data, training,
                sumG, dot, gx == null ? default : gx.DataSpan);
            var grads = new Tensor?[inputs.Count];
            grads[0] = gx;
            int next = 1;
            if (weight != null)
            {
                if (weight.RequiresGrad)
                {
                    var gw = new float[c];
                    for (int ch = 0; ch < c; ch++) gw[ch] = dot[ch] * invStd[ch];
                    grads[next] = new Tensor(gw, 0, [c]);
                }
                next++;
            }
            if (bias != null && bias.RequiresGrad) grads[next] = new Tensor(sumG, 0, [c]);
            return grads;
        });
    }
}
