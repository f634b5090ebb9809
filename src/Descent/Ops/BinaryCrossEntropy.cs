using Descent.Kernels;

namespace Descent;

// The elementwise ops behind BCELoss and BCEWithLogitsLoss, each with PyTorch's backward formula where the
// composed one would be wrong at the edges (see BinaryCrossEntropyKernel). Internal: the losses are the API.
public partial class Tensor
{
    /// <summary>-log σ(x) per element, stable for logits of any size; the gradient is σ(x) − 1.</summary>
    internal Tensor NegLogSigmoid()
    {
        var result = Uninitialized(_shape);
        BinaryCrossEntropyKernel.NegLogSigmoidForward(Data, result.DataSpan);
        return Graph.RecordNoArrays(result, "NegLogSigmoid", this, static (n, g) =>
        {
            var grad = Uninitialized(n.A._shape);
            BinaryCrossEntropyKernel.NegLogSigmoidBackward(g.Data, n.A.Data, grad.DataSpan);
            return grad;
        });
    }

    /// <summary>
    /// Unweighted binary cross-entropy per element of probabilities <paramref name="p"/> against targets
    /// <paramref name="y"/> of the same shape, logs clamped at -100; both get gradients. The caller has
    /// checked the shapes and that p lies in [0, 1].
    /// </summary>
    internal static Tensor BinaryCrossEntropy(Tensor p, Tensor y)
    {
        var result = Uninitialized(p._shape);
        BinaryCrossEntropyKernel.Forward(p.Data, y.Data, result.DataSpan);
        return Graph.RecordNoArrays(result, "BinaryCrossEntropy", p, y, static (n, g) =>
        {
            Tensor? gp = null, gy = null;
            if (n.A.RequiresGrad)
            {
                gp = Uninitialized(n.A._shape);
                BinaryCrossEntropyKernel.BackwardInput(g.Data, n.A.Data, n.B.Data, gp.DataSpan);
            }
            if (n.B.RequiresGrad)
            {
                gy = Uninitialized(n.B._shape);
                BinaryCrossEntropyKernel.BackwardTarget(g.Data, n.A.Data, gy.DataSpan);
            }
            return (gp, gy);
        });
    }
}
