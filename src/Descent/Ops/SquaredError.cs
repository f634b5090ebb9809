using Descent.Kernels;

namespace Descent;

// The squared error behind MSELoss as one op, forward and backward each one pass (SquaredErrorKernel).
// Internal: the losses are the API.
public partial class Tensor
{
    // The node's Scalar says how the op reduced: the backward's scale depends on it.
    private const float NoReduction = 0f, SumReduction = 1f, MeanReduction = 2f;

    /// <summary>
    /// PyTorch's <c>mse_loss</c> of <paramref name="input"/> against <paramref name="target"/> of the same shape
    /// (checked by the caller, the loss): (x − y)² per element, or its sum, or its mean (NaN for no elements, as
    /// in PyTorch). Both operands get gradients: 2·(x − y)·g, divided by the count for a mean, and its negation.
    /// </summary>
    internal static Tensor SquaredError(Tensor input, Tensor target, bool reduce, bool mean)
    {
        Tensor result;
        if (reduce)
        {
            float sum = SquaredErrorKernel.SumOfSquares(input.Data, target.Data);
            // Divided in float by the count as a float, as Sum().Div(Numel) did, so the mean's bits follow the sum's.
            result = Scalar(mean ? sum / (float)input.Numel : sum);
        }
        else
        {
            result = Uninitialized(input._shape);
            SquaredErrorKernel.Squares(input.Data, target.Data, result.DataSpan);
        }
        float mode = !reduce ? NoReduction : mean ? MeanReduction : SumReduction;
        return Graph.RecordNoArrays(result, "MseLoss", input, target, static (n, g) =>
        {
            var x = n.A;
            var y = n.B;
            var gx = x.RequiresGrad ? Uninitialized(x._shape) : null;
            var gy = y.RequiresGrad ? Uninitialized(y._shape) : null;
            var gxSpan = gx != null ? gx.DataSpan : default;
            var gySpan = gy != null ? gy.DataSpan : default;
            if (n.Scalar == NoReduction) SquaredErrorKernel.Backward(x.Data, y.Data, g.Data, gxSpan, gySpan);
            else
            {
                float scale = g.Storage[g.Offset];
                if (n.Scalar == MeanReduction) scale /= x.Numel;
                SquaredErrorKernel.Backward(x.Data, y.Data, scale, gxSpan, gySpan);
            }
            return (gx, gy);
        }, scalar: mode);
    }
}
