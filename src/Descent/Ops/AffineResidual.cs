using Descent.Kernels;

namespace Descent;

// A residual connection around a Linear, `residual + linear(x)`, in the product's write (GemmEpilogue): a transformer
// block's feed-forward output joins its input there without a separate add reading both again.
public partial class Tensor
{
    /// <summary>
    /// <paramref name="residual"/> + (x·Wᵀ + b), with the bits of <c>residual + Affine(weight, bias)</c>: the product
    /// and bias are rounded first, then the residual is added in one rounding. <paramref name="residual"/> must have the
    /// product's shape (no broadcasting: callers fall back to the separate add). Backward is Affine's for x, W and b,
    /// and the output's gradient itself for the residual, as the add's.
    /// </summary>
    /// <example><code>var y = h.AffineResidual(linear2.Weight, linear2.Bias, x); // x + linear2(h)</code></example>
    internal Tensor AffineResidual(Tensor weight, Tensor? bias, Tensor residual)
    {
        if (weight.Rank == 2 && Rank > 0 && !Descent.Shape.Equal(residual._shape, SharedShapes.WithLast(_shape, weight._shape[0])))
            throw new ArgumentException($"Linear: a fused residual must have the output's shape; got input {Descent.Shape.Format(_shape)}, weight {Descent.Shape.Format(weight._shape)} and residual {Descent.Shape.Format(residual._shape)}");
        var result = AffineForward(weight, bias, GemmActivation.None, keepPre: false, out _, residual);
        var x = this;
        Tensor[] inputs = bias == null ? [x, weight, residual] : [x, weight, bias, residual];
        return Graph.Record(result, "AddBackward0", inputs, g =>
        {
            int rows = AffineRows(x);
            var gx = x.RequiresGrad ? AffineInputGrad(g, weight, x._shape, rows) : null;
            var gw = weight.RequiresGrad ? AffineWeightGrad(g, x, weight, rows) : null;
            // The engine sums the output-shaped gradient down to the bias's [out], as for Affine.
            return bias == null ? [gx, gw, g] : [gx, gw, g, g];
        });
    }
}
