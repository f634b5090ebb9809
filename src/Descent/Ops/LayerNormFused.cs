using Descent.Kernels;

namespace Descent;

// The fused layer normalisation behind `Functional.LayerNorm`: one node instead of a dozen elementwise ops and
// two means, each with its own tensors forward and backward.
public partial class Tensor
{
    /// <summary>
    /// Normalises each run of the last <paramref name="d"/> values to mean 0 and variance 1 (biased, plus
    /// <paramref name="eps"/>), then scales by <paramref name="weight"/> and shifts by <paramref name="bias"/>
    /// (each optional), as PyTorch's <c>layer_norm</c>. The caller has checked that the trailing dimensions
    /// hold <paramref name="d"/> values and that weight and bias have that many.
    /// </summary>
    internal Tensor LayerNormFused(int d, Tensor? weight, Tensor? bias, float eps)
    {
        int rows = d == 0 ? 0 : Numel / d;
        var mean = new float[rows];
        var rstd = new float[rows];
        var result = Uninitialized(_shape);
        LayerNormKernel.Forward(Data, rows, d, weight == null ? default : weight.Data, bias == null ? default : bias.Data, eps,
            mean, rstd, result.DataSpan);

        var x = this;
        Tensor[] inputs = (weight, bias) switch
        {
            (null, null) => [x],
            (not null, null) => [x, weight],
            (null, not null) => [x, bias],
            _ => [x, weight, bias],
        };
        return Graph.Record(result, "NativeLayerNormBackward0", inputs, g =>
        {
            var grads = new Tensor?[inputs.Length];
            if (x.RequiresGrad)
            {
                var gx = Uninitialized(x._shape);
                LayerNormKernel.BackwardInput(g.Data, x.Data, rows, d, weight == null ? default : weight.Data, mean, rstd, gx.DataSpan);
                grads[0] = gx;
            }
            var gw = weight is { RequiresGrad: true } ? Uninitialized(weight._shape) : null;
            var gb = bias is { RequiresGrad: true } ? Uninitialized(bias._shape) : null;
            if (gw != null || gb != null)
                LayerNormKernel.BackwardAffine(g.Data, x.Data, rows, d, mean, rstd, gw != null ? gw.DataSpan : default, gb != null ? gb.DataSpan : default);
            if (weight != null) grads[1] = gw;
            if (bias != null) grads[^1] = gb;
            return grads;
        });
    }
}
