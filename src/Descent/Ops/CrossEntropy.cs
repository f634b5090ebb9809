using System.Numerics.Tensors;
using Descent.Kernels;

namespace Descent;

// Cross-entropy against class indices, softmax fused in: what Losses.CrossEntropy runs for index targets.
public partial class Tensor
{
    /// <summary>
    /// PyTorch's <c>cross_entropy</c> of these logits ([C], [N, C] or [N, C, d...]) against checked class indices
    /// (<paramref name="target"/>, one per position, −1 where ignored), in one kernel each way
    /// (<see cref="CrossEntropyKernel"/>): per position −w_t·log p_t, plus the label-smoothing term
    /// −Σ_c w_c·log p_c mixed in as (1 − ε)·nll + (ε/C)·smooth; reduced by sum, by the mean over the summed
    /// position weights, or not at all. Checking the targets and the weight is the caller's (the loss's).
    /// </summary>
    internal Tensor CrossEntropyOfClasses(int[] target, Tensor? weight, bool reduce, bool mean, float smoothing)
    {
        int cd = Rank == 1 ? 0 : 1;
        int classes = _shape[cd];
        int outer = cd == 0 ? 1 : _shape[0];
        int positions = target.Length;
        int inner = outer == 0 ? 1 : positions / outer;
        var w = weight is null ? default : weight.Data;
        var stats = Uninitialized([2 * positions]);
        var nll = BufferPool.RentScratch(positions);
        var smooth = smoothing > 0f ? BufferPool.RentScratch(positions) : [];
        float total = 0f;
        Tensor result;
        try
        {
            CrossEntropyKernel.Forward(Data, outer, classes, inner, target, w, stats.DataSpan, nll, smooth);
            float keep = 1f - smoothing, share = smoothing / classes;
            if (!reduce)
            {
                result = Uninitialized(cd == 0 ? [] : [_shape[0], .. _shape.AsSpan(2)]);
                var r = result.DataSpan;
                if (smoothing > 0f)
                    for (int i = 0; i < positions; i++) r[i] = nll[i] * keep + smooth[i] * share;
                else nll.AsSpan(0, positions).CopyTo(r);
            }
            else
            {
                float value = TensorPrimitives.Sum(nll.AsSpan(0, positions));
                float smoothed = smoothing > 0f ? TensorPrimitives.Sum(smooth.AsSpan(0, positions)) : 0f;
                if (mean)
                {
                    total = TotalWeight(target, w);
                    value /= total;
                    smoothed /= total;
                }
                if (smoothing > 0f) value = value * keep + smoothed * share;
                result = Scalar(value);
            }
        }
        finally
        {
            BufferPool.Return(nll);
            BufferPool.Return(smooth);
        }
        return Graph.RecordNoArrays(result, "NllLossBackward0", this, (_, g) =>
        {
            var grad = Uninitialized(_shape);
            Span<float> one = [reduce ? (mean ? g.Item() / total : g.Item()) : 0f];
            ReadOnlySpan<float> scale = reduce ? one : g.Data;
            CrossEntropyKernel.Backward(Data, outer, classes, inner, target, weight is null ? default : weight.Data, stats.Data, scale, smoothing, grad.DataSpan);
            return grad;
        });
    }

    /// <summary>Σ w_t over the positions that count (their number without weights), in position order.</summary>
    private static float TotalWeight(int[] target, ReadOnlySpan<float> weight)
    {
        float total = 0f;
        foreach (int t in target)
            if (t >= 0) total += weight.IsEmpty ? 1f : weight[t];
        return total;
    }
}
