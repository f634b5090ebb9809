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
    internal Tensor CrossEntropyOfClasses(ReadOnlySpan<int> target, Tensor? weight, bool reduce, bool mean, float smoothing)
    {
        int cd = Rank == 1 ? 0 : 1;
        int classes = _shape[cd];
        int outer = cd == 0 ? 1 : _shape[0];
        int positions = target.Length;
        int inner = outer == 0 ? 1 : positions / outer;
        var w = weight is null ? default : weight.Data;
        // Everything the backward needs besides the logits, in one step-pooled buffer, so that recording the op
        // costs no closure (without a weight) and no array of targets.
        var saved = Uninitialized(SharedShapes.Vector(3 * positions + 2));
        var stats = saved.DataSpan.Slice(0, 2 * positions);
        target.CopyTo(SavedClasses(saved, positions));
        saved.DataSpan[3 * positions] = smoothing;
        saved.DataSpan[3 * positions + 1] = (reduce ? 1 : 0) + (mean ? 2 : 0);
        var nll = BufferPool.RentScratch(positions);
        var smooth = smoothing > 0f ? BufferPool.RentScratch(positions) : [];
        float total = 0f;
        Tensor result;
        try
        {
            CrossEntropyKernel.Forward(Data, outer, classes, inner, target, w, stats, nll, smooth);
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
        if (weight is null)
            return Graph.RecordNoArrays(result, "NllLossBackward0", this, static (n, g) => CrossEntropyOfClassesGrad(n, g, null), saved, total);
        return RecordWeighted(result, this, saved, total, weight);
    }

    // Apart, so that only a weighted loss makes the closure's captured state: captured in the op itself, the
    // weight's display class is made on entry, a 24-byte object every unweighted step too.
    private static Tensor RecordWeighted(Tensor result, Tensor input, Tensor saved, float total, Tensor weight) =>
        Graph.RecordNoArrays(result, "NllLossBackward0", input, (n, g) => CrossEntropyOfClassesGrad(n, g, weight), saved, total);

    /// <summary>The classes kept in a cross-entropy's saved buffer, after its 2·positions statistics, as int bits.</summary>
    private static Span<int> SavedClasses(Tensor saved, int positions) =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(saved.DataSpan.Slice(2 * positions, positions));

    /// <summary>The logits' gradient, from the node of <see cref="CrossEntropyOfClasses"/>: its input, saved buffer and total weight.</summary>
    private static Tensor CrossEntropyOfClassesGrad(Node n, Tensor g, Tensor? weight)
    {
        var x = n.A;
        var saved = n.Saved!;
        int positions = (saved.Numel - 2) / 3;
        int cd = x.Rank == 1 ? 0 : 1;
        int classes = x._shape[cd];
        int outer = cd == 0 ? 1 : x._shape[0];
        int inner = outer == 0 ? 1 : positions / outer;
        float smoothing = saved.Data[3 * positions];
        int flags = (int)saved.Data[3 * positions + 1];
        bool reduce = (flags & 1) != 0, mean = (flags & 2) != 0;
        var grad = Uninitialized(x._shape);
        Span<float> one = [reduce ? (mean ? g.Item() / n.Scalar : g.Item()) : 0f];
        ReadOnlySpan<float> scale = reduce ? one : g.Data;
        CrossEntropyKernel.Backward(x.Data, outer, classes, inner, SavedClasses(saved, positions), weight is null ? default : weight.Data,
            saved.Data.Slice(0, 2 * positions), scale, smoothing, grad.DataSpan);
        return grad;
    }

    /// <summary>Σ w_t over the positions that count (their number without weights), in position order.</summary>
    private static float TotalWeight(ReadOnlySpan<int> target, ReadOnlySpan<float> weight)
    {
        float total = 0f;
        foreach (int t in target)
            if (t >= 0) total += weight.IsEmpty ? 1f : weight[t];
        return total;
    }
}
