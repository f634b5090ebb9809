using Descent.Kernels;

namespace Descent;

// The fused affine map behind `Nn.Linear`: one GEMM that reads the weight transposed in place.
public partial class Tensor
{
    /// <summary>
    /// x·Wᵀ + b over the last dimension, as <c>MatMul(weight.T) + bias</c> computes it but without
    /// materializing Wᵀ (forward) or transposing gradients (backward): the GEMM's transpose flags do it.
    /// Shapes are checked here and named as <c>Linear</c>'s, the op users call (<c>Functional.Linear</c>).
    /// </summary>
    internal Tensor Affine(Tensor weight, Tensor? bias)
    {
        var result = AffineForward(weight, bias, GemmActivation.None, keepPre: false, out _);
        // Static closures that read their operands from the node: a step records no closure or arrays for them.
        if (bias == null)
        {
            return Graph.RecordNoArrays(result, "Linear", this, weight, static (n, g) => (
                n.A.RequiresGrad ? AffineInputGrad(g, n.B, n.A._shape, AffineRows(n.A)) : null,
                n.B.RequiresGrad ? AffineWeightGrad(g, n.A, n.B, AffineRows(n.A)) : null));
        }
        return Graph.RecordNoArrays(result, "Linear", this, weight, bias, static (n, g) => (
            n.A.RequiresGrad ? AffineInputGrad(g, n.B, n.A._shape, AffineRows(n.A)) : null,
            n.B.RequiresGrad ? AffineWeightGrad(g, n.A, n.B, AffineRows(n.A)) : null,
            // The engine sums the output-shaped gradient down to [out], exactly as for a broadcast add.
            g));
    }

    /// <summary>
    /// act(x·Wᵀ + b) in one GEMM whose write adds the bias and applies the activation (<see cref="GemmEpilogue"/>),
    /// after checking the shapes as <c>Linear</c>'s; with <paramref name="keepPre"/>, <paramref name="pre"/> gets
    /// x·Wᵀ + b as well (what GELU's backward reads).
    /// </summary>
    private Tensor AffineForward(Tensor weight, Tensor? bias, GemmActivation activation, bool keepPre, out Tensor? pre, Tensor? residual = null)
    {
        if (weight.Rank != 2)
            throw new ArgumentException($"Linear: weight must be 2-D [out_features, in_features]; got input {Descent.Shape.Format(_shape)} and weight {Descent.Shape.Format(weight._shape)}");
        if (Rank == 0 || Size(-1) != weight.Size(1))
            throw new ArgumentException($"Linear: input's last dimension must be in_features={weight.Size(1)}; got input {Descent.Shape.Format(_shape)} and weight {Descent.Shape.Format(weight._shape)}");
        if (bias != null && (bias.Rank != 1 || bias.Size(0) != weight.Size(0)))
            throw new ArgumentException($"Linear: bias must be [out_features={weight.Size(0)}]; got bias {Descent.Shape.Format(bias._shape)} and weight {Descent.Shape.Format(weight._shape)}");
        int inFeatures = weight._shape[1], outFeatures = weight._shape[0];
        int rows = inFeatures == 0 ? Descent.Shape.Numel(_shape.AsSpan(0, Rank - 1)) : Numel / inFeatures;
        var outShape = SharedShapes.WithLast(_shape, outFeatures);
        // The GEMM writes every element of its output (it clears it when k = 0), so none needs zeroing first.
        var result = Uninitialized(outShape);
        pre = keepPre ? Uninitialized(outShape) : null;
        GemmEpilogue.Run(false, true, rows, outFeatures, inFeatures, Data, weight.Data, result.DataSpan,
            bias != null ? bias.Data : default, activation, pre != null ? pre.DataSpan : default, residual: residual != null ? residual.Data : default);
        return result;
    }

    /// <summary>The rows of an affine map's input: every dimension but the last.</summary>
    private static int AffineRows(Tensor x) => Descent.Shape.Numel(x._shape.AsSpan(0, x.Rank - 1));

    /// <summary>dX = dY·W: [rows, out]·[out, in].</summary>
    private static Tensor AffineInputGrad(Tensor g, Tensor weight, int[] inputShape, int rows)
    {
        var gx = Uninitialized(inputShape);
        Gemm.Run(false, false, rows, weight._shape[1], weight._shape[0], g.Data, weight.Data, gx.DataSpan);
        return gx;
    }

    /// <summary>
    /// dW = dYᵀ·X: [out, rows]·[rows, in], the transpose read in place; written or added straight into
    /// a parameter's own gradient (null is then returned), else into a new tensor.
    /// </summary>
    private static Tensor? AffineWeightGrad(Tensor g, Tensor x, Tensor weight, int rows) =>
        Engine.WriteGradient(weight, (G: g, X: x, Rows: rows, Out: weight._shape[0], In: weight._shape[1]), static (s, gw, accumulate) =>
            Gemm.Run(true, false, s.Out, s.In, s.Rows, s.G.Data, s.X.Data, gw, accumulate: accumulate));
}
