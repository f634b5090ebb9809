using Descent.Kernels;

namespace Descent;

// The fused RMS normalisation behind `Functional.RmsNorm`: one node instead of six elementwise ops and a mean.
public partial class Tensor
{
    /// <summary>
    /// Normalises each run of the last <paramref name="d"/> values by its root mean square,
    /// (x·invrms)·weight with invrms = 1/√(mean(x²) + eps), as PyTorch's <c>rms_norm</c>. Both the
    /// input and the weight get gradients. The caller has checked that the trailing dimensions hold
    /// <paramref name="d"/> values and that <paramref name="weight"/> (optional) has that many.
    /// </summary>
    internal Tensor RmsNormFused(int d, Tensor? weight, float eps)
    {
        int rows = d == 0 ? 0 : Numel / d;
        var invRms = new float[rows];
        var result = Uninitialized(_shape);
        RmsNormKernel.Forward(Data, rows, d, weight == null ? default : weight.Data, eps, invRms, result.DataSpan);

        var x = this;
        Tensor[] inputs = weight == null ? [x] : [x, weight];
        return Graph.Record(result, "RmsNorm", inputs, g =>
        {
            var grads = new Tensor?[inputs.Length];
            if (x.RequiresGrad)
            {
                var gx = Uninitialized(x._shape);
                RmsNormKernel.BackwardInput(g.Data, x.Data, rows, d, weight == null ? default : weight.Data, invRms, gx.DataSpan);
                grads[0] = gx;
            }
            if (weight != null && weight.RequiresGrad)
            {
                var gw = Uninitialized(weight._shape);
                RmsNormKernel.BackwardWeight(g.Data, x.Data, rows, d, invRms, gw.DataSpan);
                grads[1] = gw;
            }
            return grads;
        });
    }
}
